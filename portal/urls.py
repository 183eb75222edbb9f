"""Absolute URLs from PORTAL_BASE_URL, for feeds, sitemaps and hreflang."""
from flask import current_app, url_for


def absolute_url(endpoint: str, **values) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)
