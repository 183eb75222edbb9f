"""Visible names for the values officials write in a place's front matter."""
from flask_babel import lazy_gettext as _l

TYPE = {
    "shelter": _l("Shelter"),
    "relief-supplies": _l("Relief supplies"),
    "medical": _l("Medical care"),
    "water": _l("Drinking water"),
    "charging": _l("Phone charging"),
    "assembly-point": _l("Assembly point"),
}
TYPE_PLURAL = {
    "shelter": _l("Shelters"),
    "relief-supplies": _l("Relief-supply points"),
    "medical": _l("Medical care"),
    "water": _l("Drinking water points"),
    "charging": _l("Charging points"),
    "assembly-point": _l("Assembly points"),
}
STATUS = {
    "open": _l("Open"),
    "full": _l("Full"),
    "closed": _l("Closed"),
    "standby": _l("Standby (ready to open)"),
}
# Keys are prefixed: `type` and `status` name other kinds' values.
LABELS = {"place_type": TYPE, "place_types": TYPE_PLURAL, "place_status": STATUS}
