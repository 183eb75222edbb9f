"""Visible names for the enumerated values officials write in front matter."""
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
TYPE = {
    "announcement": _l("Announcement"),
    "rumour-correction": _l("Rumour correction"),
    "alert": _l("Alert"),
}
TYPE_PLURAL = {
    "announcement": _l("Announcements"),
    "rumour-correction": _l("Rumour corrections"),
    "alert": _l("Alerts"),
}
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


def init_app(app) -> None:
    app.jinja_env.globals["labels"] = {
        "kind": KIND, "kind_description": KIND_DESCRIPTION, "type": TYPE,
        "type_plural": TYPE_PLURAL, "verdict": VERDICT, "severity": SEVERITY,
        "urgency": URGENCY, "certainty": CERTAINTY,
    }
