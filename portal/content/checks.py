"""Advice on loaded content that does not stop a file from going live: advice due
for review, missing or stale translations, broken internal links, impossible dates.

Works on any kind of content through the attributes its items happen to have
(``review_by``, ``updated``, ``published``, ``expires``, ``draft``), so a new
kind is checked as soon as it loads.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from ..markup import ID_PREFIX
from .errors import ContentError

LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]+)?")
# Pages the site serves besides content items, as paths without the leading
# slash; "<lang>" stands for any language. A link to one, or below one, is fine.
ROUTES = (
    "static", "healthz", "sitemap.xml", "robots.txt", "opensearch.xml", "desk",
    "<lang>/search", "<lang>/hotlines", "<lang>/feeds", "<lang>/report", "<lang>/rumours",
    "<lang>/handbook.pdf",
)


def review(library, today: dt.date | dt.datetime, sections: Iterable[str] | None = None,
           *, root: Path | str | None = None,
           routes: Iterable[str] = ROUTES) -> list[ContentError]:
    """Warnings about ``library`` as of ``today``, sorted by path and line.

    ``sections`` are the folders whose items have pages at /<lang>/<section>/<slug>
    (by default those of the items present); ``root`` is the content directory,
    read only to find the line of a broken link. ``today`` may be an aware date-time:
    the kinds' own reviews see it as "now"; a date counts as its end, in UTC.
    """
    now = today if isinstance(today, dt.datetime) and today.utcoffset() is not None else \
        dt.datetime.combine(_day(today), dt.time.max, dt.timezone.utc)
    today = _day(today)
    items = list(library.all())
    known = set(sections) if sections is not None else {item.section for item in items}
    found = [*_dates(items, today), *_translations(library, items),
             *_links(library, items, known, tuple(routes), root),
             *_kinds(library, items, now)]
    return sorted(found, key=lambda e: (e.path, e.line, e.field, e.message))


def _warn(item, field: str, message: str, line: int | None = None) -> ContentError:
    if line is None:
        line = item.lines.get(field, 1) if field else 1
    return ContentError(item.path, line, field, message, "warning")


def _day(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _show(value: dt.date) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    return value.isoformat()


def _earlier(a: dt.date, b: dt.date) -> bool:
    """``a < b``, to the minute when both are comparable date-times, else by day."""
    if (isinstance(a, dt.datetime) and isinstance(b, dt.datetime)
            and (a.utcoffset() is None) == (b.utcoffset() is None)):
        return a < b
    return _day(a) < _day(b)


def _date(item, name: str) -> dt.date | None:
    value = getattr(item, name, None)
    return value if isinstance(value, dt.date) else None


def _dates(items, today: dt.date) -> Iterator[ContentError]:
    for item in items:
        review_by = _date(item, "review_by")
        if review_by is not None and _day(review_by) < today:
            yield _warn(item, "review_by", f"due for review since {_show(review_by)}: "
                        "check the advice and move review_by on")
        published, expires = _date(item, "published"), _date(item, "expires")
        if published is not None and expires is not None and not _earlier(published, expires):
            when = ("the moment it is published" if expires == published
                    else f"before it is published at {_show(published)}")
            yield _warn(item, "expires", f"expires at {_show(expires)} {when}")
        updated = _date(item, "updated")
        # A scheduled item may well say it was updated on its publication day.
        latest = max(today, _day(published)) if published is not None else today
        if updated is not None and _day(updated) > latest:
            yield _warn(item, "updated", f"updated {_show(updated)} is in the future "
                        f"(today is {today.isoformat()}): check the date")


def _kinds(library, items, now: dt.datetime) -> Iterator[ContentError]:
    """What each kind's own ``review`` hook finds."""
    for item in items:
        kind = library.kinds.get(item.section)
        if kind is not None and kind.review is not None:
            for field, message in kind.review(library, item, now):
                yield _warn(item, field, message)


def _translations(library, items) -> Iterator[ContentError]:
    groups: dict[tuple[str, str], dict[str, object]] = defaultdict(dict)
    for item in items:
        groups[item.section, item.group][item.lang] = item
    default = library.default_lang
    for versions in groups.values():
        source = versions.get(default) or versions[min(versions)]
        if not getattr(source, "draft", False):
            for lang in library.languages:
                if lang not in versions:
                    missing = "/".join([lang, *source.path.split("/")[1:]])
                    yield _warn(source, "", f"no {lang} translation ({missing})")
        original = versions.get(default)
        changed = _date(original, "updated") if original is not None else None
        if changed is None or getattr(original, "draft", False):
            continue
        for lang, item in sorted(versions.items()):
            if lang == default or getattr(item, "draft", False):
                continue
            # A translation never updated counts from its publication.
            own = _date(item, "updated") or _date(item, "published")
            if own is not None and _earlier(own, changed):
                yield _warn(item, "updated", f"older than its {default} version "
                            f"(updated {_show(changed)} there)")


class _Hrefs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                # Rendering prefixes author ids; report the link as the author wrote it.
                path, hash_, fragment = href.partition("#")
                if hash_ and fragment.startswith(ID_PREFIX):
                    href = f"{path}#{fragment[len(ID_PREFIX):]}"
                self.found.append(href)


def _links(library, items, sections: set[str], routes: tuple[str, ...],
           root: Path | str | None) -> Iterator[ContentError]:
    # Pages fall back to another language, so a slug exists if any version is
    # public; it is only a draft if every version is.
    public: dict[tuple[str, str], bool] = {}
    for item in items:
        key = (item.section, item.slug)
        public[key] = public.get(key, False) or not getattr(item, "draft", False)
    for item in items:
        parser = _Hrefs()
        parser.feed(item.html)
        base = f"/{item.lang}/{item.section}/{item.slug}"
        problems = [(href, problem) for href in parser.found
                    if (problem := _link_problem(href, base, library, sections, routes, public))]
        if not problems:
            continue
        lines = _lines(root, item.path, {href for href, _ in problems})
        for href, problem in problems:
            spots = lines.get(href)
            line = spots.pop(0) if spots and len(spots) > 1 else (spots[0] if spots else 1)
            yield _warn(item, "", problem, line)


def _link_problem(href: str, base: str, library, sections: set[str],
                  routes: tuple[str, ...], public: dict) -> str | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return None  # another site, mailto:, tel:, or a place on this page
    path = unquote(urljoin(base, parts.path))
    shown = href if href.startswith("/") else f"{href} ({path})"
    broken = f"broken link {shown}: "
    first, _, rest = path[1:].partition("/")
    languages = library.languages
    if not first or any(_under(path[1:], route, first, languages) for route in routes):
        return None
    if first not in languages:
        if LANGUAGE.fullmatch(first):
            return broken + f"the site has no {first} pages (languages: {', '.join(languages)})"
        return broken + f"pages start with /<lang>/, for example /{library.default_lang}/"
    if not rest:
        return None  # the home page
    section, _, slug = rest.partition("/")
    if section == "hazards":
        return None if slug in library.site.hazards else broken + f"no hazard {slug!r} in site.yml"
    if section not in sections:
        return broken + f"no section {section!r} (sections: {', '.join(sorted(sections))})"
    if not slug:
        return None  # the section's list
    slug = slug.split(".", 1)[0]  # the same item in another format, e.g. .cap
    if "/" in slug or (section, slug) not in public:
        return broken + f"no {section} item has the slug {slug!r}"
    if not public[section, slug]:
        return f"links to a draft: {shown}"
    return None


def _under(path: str, route: str, lang: str, languages) -> bool:
    if "<lang>" in route:
        if lang not in languages:
            return False
        route = route.replace("<lang>", lang)
    return path == route or path.startswith((route + "/", route + "."))


def _lines(root: Path | str | None, rel: str, hrefs: set[str]) -> dict[str, list[int]]:
    """The source lines each href is written on, once per time it is written."""
    if root is None:
        return {}
    try:
        text = (Path(root) / rel).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    patterns = {href: re.compile(r"(?<![\w/.%-])" + re.escape(href) + r"(?![\w/.%-])")
                for href in hrefs}
    found: dict[str, list[int]] = defaultdict(list)
    for number, line in enumerate(text.splitlines(), 1):
        for href, pattern in patterns.items():
            found[href].extend([number] * len(pattern.findall(line.replace("&amp;", "&"))))
    return found
