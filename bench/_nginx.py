"""deploy/nginx.conf, pointed at this run's ports and paths, plus a static-file baseline."""
from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from ._servers import ROOT


UPSTREAM_BLOCK = re.compile(r"(?m)^ *upstream portal \{\n(?:.*\n)*? *\}\n")


def upstream_block(ports: Sequence[int]) -> str:
    """deploy/nginx-upstream.conf's upstream block, its machines pointed at ``ports``."""
    text = (ROOT / "deploy" / "nginx-upstream.conf").read_text()
    block = UPSTREAM_BLOCK.search(text).group(0)
    machines = re.findall(r"server \S+:8000\b", block)
    if len(machines) != len(ports):
        raise RuntimeError(f"deploy/nginx-upstream.conf lists {len(machines)} machines, "
                           f"not {len(ports)}")
    for machine, port in zip(machines, ports):
        block = block.replace(machine, f"server 127.0.0.1:{port}", 1)
    return block


def with_upstream(text: str, ports: Sequence[int]) -> str:
    """nginx.conf's text with its upstream block replaced by nginx-upstream.conf's."""
    text, count = UPSTREAM_BLOCK.subn(lambda _: upstream_block(ports), text)
    if count != 1:
        raise RuntimeError(f"deploy/nginx.conf changed: {count} upstream blocks")
    return text


def nginx_config(upstream: int | Sequence[int], listen: int, static_port: int, workdir: Path,
                 static_dir: Path, page_root: Path) -> str:
    """deploy/nginx.conf with its machine paths and ports pointed at this run, plus a
    second server that serves the page's bytes as a plain file: the baseline.

    ``upstream`` is one port (the upstream block as shipped), or several: the block of
    deploy/nginx-upstream.conf, one app machine per port."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    if isinstance(upstream, int):
        replacements = [(r"server 127\.0\.0\.1:8000\b", f"server 127.0.0.1:{upstream}")]
    else:
        text = with_upstream(text, upstream)
        replacements = []
    replacements += [
        (r"(?m)^user .*;$", "user root;" if os.geteuid() == 0 else ""),
        (r"(?m)^pid .*;$", f"pid {workdir / 'nginx.pid'};"),
        (r"(?m)^error_log .*;$", f"error_log {workdir / 'nginx-error.log'} warn;"),
        # Plain http on loopback: the https server without its certificate, and the
        # redirect server out of the way on a socket file.
        (r"listen 443 ssl http2 default_server;", f"listen 127.0.0.1:{listen} default_server;"),
        (r"(?m)^ *ssl_certificate(_key)? \S+;\n(?: *ssl_certificate(_key)? \S+;\n)", ""),
        (r"listen 80;", f"listen unix:{workdir / 'http-redirect.sock'};"),
        (r"proxy_cache_path \S+", f"proxy_cache_path {workdir / 'nginx-cache'}"),
        (r"alias /srv/portal/var/build/static/;", f"alias {static_dir}/;"),
    ]
    for pattern, replacement in replacements:
        text, count = re.subn(pattern, replacement, text)
        if count != 1:
            raise RuntimeError(f"deploy/nginx.conf changed: {pattern!r} matched {count} times")
    headers = "\n".join(f'        add_header {name} "{value}" always;'
                        for name, value in _page_headers().items())
    baseline = f"""
    server {{
        listen 127.0.0.1:{static_port};
        root {page_root};
        default_type text/html;
{headers}
        location / {{ try_files $uri =404; }}
    }}
"""
    for directive in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        baseline += f"    {directive}_temp_path {workdir / ('tmp-' + directive)};\n"
    cut = text.rstrip().rfind("}")
    return text[:cut] + baseline + "}\n"


def _page_headers() -> dict[str, str]:
    from portal.settings import SETTINGS
    from portal.headers import SECURITY_HEADERS, cache_control
    return {**SECURITY_HEADERS, "Cache-Control": cache_control({s.name: s.default for s in SETTINGS})}
