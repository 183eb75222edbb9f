"""What the page benchmark asks of a running portal: its pages, first views, memory."""
from __future__ import annotations

import http.client
import re
import statistics
import threading
import time
from html.parser import HTMLParser

from ._servers import fetch, memory


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stylesheets: list[str] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "link" and values.get("rel") == "stylesheet":
            self.stylesheets.append(values["href"])
        if tag == "script" and values.get("type") != "application/ld+json":
            self.scripts.append(values.get("src") or "(inline)")


def guide_paths(port: int) -> list[str]:
    return [path for path in sitemap_paths(port)
            if "/guides/" in path and not path.endswith("/guides/")]


def heaviest_guide(port: int, keep=None) -> tuple[str, bytes]:
    """The largest guide page (among the paths ``keep`` accepts, if given)."""
    pages = []
    for path in guide_paths(port):
        if keep is not None and not keep(path):
            continue
        status, _, body = fetch(port, path)
        if status == 200:
            pages.append((len(body), path, body))
    _, path, body = max(pages)
    return path, body


def warm(port: int, paths: list[str], threads: int = 4, limit: float = 600) -> int:
    """First views of ``paths`` from a few keep-alive clients; how many answered 200."""
    done, lock = [0], threading.Lock()
    deadline = time.monotonic() + limit

    def run(mine: list[str]) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for path in mine:
            if time.monotonic() > deadline:
                break
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            with lock:
                done[0] += ok
        connection.close()

    workers = [threading.Thread(target=run, args=(paths[n::threads],), daemon=True)
               for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(limit + 30)
    return done[0]


def worker_memory(server, samples: int = 3) -> dict[str, float]:
    """Median over samples a second apart of the mean over workers."""
    taken = []
    for n in range(samples):
        if n:
            time.sleep(1)
        per_worker = [memory(pid) for pid in server.workers()]
        taken.append({key: statistics.mean(m[key] for m in per_worker) for key in per_worker[0]})
    return {key: statistics.median(t[key] for t in taken) for key in taken[0]}


def sitemap_paths(port: int) -> list[str]:
    status, _, body = fetch(port, "/sitemap.xml", timeout=120)
    assert status == 200, status
    return [re.sub(r"^https?://[^/]+", "", url.decode())
            for url in re.findall(rb"<loc>([^<]+)</loc>", body)]


def first_views(port: int, paths: list[str]) -> float:
    """Pages per second rendering pages never seen, once each kind of page has been
    seen (so templates are compiled in both workers, as they are after a publication)."""
    kinds = {}
    for path in paths:
        kinds.setdefault(path.rsplit("/", 1)[0], path)
    warm(port, [p for p in kinds.values() for _ in range(4)])
    rest = [p for p in paths if p not in set(kinds.values())]
    started = time.monotonic()
    answered = warm(port, rest)
    if answered < len(rest):
        raise RuntimeError(f"only {answered} of {len(rest)} pages answered 200")
    return answered / (time.monotonic() - started)
