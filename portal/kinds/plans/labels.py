"""Visible names for plans' values."""
from flask_babel import lazy_gettext as _l

FIELD = {
    "lead": _l("In charge"),
    "departments": _l("Working with"),
    "when": _l("When"),
    "government": _l("What the government does"),
    "residents": _l("What residents should do"),
}
LABELS = {"plan_field": FIELD}
