"""Absolute URLs from PORTAL_BASE_URL, for feeds, sitemaps, CAP and hreflang.

Built from the URL map alone, so they never depend on the request's Host and
work outside a request (outputs built when content changes).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, g, has_request_context, url_for


def absolute_url(endpoint: str, **values) -> str:
    base = current_app.config["BASE_URL"].rstrip("/")
    if has_request_context():
        return base + url_for(endpoint, **values)
    adapter = current_app.extensions.get("portal.url_adapter")
    if adapter is None:
        parts = urlsplit(base)
        adapter = current_app.url_map.bind(parts.netloc or "localhost", script_name="/",
                                           url_scheme=parts.scheme or "http")
        current_app.extensions["portal.url_adapter"] = adapter
    needs = current_app.extensions.setdefault("portal.url-needs-lang", {})
    rule_needs_lang = needs.get(endpoint)
    if rule_needs_lang is None:  # asked 30,000 times building a sitemap of 10,000 items
        rule_needs_lang = needs[endpoint] = any(
            "lang" in rule.arguments for rule in current_app.url_map.iter_rules(endpoint))
    if rule_needs_lang and "lang" not in values and g.get("lang"):
        values["lang"] = g.lang
    return base + adapter.build(endpoint, values)
