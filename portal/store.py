"""Holds the current :class:`Library` for the app and knows what time it is."""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from babel.support import Translations
from flask import Flask, current_app

from .content import Library, load

log = logging.getLogger(__name__)


def system_clock() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class ContentStore:
    """The one place the web layer gets content from.

    Readers take ``store.library`` once per request and use that snapshot;
    ``reload()`` builds a new library and swaps the reference, so a request
    never sees half of one state and half of another.
    """

    def __init__(self, content_dir: str, translations_dir: str, default_lang: str,
                 clock: Callable[[], dt.datetime] = system_clock):
        self.content_dir = content_dir
        self.translations_dir = translations_dir
        self.default_lang = default_lang
        self.clock = clock
        self._backlink_titles: dict[str, str] = {}
        self.library: Library = self._load(None)
        self.listeners: list[Callable[[Library, Library], None]] = []

    def subscribe(self, listener: Callable[[Library, Library], None]) -> None:
        """Call ``listener(old, new)`` after each reload that changed the content."""
        self.listeners.append(listener)

    def reload(self) -> Library:
        old, library = self.library, self._load(self.library)
        self.library = library
        if library.generation != old.generation:
            log.info("content generation %s -> %s (%d items)",
                     old.generation, library.generation, len(library))
            for listener in self.listeners:
                try:
                    listener(old, library)
                except Exception:  # a listener must not stop publishing
                    log.exception("content listener %r failed", listener)
        return library

    def now(self) -> dt.datetime:
        return self.clock()

    def _load(self, previous: Library | None) -> Library:
        library = load(self.content_dir, previous, backlink_title=self._backlink_title,
                       default_lang=self.default_lang)
        for error in library.errors:
            log.error("%s", error)
        return library

    def _backlink_title(self, lang: str) -> str:
        # Asked once per rendered file: read each language's catalogue only once.
        if lang not in self._backlink_titles:
            translations = Translations.load(self.translations_dir, [lang])
            self._backlink_titles[lang] = translations.gettext("Back to footnote {} in the text")
        return self._backlink_titles[lang]


def init_app(app: Flask) -> None:
    app.extensions["portal.store"] = ContentStore(
        app.config["CONTENT_DIR"], app.config["TRANSLATIONS_DIR"], app.config["DEFAULT_LANG"],
        clock=app.config.get("CLOCK") or system_clock,
    )


def get_store() -> ContentStore:
    return current_app.extensions["portal.store"]
