"""The content core: files in, typed and rendered items out. No web framework here."""
from .errors import ContentError
from .kind import Kind, Registry, SearchFields
from .lastgood import LastGood
from .library import Library
from .loader import load, served_languages, walk
from .model import Item, Site, localized

__all__ = ["ContentError", "Item", "Kind", "LastGood", "Library", "Registry", "SearchFields",
           "Site", "load", "localized", "served_languages", "walk"]
