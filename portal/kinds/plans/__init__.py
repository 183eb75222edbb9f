"""Emergency plans: who is in charge of each type of event, the response levels, and the
response in force (set by `response` disclosures)."""
from __future__ import annotations

from flask import Flask

from .schema import KIND

__all__ = ["KIND", "init_app"]


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from ...content import localized
    from ...i18n import current_lang as lang_now
    from ...views.common import library, nav_entry, now, register_labels, slot
    from . import levels, queries
    from .labels import LABELS
    from .views import bp

    app.register_blueprint(bp)
    register_labels(app, LABELS)
    nav_entry(app, "plans.index", _l("Who is in charge"), "plans.")
    slot(app, "top", "plans/_top.html")
    slot(app, "hazard", "plans/_hazard.html")
    slot(app, "disclosure", "plans/_disclosure.html")

    def level_name(key: str | None, short: bool = False) -> str:
        found = levels.of(library().site).get(key or "")
        if found is None:
            return key or ""
        return localized(found.short if short else found.names, lang_now(),
                         app.config["DEFAULT_LANG"])

    app.jinja_env.globals.update(
        responses_in_force=lambda: queries.responses_in_force(library(), lang_now(), now()),
        plan_response=lambda plan: queries.in_force(library(), plan, lang_now(), now()),
        plans_for_hazard=lambda hazard: queries.for_hazard(library(), lang_now(), hazard, now()),
        find_plan=lambda slug: library().find(lang_now(), "plans", slug, now()),
        response_level_name=level_name,
        response_level_colour=lambda key: getattr(
            levels.of(library().site).get(key or ""), "colour", "blue"),
        response_now=now,
    )
