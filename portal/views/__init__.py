"""Thin views: look up, 404 if absent, render."""
from flask import Blueprint, Flask

from ..i18n import add_lang, pull_lang
from .common import SlugConverter, library, now

site = Blueprint("site", __name__, url_prefix="/<lang>")
site.url_value_preprocessor(pull_lang)
site.url_defaults(add_lang)


@site.app_context_processor
def common_context() -> dict:
    from ..i18n import current_lang
    return {"site": library().site, "now": now(),
            "footer_pages": library().pages(current_lang(), now()),
            "banners": library().banners(current_lang(), now())}


def init_app(app: Flask) -> None:
    from . import cap, disclosures, feeds, guides, pages, root, search  # noqa: F401  (register routes)

    app.url_map.converters["slug"] = SlugConverter

    app.register_blueprint(site)
    app.register_blueprint(root.bp)
