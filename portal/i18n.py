"""Languages: the /<lang>/ URL prefix, Flask-Babel, and locale-aware helpers."""
from __future__ import annotations

from pathlib import Path

from babel import Locale
from flask import Flask, abort, current_app, g, request, url_for
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


def language_name(code: str) -> str:
    """A language's own name for itself, e.g. 中文 for zh."""
    return Locale.parse(code).get_display_name(code) or code


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


def format_when(value) -> str:
    """A date-time in its own offset, e.g. 'November 18, 2026 09:30 (UTC+08:00)'."""
    if not value:
        return ""
    offset = value.strftime("%z")
    return (f"{format_date(value.date(), 'long')} {value.strftime('%H:%M')} "
            f"(UTC{offset[:3]}:{offset[3:]})")


# Query arguments a page may carry over to its other languages: the documented
# filters and paging, nothing else a link (or an attacker) appended.
CARRIED_ARGS = ("q", "kind", "hazard", "type", "page", "area", "status", "near")


def alternates(absolute: bool = True) -> list[tuple[str, str]]:
    """(lang, URL) of this page in every language: absolute and without a query
    for hreflang links, like the canonical address; relative, keeping the search
    and filters, for the language switcher, which must also work on a mirror."""
    if request.endpoint is None or request.url_rule is None or "lang" not in request.url_rule.arguments:
        return []
    args = dict(request.view_args or {})
    if absolute:
        build = absolute_url
    else:
        build = url_for
        args.update((name, request.args[name]) for name in CARRIED_ARGS if name in request.args)
    return [(code, build(request.endpoint, **{**args, "lang": code})) for code in languages()]


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
    Babel(app, locale_selector=current_lang,
          default_translation_directories=catalogue_directories(app))
    app.jinja_env.globals.update(
        languages=languages, language_name=language_name, alternates=alternates, page_url=page_url,
        current_lang=current_lang)
    app.jinja_env.filters.update(
        date=lambda value, fmt="long": format_date(value, fmt) if value else "",
        when=format_when,
        pair_with=lambda key, names: (key, names[key]),
        loc=lambda names: localized(names, current_lang(), app.config["DEFAULT_LANG"]),
    )
