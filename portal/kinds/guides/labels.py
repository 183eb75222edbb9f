"""Visible names for the values officials write in a guide's front matter."""
from flask_babel import lazy_gettext as _l

KIND = {
    "self-help": _l("Self-help"),
    "mutual-rescue": _l("Helping others"),
    "prevention": _l("Prevention"),
}
KIND_DESCRIPTION = {
    "self-help": _l("What to do to keep yourself safe."),
    "mutual-rescue": _l("How to help someone else until help arrives."),
    "prevention": _l("How to prepare before anything happens."),
}
LABELS = {"kind": KIND, "kind_description": KIND_DESCRIPTION}
