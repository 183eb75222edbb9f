"""Languages: the /<lang>/ URL prefix, Flask-Babel, and locale-aware helpers."""
from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from pathlib import Path

from babel import Locale
from flask import Flask, abort, current_app, g, request, url_for
from markupsafe import Markup, escape
from flask_babel import Babel, format_date

from .content import localized
from .store import get_store
from .urls import absolute_url


def languages() -> tuple[str, ...]:
    return get_store().library.languages


def current_lang() -> str:
    """The language of this request: its URL prefix, else the best Accept-Language match."""
    lang = g.get("lang")
    if lang:
        return lang
    return request.accept_languages.best_match(languages()) or current_app.config["DEFAULT_LANG"]


@functools.lru_cache(maxsize=256)
def language_name(code: str, in_lang: str | None = None) -> str:
    """A language's own name for itself (中文 for zh, for the language switcher), or
    its name in ``in_lang`` (英语 for en in Chinese text)."""
    return Locale.parse(code).get_display_name(in_lang or code) or code


def pull_lang(endpoint: str | None, values: dict | None) -> None:
    """url_value_preprocessor: take <lang> out of the view arguments, 404 if unknown."""
    lang = (values or {}).pop("lang", None)
    if lang is not None:
        if lang not in languages():
            abort(404)
        g.lang = lang


def add_lang(endpoint: str, values: dict) -> None:
    """url_defaults for the language blueprint: links stay in the current language."""
    values.setdefault("lang", current_lang())


FULL_WIDTH_PUNCTUATION = "：；，。、！？）」』】"


def spaced(label: str) -> Markup:
    """A label and the space before what follows it, unless the label ends with
    full-width punctuation ("传播渠道：在…", not "传播渠道： 在…")."""
    label = str(label)
    text = escape(label)
    return text if label.endswith(tuple(FULL_WIDTH_PUNCTUATION)) else text + Markup(" ")


def format_when(value) -> str:
    """A date-time in its own offset, e.g. '18 November 2026 09:30'; the offset
    ('(UTC+01:00)') is said only when it is not the district's own at that moment."""
    if not value:
        return ""
    shown = f"{format_date(value.date(), 'long')} {value.strftime('%H:%M')}"
    zone = site_zone()
    if zone is not None and value.utcoffset() == value.astimezone(zone).utcoffset():
        return shown
    offset = value.strftime("%z")
    return f"{shown} (UTC{offset[:3]}:{offset[3:]})"


def site_zone() -> dt.tzinfo | None:
    name = get_store().library.site.timezone
    return zoneinfo.ZoneInfo(name) if name else None


def site_locale() -> str:
    """The locale of this request's language, as site.yml sets it (en_GB), else the
    language code itself. Catalogues are found by language (zh_Hans_CN finds zh)."""
    lang = current_lang()
    return get_store().library.site.locales.get(lang, lang)


# Query arguments a page may carry over to its other languages: the documented
# filters and paging, nothing else a link (or an attacker) appended.
CARRIED_ARGS = ("q", "kind", "hazard", "type", "page", "area", "status", "near")


def alternates(absolute: bool = True) -> list[tuple[str, str]]:
    """(lang, URL) of this page in other languages.

    Absolute and without a query for hreflang links, like the canonical address,
    and only in the languages the page is written in: an item with no Chinese
    version shows its English text under /zh/, which must not call itself zh.
    Relative, keeping the search and filters, for the language switcher (which must
    also work on a mirror), in every language; on a page that matched no route (a
    404), each language's home page."""
    if request.endpoint is None or request.url_rule is None or "lang" not in request.url_rule.arguments:
        if absolute:
            return []
        return [(code, url_for("site.home", lang=code)) for code in languages()]
    args = dict(request.view_args or {})
    codes = languages()
    if absolute:
        build = absolute_url
        written = written_languages(request.endpoint, args.get("slug"))
        if written is not None:
            codes = [code for code in codes if code in written]
    else:
        build = url_for
        args.update((name, request.args[name]) for name in CARRIED_ARGS if name in request.args)
    return [(code, build(request.endpoint, **{**args, "lang": code})) for code in codes]


def written_languages(endpoint: str, slug: str | None) -> set[str] | None:
    """The languages an item page is written in (None: not an item page, or none)."""
    if slug is None:
        return None
    library = g.get("library") or get_store().library
    now = g.get("now") or get_store().now()
    for kind in library.kinds.values():
        if kind.endpoint == endpoint:
            item = library.find(library.default_lang, kind.name, slug, now)
            if item is None:
                return None
            return {version.lang for version in library.translations(item, now)}
    return None


def page_url() -> str:
    """This page's public, canonical address (printed on paper copies): BASE_URL
    and the path, never the request's host or query string."""
    return current_app.config["BASE_URL"].rstrip("/") + request.path


def catalogue_directories(app: Flask) -> str:
    """The site's catalogues, then each kind's own (``portal/kinds/<name>/translations``),
    merged into one per language: a kind carries the words it adds."""
    own = sorted(str(path) for path in (Path(__file__).parent / "kinds").glob("*/translations")
                 if path.is_dir())
    return ";".join([app.config["TRANSLATIONS_DIR"], *own])


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=site_locale,
          default_translation_directories=catalogue_directories(app))
    app.jinja_env.globals.update(
        languages=languages, language_name=language_name, alternates=alternates, page_url=page_url,
        current_lang=current_lang)
    app.jinja_env.filters.update(
        date=lambda value, fmt="long": format_date(value, fmt) if value else "",
        when=format_when,
        pair_with=lambda key, names: (key, names[key]),
        spaced=spaced,
        loc=lambda names: localized(names, current_lang(), app.config["DEFAULT_LANG"]),
    )
