"""Defaults that serve the bundled content; override with PORTAL_* environment variables."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CONTENT_DIR = str(ROOT / "content")
INDEX_DIR = str(ROOT / "var" / "index")
BUILD_DIR = str(ROOT / "var" / "build")
STATIC_DIR = str(ROOT / "static")
TRANSLATIONS_DIR = str(ROOT / "translations")
BASE_URL = "http://127.0.0.1:8000"
DEFAULT_LANG = "en"
# Seconds a shared cache may serve a page or feed before asking again, and how
# long it may keep serving a stale copy while it revalidates or when we fail.
CACHE_MAX_AGE = 60
CACHE_STALE_WHILE_REVALIDATE = 300
CACHE_STALE_IF_ERROR = 86400
PAGE_SIZE = 20
# Live content: "events" (inotify, falling back to polling where unavailable) or
# "poll"; seconds between polls (0 turns live reload off); and how long the tree
# must stay still before a change is published.
RELOAD_MODE = "poll"
RELOAD_INTERVAL = 0.5
RELOAD_SETTLE = 0.3
# Entries in a subscription feed; older ones are in RFC 5005 archive pages.
FEED_SIZE = 50
# A WebSub hub (https://www.w3.org/TR/websub/) to advertise and ping; None for none.
WEBSUB_HUB = None
# Set by `portal freeze`: pages say that search and filters need the live site.
STATIC_MIRROR = False
