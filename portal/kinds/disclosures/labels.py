"""Visible names for the values officials write in a disclosure's front matter."""
from flask_babel import lazy_gettext as _l

from ...labels import singular_and_plural

TYPE, TYPE_PLURAL = singular_and_plural({
    "announcement": (_l("Announcement"), _l("Announcements")),
    "rumour-correction": (_l("Rumour correction"), _l("Rumour corrections")),
    "alert": (_l("Alert"), _l("Alerts")),
    "response": (_l("Emergency response"), _l("Emergency responses")),
})
VERDICT = {
    "false": _l("False"),
    "misleading": _l("Misleading"),
    "unproven": _l("Unproven"),
    "true": _l("True"),
}
SEVERITY = {
    "minor": _l("Minor"),
    "moderate": _l("Moderate"),
    "severe": _l("Severe"),
    "extreme": _l("Extreme"),
}
URGENCY = {
    "immediate": _l("Act now"),
    "expected": _l("Act soon (within the hour)"),
    "future": _l("Act in the near future"),
    "past": _l("No longer urgent"),
    "unknown": _l("Urgency unknown"),
}
CERTAINTY = {
    "observed": _l("Observed"),
    "likely": _l("Likely"),
    "possible": _l("Possible"),
    "unlikely": _l("Unlikely"),
    "unknown": _l("Certainty unknown"),
}
# The four-colour warning signal, in words: colour is never the only sign.
LEVEL = {
    "blue": _l("Blue warning"),
    "yellow": _l("Yellow warning"),
    "orange": _l("Orange warning"),
    "red": _l("Red warning"),
}
# What a response disclosure does to a plan's response level.
ACTION = {
    "activate": _l("Response activated"),
    "adjust": _l("Response level changed"),
    "end": _l("Response ended"),
}
EXERCISE = _l("EXERCISE — this is a drill")
# Where a disclosure stands now (queries.status), as a short tag.
STATUS = {
    "scheduled": _l("Scheduled"),
    "in-force": _l("In force"),
    "ended": _l("Ended"),
    "replaced": _l("Replaced"),
    "cancelled": _l("Cancelled"),
}
FIELD = {
    "issuer": _l("Issued by"), "verdict": _l("Our finding:"),
    "area": _l("Area"), "expires": _l("Expires"),
}
LABELS = {"type": TYPE, "type_plural": TYPE_PLURAL, "verdict": VERDICT, "severity": SEVERITY,
          "urgency": URGENCY, "certainty": CERTAINTY, "level": LEVEL, "action": ACTION,
          "exercise": EXERCISE, "status": STATUS}
