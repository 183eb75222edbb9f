"""The content core: files in, typed and rendered items out. No web framework here."""
from .errors import ContentError
from .library import Library
from .loader import load
from .model import Disclosure, Guide, Item, Page, Site, localized

__all__ = ["ContentError", "Disclosure", "Guide", "Item", "Library", "Page", "Site", "load",
           "localized"]
