"""The household handbook, ``/<lang>/handbook.pdf``: built in the background once per
content state, kept under BUILD_DIR, and served from memory.

A build takes seconds, so no request waits for one when a handbook exists: after a
change the last one keeps being served (with a short Cache-Control) while the new
one is built on a background thread. Only the very first request in a language,
before anything was ever built, waits for the build (at most HANDBOOK_WAIT seconds,
then a 503 with Retry-After). Builds are shared through files: one process builds a
state (others wait on its lock and read its file), and a restart reuses them.
"""
from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import signal
import threading
import time
import traceback
from pathlib import Path
from typing import NamedTuple

from flask import Flask, current_app, g

from ..threads import Thread
from ..views.common import language_blueprint, slot

log = logging.getLogger(__name__)
bp = language_blueprint("handbook", __name__)
WAIT = 60.0  # seconds the first request in a language may wait for the first build
TIMEOUT = 1800.0  # seconds a build may take before it is stopped


def _original(module, name: str):
    """``module.<name>`` itself, also in a gevent worker (whose patched fork, waitpid
    and sleep belong to the event loop's thread, not to the real thread a build runs
    on)."""
    try:
        from gevent import monkey
    except ImportError:
        return getattr(module, name)
    return monkey.get_original(module.__name__, name)


class Built(NamedTuple):
    state: tuple
    pdf: bytes
    etag: str
    seconds: float  # how long the build took (0 when read from another process's file)

    @property
    def size(self) -> int:
        return len(self.pdf)


class Builder:
    """The newest handbook of each language, and the background thread that builds them."""

    def __init__(self, app: Flask):
        self.app = app
        self.built: dict[str, Built] = {}
        self.version = 0  # moves whenever a new handbook is ready: pages showing its size change
        self._lock = threading.Lock()
        self._wanted: set[str] = set()
        self._running = False
        self.failures = 0
        self.failed: set[str] = set()  # languages whose last build failed

    # -- asking ----------------------------------------------------------------------
    def current(self, lang: str, state: tuple) -> Built | None:
        """The newest handbook of ``lang`` (maybe of an older state); a build of
        ``state`` is started in the background when it is not that one."""
        built = self.built.get(lang)
        if built is None or built.state != state:
            self.request(lang)
        return built

    def wait(self, lang: str, timeout: float) -> Built | None:
        """The handbook of ``lang``, waiting for the first build at most ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while lang not in self.built and time.monotonic() < deadline:
            if lang in self.failed:  # no use waiting: the log says why
                break
            self.request(lang)
            time.sleep(0.05)  # cooperative under gevent
        return self.built.get(lang)

    def request(self, lang: str) -> None:
        with self._lock:
            self._wanted.add(lang)
            if self._running:
                return
            self._running = True
        Thread(target=self._run, name="handbook").start()

    def rebuild(self) -> None:
        """After a content change: build again what was built before."""
        for lang in list(self.built):
            self.request(lang)

    # -- building --------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._wanted:
                    self._running = False
                    return
                lang = sorted(self._wanted)[0]
                self._wanted.discard(lang)
            try:
                self.build(lang)
            except Exception:  # the last handbook keeps serving
                self.failures += 1
                self.failed.add(lang)
                log.exception("building the %s handbook failed", lang)

    def directory(self) -> Path:
        return Path(self.app.config["BUILD_DIR"]) / "handbook"

    def build(self, lang: str) -> Built | None:
        """The handbook of ``lang`` for the content now: from its file if any process
        built it already, else built here (seconds) and written for the others."""
        store = self.app.extensions["portal.store"]
        library, when = store.library, store.now()
        if lang not in library.languages:
            return None
        state = library.state(when)
        known = self.built.get(lang)
        if known is not None and known.state == state:
            return known
        key = hashlib.sha256(repr((lang, state)).encode()).hexdigest()[:24]
        folder = self.directory()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{lang}-{key}.pdf"
        with open(folder / f"{lang}-{key}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # a real thread: blocking here blocks nobody
            started = time.perf_counter()
            if path.exists():
                pdf, seconds = path.read_bytes(), 0.0
            else:
                temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
                self._render_apart(lang, library, when, temporary)
                pdf = temporary.read_bytes()
                seconds = time.perf_counter() - started
                os.replace(temporary, path)
                self._prune(folder, lang, keep=path)
        built = Built(state, pdf, hashlib.blake2b(pdf, digest_size=16).hexdigest(), seconds)
        with self._lock:
            self.built[lang] = built
            self.failed.discard(lang)
            self.version += 1
        log.info("handbook %s: %d bytes in %.1f s", lang, built.size, seconds)
        return built

    def _render_apart(self, lang: str, library, when, target: Path) -> None:
        """Render into ``target`` in a forked child at the lowest CPU priority.

        Laying out a long handbook is minutes of pure-Python work and much memory:
        in the worker it would hold the interpreter lock against every request, and
        keep its memory after. The child shares the worker's library copy-on-write,
        gets the cores only when requests leave them idle, gives its memory back when
        it ends, and is stopped after HANDBOOK_TIMEOUT seconds."""
        fork, waitpid, sleep = _original(os, "fork"), _original(os, "waitpid"), \
            _original(time, "sleep")
        timeout = float(self.app.config.get("HANDBOOK_TIMEOUT", TIMEOUT))
        parent = os.getpid()
        pid = fork()
        if pid == 0:  # the child: render, write, and leave without running the parent's exit
            status = 1
            try:
                _die_with_parent(parent)
                os.nice(19)
                target.write_bytes(self._render(lang, library, when))
                status = 0
            except BaseException:  # noqa: BLE001 - said on stderr; the parent reports it
                traceback.print_exc()
            finally:
                os._exit(status)
        deadline = time.monotonic() + timeout
        while True:
            done, status = waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                waitpid(pid, 0)
                target.unlink(missing_ok=True)
                raise TimeoutError(f"the {lang} handbook took over {timeout:g} s; stopped")
            sleep(0.1)  # a real thread: waiting here blocks no request
        if os.waitstatus_to_exitcode(status) != 0:
            target.unlink(missing_ok=True)
            raise RuntimeError(f"building the {lang} handbook failed (status {status})")

    def _render(self, lang: str, library, when) -> bytes:
        from .build import build_pdf
        with self.app.app_context():
            g.lang, g.library, g.now = lang, library, when
            return build_pdf()

    @staticmethod
    def _prune(folder: Path, lang: str, keep: Path) -> None:
        """Old handbooks of ``lang`` (all but the newest few) go."""
        olds = sorted((p for p in folder.glob(f"{lang}-*.pdf") if p != keep),
                      key=lambda p: p.stat().st_mtime, reverse=True)
        for old in olds[3:]:
            for stale in (old, old.with_suffix(".lock")):
                try:
                    stale.unlink()
                except OSError:
                    pass


def _die_with_parent(parent: int) -> None:
    """Be killed when the thread that forked us ends (the worker stopped, recycled or
    killed), so no build outlives its server."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the timeout still bounds it
        pass
    if os.getppid() != parent:  # the parent was gone before we asked
        os._exit(1)


def preload() -> None:
    """Import WeasyPrint now, at server start-up, before gunicorn forks and patches: its
    import runs ``ldconfig`` through subprocess, which a gevent worker's real threads
    (and the processes a build forks from them) cannot do."""
    try:
        import weasyprint  # noqa: F401
    except Exception:  # noqa: BLE001 - said when a handbook is asked for
        log.warning("WeasyPrint cannot be loaded; the handbook cannot be built", exc_info=True)


def get_builder() -> Builder:
    return current_app.extensions["portal.handbook"]


def handbook_size() -> float | None:
    """The size in MB of this language's last built handbook, for links (None before the
    first build, which this starts)."""
    from .build import megabytes
    from ..views.common import lang, library, now
    builder = get_builder()
    if current_app.config.get("HANDBOOK_BUILD_AHEAD", not current_app.testing):
        built = builder.current(lang(), library().state(now()))
    else:  # tests: a build only when the handbook itself is asked for, not per page shown
        built = builder.built.get(lang())
    return megabytes(built.size) if built is not None else None


def offline_phone() -> str:
    """The number residents call when the site cannot tell them more: the duty phone of
    the office that runs the site (the first issuer in site.yml), else the last hotline."""
    from ..views.common import library
    site = library().site
    first = next(iter(site.issuers.values()), None)
    if first is not None:
        return first.phone
    return site.hotlines[-1].number if site.hotlines else ""


def init_app(app: Flask) -> None:
    from ..urls import absolute_url
    from . import views  # noqa: F401  (routes)

    builder = app.extensions["portal.handbook"] = Builder(app)
    app.register_blueprint(bp)
    app.jinja_env.globals.update(handbook_size=handbook_size, offline_phone=offline_phone,
                                 absolute_url=absolute_url)
    slot(app, "home", "handbook/home_link.html")
    slot(app, "guide", "handbook/guide_link.html")
    # Pages that show the handbook's size change when a new one is ready.
    app.extensions.setdefault("portal.page_states", []).append(lambda: builder.version)
    app.extensions["portal.store"].subscribe(lambda old, new: builder.rebuild())
    app.extensions.setdefault("portal.freeze", []).append(
        lambda library, lang: [("handbook.pdf", {"lang": lang})])
