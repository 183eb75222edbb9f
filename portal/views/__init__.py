"""Pages of the site as a whole: home, hazard hubs, hotlines, search, and the root routes.

Each kind of content registers its own pages (portal/kinds/<kind>/views.py).
"""
from flask import Flask
from flask_babel import lazy_gettext as _l

from .common import SlugConverter, language_blueprint, library, nav_entry, now

site = language_blueprint("site", __name__)


@site.app_context_processor
def common_context() -> dict:
    from flask import current_app

    from ..i18n import current_lang
    from ..kinds.disclosures.queries import banners
    lib = library()
    return {"site": lib.site, "now": now(),
            "footer_pages": lib.section(current_lang(), "pages", now()),
            "banners": banners(lib, current_lang(), now()),
            "nav_entries": current_app.extensions.get("portal.nav", ()),
            "slots": current_app.extensions.get("portal.slots", {})}


def init_app(app: Flask) -> None:
    """Before the kinds: their navigation entries follow Home."""
    from ..outputs import cached, warmer
    from . import home, root, search  # noqa: F401  (register routes)

    app.url_map.converters["slug"] = SlugConverter
    warmer(app, lambda: cached("sitemap", root.build_sitemap))
    nav_entry(app, "site.home", _l("Home"), "site.home")
    app.register_blueprint(site)
    app.register_blueprint(root.bp)
