"""Writing an approved item into the content directory: atomically (a temporary file in
the same directory, fsync, rename), only ever at <lang>/<kind>/<slug>.md, and, when the
content directory is a git repository, as a commit by the official who wrote it."""
from __future__ import annotations

import hashlib
import logging
import os
import subprocess
from pathlib import Path

from .compose import valid_slug

log = logging.getLogger(__name__)
GIT_TIMEOUT = 10


class PathRefused(ValueError):
    pass


def item_path(content_dir: str | Path, lang: str, kind: str, slug: str,
              languages, kinds) -> Path:
    """Where an item lives; PathRefused for anything that is not a known language, a
    known kind and an allowlisted slug, or that would land outside the directory."""
    if lang not in languages or kind not in kinds or not valid_slug(slug):
        raise PathRefused(f"{lang}/{kind}/{slug}.md is not a place the desk writes to")
    root = Path(content_dir).resolve()
    path = (root / lang / kind / f"{slug}.md").resolve()
    if root not in path.parents:
        raise PathRefused(f"{path} is outside the content directory")
    return path


def read_current(path: Path) -> tuple[str, str | None]:
    """(the file's text, sha256 of its bytes), or ("", None) when it does not exist."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return "", None
    return data.decode("utf-8", errors="replace"), hashlib.sha256(data).hexdigest()


def digest_of(path: Path) -> str | None:
    return read_current(path)[1]


def git_commit(content_dir: str | Path, path: Path, author_name: str, author_email: str,
               message: str) -> bool:
    """Commit ``path`` when the content directory is in a git repository. A failure is
    logged and never stops publishing (the file is already written)."""
    root = str(Path(content_dir).resolve())
    try:
        inside = subprocess.run(["git", "-C", root, "rev-parse", "--is-inside-work-tree"],
                                capture_output=True, text=True, timeout=GIT_TIMEOUT)
        if inside.returncode != 0 or inside.stdout.strip() != "true":
            return False
        env = {**os.environ, "GIT_AUTHOR_NAME": author_name or author_email,
               "GIT_AUTHOR_EMAIL": author_email, "GIT_COMMITTER_NAME": "crisis-portal desk",
               "GIT_COMMITTER_EMAIL": "desk@localhost", "GIT_TERMINAL_PROMPT": "0"}
        relative = os.path.relpath(path, root)
        subprocess.run(["git", "-C", root, "add", "--", relative], check=True,
                       capture_output=True, timeout=GIT_TIMEOUT, env=env)
        done = subprocess.run(["git", "-C", root, "commit", "--no-verify", "-q", "-m", message,
                               "--", relative], capture_output=True, text=True,
                              timeout=GIT_TIMEOUT, env=env)
        if done.returncode != 0:
            log.error("git commit of %s failed: %s", relative, (done.stderr or done.stdout).strip())
            return False
        return True
    except (OSError, subprocess.SubprocessError) as exc:
        log.error("git commit of %s failed: %s: %s", path, type(exc).__name__, exc)
        return False
