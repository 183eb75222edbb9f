"""Names of the front matter fields and of the desk's states and actions, in the
desk's language. A field with no label here (a kind added later) shows its own name."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

FIELDS = {
    "title": _l("Title"), "summary": _l("Summary"), "type": _l("Type"),
    "issuer": _l("Issuing department"), "published": _l("Published (date and time)"),
    "updated": _l("Updated"), "hazards": _l("Hazards"), "supersedes": _l("Supersedes"),
    "changes": _l("Changes"), "banner": _l("Show in the banner"),
    "next_update": _l("Next update by"), "claim": _l("The claim"), "verdict": _l("Verdict"),
    "appeared_in": _l("Where it appeared"), "claim_short": _l("The claim in a few words"),
    "claim_url": _l("Where the claim first appeared (web address)"),
    "claim_date": _l("When the claim first appeared"), "claim_author": _l("Who made the claim"),
    "severity": _l("Severity"), "urgency": _l("Urgency"), "certainty": _l("Certainty"),
    "area": _l("Area in words"), "areas": _l("Areas"), "expires": _l("Expires"),
    "instructions": _l("What to do now"), "instruction": _l("What to do now (one line)"),
    "level": _l("Level"), "exercise": _l("Exercise (a drill)"), "sms": _l("Text message"),
    "response_type": _l("Response type"), "polygons": _l("Polygons"), "circles": _l("Circles"),
    "geocodes": _l("Geocodes"), "plan": _l("Plan (its file name)"), "action": _l("Action"),
    "kind": _l("Kind of guide"), "review_by": _l("Review by"), "lead": _l("Lead department"),
    "departments": _l("Other departments"), "levels": _l("Response levels"),
    "document": _l("Full plan (web address)"), "event": _l("Event"), "address": _l("Address"),
    "location": _l("Location [latitude, longitude]"), "phone": _l("Phone"),
    "capacity": _l("Capacity"), "accessibility": _l("Accessibility"),
    "supplies": _l("Supplies"), "hours": _l("Opening hours"), "status": _l("Status"),
    "status_updated": _l("Status updated"), "verified": _l("Details checked on"),
    "organiser": _l("Organiser"),
}
STATES = {"draft": _l("Draft"), "submitted": _l("Waiting for review"),
          "returned": _l("Returned for changes"), "published": _l("Published")}
ACTIONS = {
    "sign-in": _l("Signed in"), "sign-in-password": _l("Password accepted"),
    "sign-in-refused": _l("Sign-in refused"), "sign-out": _l("Signed out"),
    "two-step-on": _l("Two-step sign-in set up"), "draft": _l("Draft saved"),
    "submit": _l("Submitted for review"), "return": _l("Returned with a comment"),
    "approve": _l("Approved"), "publish": _l("Published"), "status": _l("Status changed"),
    "report-correction": _l("Report answered with a correction"),
    "report-not-rumour": _l("Report marked not a rumour"),
    "report-merge": _l("Report merged"), "report-board": _l("Report shown on the board"),
    "user-add": _l("Account created"), "user-unlock": _l("Account unlocked"),
    "user-require-two-step": _l("Two-step sign-in required"),
}
ROLES = {"editor": _l("Editor"), "approver": _l("Approver"), "admin": _l("Administrator")}
LINES = {"current": _l("up to date"), "outdated": _l("out of date"), "missing": _l("missing")}

KINDS = {"guides": _l("Guides"), "disclosures": _l("Announcements and alerts"),
         "plans": _l("Emergency plans"), "places": _l("Places"), "pages": _l("Pages"),
         "events": _l("Events")}
NEW = {"guides": _l("New guide"), "plans": _l("New emergency plan"), "places": _l("New place"),
       "pages": _l("New page"), "events": _l("New event"),
       "announcement": _l("New announcement"), "rumour-correction": _l("New rumour correction"),
       "alert": _l("New alert"), "response": _l("New change of emergency response")}


def nav_label(kind) -> str:
    return str(KINDS.get(kind.name, kind.name.capitalize()))


def new_label(kind, subtype=None) -> str:
    if subtype:
        return str(NEW.get(subtype, f"{kind.singular.capitalize()}: {subtype}"))
    return str(NEW.get(kind.name, kind.singular.capitalize()))


def field_label(name: str) -> str:
    return str(FIELDS.get(name, name.replace("_", " ").capitalize()))


def init_app(app) -> None:
    app.jinja_env.globals.update(
        desk_field_label=field_label, nav_label=nav_label, new_label=new_label,
        desk_state=lambda state: str(STATES.get(state, state)),
        desk_action=lambda action: str(ACTIONS.get(action, action)),
        desk_role=lambda role: str(ROLES.get(role, role)),
        desk_line=lambda line: str(LINES.get(line, line)),
    )
