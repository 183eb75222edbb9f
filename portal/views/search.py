"""The search page and the OpenSearch description that lets browsers add it."""
from __future__ import annotations

from flask import abort, current_app, render_template, request, url_for
from flask_babel import force_locale, gettext as _

from ..content import localized
from ..i18n import current_lang
from ..search import Request, Search
from ..search.query import MAX_CHARS, clean
from ..urls import absolute_url
from . import site
from .common import choice_arg, lang, library, now
from .root import bp as root

PAGE_SIZE = 10
MAX_PAGE = 100


def get_search() -> Search:
    return current_app.extensions["portal.search"]


@site.get("/search")
def search():
    lib, when = library(), now()
    facets = {**lib.kinds.facets(), "hazard": tuple(lib.site.hazards)}
    filters = {name: choice_arg(name, values) for name, values in facets.items()}
    q = request.args.get("q", "")
    results = get_search().search(lib, lang(), when, Request(
        q, tuple((k, v) for k, v in filters.items() if v), _page(), PAGE_SIZE))
    hits = []
    statuses = current_app.extensions.get("portal.status", {})
    for hit in (results.hits if results else ()):
        item = lib.get(hit.lang, hit.section, hit.slug, when)
        if item is not None and hit.section in lib.kinds:
            of = statuses.get(hit.section)
            hits.append((hit, item, lib.kinds[hit.section].endpoint, of and of(item)))
    current = {"q": clean(q)[:MAX_CHARS], **filters,
               "page": results.page if results else None}

    def link(clear_filters: bool = False, **changes) -> str:
        """This search with some arguments changed; None drops one."""
        args = {**current, **(dict.fromkeys(filters) if clear_filters else {}), **changes}
        if args["page"] == 1:
            args["page"] = None
        return url_for("site.search", **{k: v for k, v in args.items() if v})

    body = render_template("search.html", query=current["q"], results=results, hits=hits,
                           filters=filters, link=link, facets=facets,
                           hazard_order=[key for hazard_class in lib.site.hazard_classes.values()
                                         for key in hazard_class.hazards])
    if results is None:  # no index could be opened, or it failed: one is being built
        return body, 503, {"Retry-After": "5"}
    return body


def _page() -> int:
    """Lenient: a page number that is not one is the first page; beyond the end, the last."""
    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        return 1
    return min(max(page, 1), MAX_PAGE)


def _example_query(code: str) -> str:
    """A search that finds something, for the description's example Query: the first
    word of a hazard's name."""
    for hazard in library().site.hazards.values():
        name = localized(hazard.names, code)
        if name:
            return name.split()[0]
    return ""


@root.get("/opensearch.xml")
def opensearch():
    code = request.args.get("lang") or current_lang()
    if code not in library().languages:
        abort(404)
    site = library().site
    name = localized(site.names, code)
    short = site.short_names.get(code) or next(iter(site.short_names.values()), None)
    if short is None:  # no short name fits: cut at a word, never mid-word
        short = name[:16].rsplit(" ", 1)[0] if " " in name[:17] else name[:16]
    with force_locale(code):
        description = _("Search %(site)s", site=name)
    xml = render_template(
        "opensearch.xml", lang=code, short_name=short, long_name=name[:48],
        example=_example_query(code),
        description=description[:1024],
        search_url=absolute_url("site.search", lang=code) + "?q={searchTerms}",
        self_url=absolute_url("root.opensearch", lang=code),
        icon=absolute_url("static", filename="favicon.svg"))
    response = current_app.response_class(
        xml, mimetype="application/opensearchdescription+xml")
    if "lang" not in request.args:
        response.headers["Vary"] = "Accept-Language"
    return response
