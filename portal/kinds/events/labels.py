"""Visible names for the values officials write in an event's front matter."""
from flask_babel import lazy_gettext as _l

from ...labels import singular_and_plural

EVENT_TYPE, EVENT_TYPE_PLURAL = singular_and_plural({
    "drill": (_l("Drill"), _l("Drills")),
    "training": (_l("Training"), _l("Training sessions")),
    "education": (_l("Public education"), _l("Public education events")),
    "test-alert": (_l("Test alert"), _l("Test alerts")),
})
# Where an event stands now, as a short tag.
EVENT_STATE = {
    "upcoming": _l("Upcoming"),
    "in-progress": _l("In progress"),
    "past": _l("Over"),
    "cancelled": _l("Cancelled"),
}
LABELS = {"event_type": EVENT_TYPE, "event_type_plural": EVENT_TYPE_PLURAL,
          "event_state": EVENT_STATE}
