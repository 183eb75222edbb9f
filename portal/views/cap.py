"""CAP 1.2 documents for alerts, and the Atom index of alerts in force."""
from __future__ import annotations

from flask import abort, current_app
from flask_babel import gettext

from .. import cap, feeds
from ..content import localized
from ..urls import absolute_url
from . import site
from .common import lang, library, now
from .feeds import FeedCache, _label

CAP_TYPE = "application/cap+xml"


@site.get("/disclosures/<slug:slug>.cap")
def disclosure_cap(slug: str):
    lib, when = library(), now()
    item = lib.find(lang(), "disclosures", slug, when)
    if item is None or not lib.has_cap(item, when):
        abort(404)
    # The requested language's version first, then the others.
    versions = sorted(lib.translations(item, when), key=lambda v: v.lang != lang())
    body = cap.build(versions, lib.chain(item, when), lib.site, current_app.config["BASE_URL"],
                     lambda v: absolute_url("site.disclosure", lang=v.lang, slug=v.slug))
    response = current_app.response_class(body, mimetype=CAP_TYPE)
    response.last_modified = item.modified
    return response


@site.get("/feeds/cap.atom")
def cap_index():
    lib, when = library(), now()
    cache = current_app.extensions.setdefault("portal.feeds", FeedCache())

    def build():
        entries = lib.alerts_in_force(lang(), when)
        spec = feeds.FeedSpec(
            lang=lang(), title=gettext("%(site)s: alerts in force (CAP)",
                                       site=localized(lib.site.names, lang())),
            subtitle=gettext("Common Alerting Protocol 1.2 messages for every alert in force."),
            self_url=absolute_url("site.cap_index").rsplit(".", 1)[0],
            page_url=absolute_url("site.disclosures", type="alert"),
            base_url=current_app.config["BASE_URL"], entry_link_type=CAP_TYPE)
        return feeds.build(spec, entries, lib.site,
                           lambda d: absolute_url("site.disclosure_cap", slug=d.slug), _label)

    built = cache.get(lib.state(when), (lang(), "cap"), build)
    response = current_app.response_class(built.atom, mimetype="application/atom+xml")
    response.last_modified = built.updated
    response.set_etag(built.etag("atom"))
    return response
