"""Every setting, its type and its default, in one table, read once at start.

Each is set by the environment variable ``PORTAL_<NAME>`` (or by the test
config); the value is converted here, so nothing downstream converts types.
The README's configuration table is checked against this one by a test.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


class SettingError(ValueError):
    pass


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise SettingError(f"{value!r} is not true or false")


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise SettingError(f"{value!r} is not a whole number")
    return int(value)


def _optional(value: Any) -> str | None:
    return None if value is None or str(value).strip() in ("", "none") else str(value)


def _words(value: Any) -> tuple[str, ...]:
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(str(v) for v in value)
    return tuple(part for part in str(value).replace(",", " ").split() if part)


def _url(value: Any) -> str:
    text = str(value).strip().rstrip("/")
    if not text.startswith(("http://", "https://")):
        raise SettingError(f"{value!r} is not an http(s) URL")
    return text


def _choice(*allowed: str) -> Callable[[Any], str]:
    def convert(value: Any) -> str:
        if str(value) not in allowed:
            raise SettingError(f"{value!r} is not one of {', '.join(allowed)}")
        return str(value)
    return convert


@dataclass(frozen=True)
class Setting:
    name: str
    convert: Callable[[Any], Any]
    default: Any
    help: str

    def shown_default(self) -> str:
        """The default as the README's configuration table prints it."""
        value = self.default
        if isinstance(value, str) and value.startswith(str(ROOT)):
            return f"`./{Path(value).relative_to(ROOT).as_posix()}`"
        if value is None or value == ():
            return "none"
        if isinstance(value, bool):
            return "`true`" if value else "`false`"
        return f"`{value}`"


SETTINGS: tuple[Setting, ...] = (
    Setting("CONTENT_DIR", str, str(ROOT / "content"), "the content tree"),
    Setting("INDEX_DIR", str, str(ROOT / "var" / "index"), "where search indexes are built"),
    Setting("BUILD_DIR", str, str(ROOT / "var" / "build"),
            "hashed, pre-compressed static files and the last good version of each content file"),
    Setting("STATIC_DIR", str, str(ROOT / "static"), "static source files"),
    Setting("TRANSLATIONS_DIR", str, str(ROOT / "translations"), "translation catalogues"),
    Setting("BASE_URL", _url, "http://127.0.0.1:8000",
            "the public address: absolute URLs in feeds, sitemaps, redirects and hreflang"),
    Setting("DEFAULT_LANG", str, "en", "fallback language"),
    Setting("CACHE_MAX_AGE", _int, 60, "seconds shared caches may keep pages and feeds"),
    Setting("CACHE_STALE_WHILE_REVALIDATE", _int, 300,
            "seconds a cache may serve a stale copy while it asks again"),
    Setting("CACHE_STALE_IF_ERROR", _int, 86400,
            "seconds a cache may serve a stale copy when the site fails"),
    Setting("RELOAD_MODE", _choice("poll", "events"), "events",
            "how the one watcher per machine notices changes: `events` (inotify, with a full "
            "look every `PORTAL_RELOAD_SCAN` seconds) or `poll`"),
    Setting("RELOAD_INTERVAL", float, 0.5, "seconds between polls (0 turns live reload off)"),
    Setting("RELOAD_SCAN", float, 30.0,
            "in `events` mode, seconds between full looks at the tree all the same"),
    Setting("RELOAD_SETTLE", float, 0.3,
            "seconds the tree must stay still before a change is published"),
    Setting("FEED_SIZE", _int, 50,
            "entries per subscription feed; older ones are in RFC 5005 archives"),
    Setting("WEBSUB_HUB", _optional, None,
            "WebSub hub to advertise in feeds and ping when they change"),
    Setting("IMAGE_HOSTS", _words, (),
            "hosts besides this site that images in content may load from"),
    Setting("STATIC_CORS", _bool, False,
            "send `Access-Control-Allow-Origin: *` with static files (off: same origin only)"),
    Setting("PROXY_FIX", _int, 0, "number of trusted proxies whose X-Forwarded-* to honour"),
    Setting("PAGE_CACHE_MAX_ENTRIES", _int, 2000, "pages kept in memory per worker"),
    Setting("PAGE_CACHE_MAX_BYTES", _int, 64 * 1024 * 1024, "bytes of pages kept per worker"),
    Setting("SEARCH_AUTO_BUILD", _bool, True, "build a missing search index in the background"),
    Setting("STATIC_MIRROR", _bool, False, "set by `portal freeze`: pages say search needs the "
            "live site"),
    Setting("DATABASE_URL", str, "sqlite:///var/portal.db",
            "where reports from residents are kept (SQLAlchemy URL; a relative SQLite path is "
            "under this folder, in WAL mode), e.g. `postgresql://user@host/portal`"),
    Setting("SECRET_KEY", _optional, None,
            "signs forms (CSRF); every worker and machine needs the same one (none: generated "
            "once into `var/secret_key`)"),
    Setting("REPORTS_PER_ADDRESS", _int, 5, "reports one address may send in ten minutes"),
    Setting("REPORT_MIN_SECONDS", float, 2.0,
            "a report form sent sooner than this after it was shown is taken for a robot's"),
    Setting("DATABASE_REFRESH", float, 10.0,
            "seconds between background reads of what pages show from the database (report "
            "counts, the board of claims being checked)"),
    Setting("DESK_OWNER", str, "emergency-office",
            "the department (an issuer key) whose desk accounts write guides, places and pages"),
    Setting("DESK_IDLE_MINUTES", _int, 30,
            "minutes without activity after which a desk session ends"),
    Setting("DESK_LOCKOUT_ATTEMPTS", _int, 5,
            "failed sign-ins in a row that lock a desk account"),
    Setting("DESK_LOCKOUT_MINUTES", _int, 15, "minutes a locked desk account stays locked"),
    Setting("DESK_SIGNINS_PER_ADDRESS", _int, 20,
            "desk sign-in attempts one address may make in ten minutes"),
    Setting("DESK_REQUIRE_TOTP", _bool, False,
            "every desk account needs a TOTP second factor (else only those an admin marks)"),
    Setting("DESK_SECURE_COOKIE", _bool, True,
            "the desk's session cookie is sent over HTTPS only (off only for local trials)"),
)
BY_NAME: Mapping[str, Setting] = {s.name: s for s in SETTINGS}


def read(environ: Mapping[str, str], overrides: Mapping[str, Any] | None = None) -> dict:
    """Every setting's value: ``overrides`` first, then PORTAL_<NAME>, then the default."""
    values = {}
    for setting in SETTINGS:
        if overrides and setting.name in overrides:
            raw = overrides[setting.name]
        elif f"PORTAL_{setting.name}" in environ:
            raw = environ[f"PORTAL_{setting.name}"]
        else:
            values[setting.name] = setting.default
            continue
        try:
            values[setting.name] = setting.convert(raw)
        except (TypeError, ValueError) as exc:
            raise SettingError(f"PORTAL_{setting.name}: {exc}") from None
    return values
