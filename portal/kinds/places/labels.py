"""Visible names for the values officials write in a place's front matter."""
from flask_babel import lazy_gettext as _l

from ...labels import singular_and_plural

TYPE, TYPE_PLURAL = singular_and_plural({
    "shelter": (_l("Shelter"), _l("Shelters")),
    "relief-supplies": (_l("Relief supplies"), _l("Relief-supply points")),
    "medical": (_l("Medical care"), _l("Medical care")),
    "water": (_l("Drinking water"), _l("Drinking water points")),
    "charging": (_l("Phone charging"), _l("Charging points")),
    "assembly-point": (_l("Assembly point"), _l("Assembly points")),
})
STATUS = {
    "open": _l("Open"),
    "full": _l("Full"),
    "closed": _l("Closed"),
    "standby": _l("Standby (ready to open)"),
}
# Keys are prefixed: `type` and `status` name other kinds' values.
LABELS = {"place_type": TYPE, "place_types": TYPE_PLURAL, "place_status": STATUS}
