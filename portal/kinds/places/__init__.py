"""Where to go: shelters, relief-supply points and other places, with a map that needs
no network."""
from __future__ import annotations

from flask import Flask

from .schema import KIND

__all__ = ["KIND", "init_app"]


def init_app(app: Flask) -> None:
    from flask import g
    from flask_babel import lazy_gettext as _l

    from ...content import localized
    from ...outputs import warmer
    from ...views.common import library, nav_entry, now, register_labels, slot
    from . import outputs, queries, views
    from .labels import LABELS

    app.register_blueprint(views.bp)
    register_labels(app, LABELS)
    nav_entry(app, "places.index", _l("Where to go"), "places.")
    warmer(app, outputs.warm)
    app.extensions.setdefault("portal.freeze", []).append(outputs.frozen)
    slot(app, "home-top", "places_home.html")
    slot(app, "hazard", "places_hazard.html")
    app.jinja_env.filters["place_hazard_name"] = (
        lambda key: localized(library().site.hazards[key].names, g.lang))
    app.jinja_env.globals.update(
        places_in_force=lambda: queries.open_for_active(library(), g.lang, now()),
        places_for_hazard=lambda key: queries.serving(library(), g.lang, now(), key),
        place_area=views.area_name, place_status=views.status_label,
        place_geo=views.geo_uri, place_osm=views.osm_url, place_tel=views.tel_uri,
        place_status_stale=lambda item: queries.status_stale(library(), item, now()),
        place_unverified=lambda item: queries.unverified(library(), item, now()),
        place_age=lambda item: queries.age(item, now()))
