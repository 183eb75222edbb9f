"""Drills, training, public education and test alerts, with a calendar people can
subscribe to."""
from __future__ import annotations

from flask import Flask

from .schema import KIND

__all__ = ["KIND", "init_app"]


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from ...outputs import warmer
    from ...views.common import nav_entry, register_labels, slot
    from . import outputs
    from .labels import LABELS
    from .views import bp

    app.register_blueprint(bp)
    register_labels(app, LABELS)
    nav_entry(app, "events.index", _l("Drills and training"), "events.")
    warmer(app, outputs.warm)
    app.extensions.setdefault("portal.freeze", []).append(outputs.frozen)
    slot(app, "top", "events/_in_progress.html")
    slot(app, "home", "events/_home.html")
    slot(app, "hazard", "events/_hazard.html")
    slot(app, "place", "events/_place.html")
    slot(app, "plan", "events/_plan.html")
    template_globals(app)


def template_globals(app: Flask) -> None:
    """What the slot templates on other pages need, asked of the request's library."""
    from babel.dates import format_skeleton
    from flask import url_for
    from flask_babel import get_locale

    from ...urls import absolute_url

    from ...views.common import library, now
    from . import queries

    def place_link(item):
        kinds = library().kinds
        if not item.place or "places" not in kinds or not kinds["places"].endpoint:
            return None
        return url_for(kinds["places"].endpoint, slug=item.place)

    def lang_of():
        from ...i18n import current_lang
        return current_lang()

    app.jinja_env.globals.update(
        events_in_progress=lambda: queries.in_progress(library(), lang_of(), now()),
        events_next=lambda: queries.next_events(library(), lang_of(), now()),
        events_for_hazard=lambda hazard: queries.upcoming(
            queries.events(library(), lang_of(), now(), hazard=hazard), now()),
        events_at=lambda place: queries.at_place(library(), lang_of(), now(), place.slug),
        events_exercising=lambda plan: queries.exercising(library(), lang_of(), now(),
                                                          tuple(plan.hazards)),
        event_state=lambda item: "cancelled" if item.cancelled else item.state(now()),
        event_place_link=place_link,
        calendar_subscribe_url=lambda: "webcal://" + absolute_url(
            "events.calendar_all", lang=lang_of()).split("://", 1)[1])
    app.jinja_env.filters["month"] = lambda day: format_skeleton("yMMMM", day,
                                                                 locale=get_locale())
