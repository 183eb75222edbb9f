"""The kinds of content the site serves: one line per kind, in navigation order.

Adding a kind is a package beside these (model, schema, queries, views with
its own Blueprint, templates) and one line here.
"""
from __future__ import annotations

from flask import Flask

from ..content.kind import Registry
from . import disclosures, events, guides, pages, places, plans

PACKAGES = (guides, disclosures, plans, places, events, pages)


def registry() -> Registry:
    return Registry(package.KIND for package in PACKAGES)


def init_app(app: Flask) -> None:
    for package in PACKAGES:
        package.init_app(app)


def load(root, **options):
    """The content tree at ``root`` read with the site's kinds (see portal.content.load)."""
    from ..content import load as load_with
    return load_with(root, registry(), **options)
