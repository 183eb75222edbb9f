"""Who may do what on the desk, in one table.

A department is an issuer key of site.yml. An item belongs to the department its owner
field names: a disclosure's ``issuer``, a plan's ``lead``, an event's ``organiser``.
Kinds without such a field (guides, places, pages) belong to the department
``PORTAL_DESK_OWNER`` names (the emergency office by default). Nobody acts on another
department's items, whatever their role; admins also manage accounts.
"""
from __future__ import annotations

OWNER_FIELDS = {"disclosures": "issuer", "plans": "lead", "events": "organiser"}
# Disclosure types an approver may publish alone when it cannot wait.
EMERGENCY_TYPES = ("alert", "rumour-correction")

EVERY_ROLE = frozenset({"editor", "approver", "admin"})
REVIEWERS = frozenset({"approver", "admin"})
# action -> roles that may do it (within their own department).
RULES = {
    "view": EVERY_ROLE,
    "compose": EVERY_ROLE,   # write or change a draft, start an edit or a translation
    "submit": EVERY_ROLE,
    "status": EVERY_ROLE,    # a place's status, in two clicks
    "approve": REVIEWERS,    # never one's own draft
    "return": REVIEWERS,     # never one's own draft
    "emergency": REVIEWERS,  # alerts and rumour corrections only
    "reports": REVIEWERS,    # answer residents' reports (any department's)
    "users": frozenset({"admin"}),
}
ACROSS_DEPARTMENTS = frozenset({"reports", "users"})


def owner_field(kind_name: str) -> str | None:
    return OWNER_FIELDS.get(kind_name)


def department(kind_name: str, values, default_owner: str) -> str:
    """The department an item belongs to, from its front matter (or form) values."""
    field = owner_field(kind_name)
    if field is None:
        return default_owner
    value = values.get(field) if values else None
    return str(value) if value else ""


def may(user, action: str, item_department: str | None = None, *, author_ids=(),
        kind: str | None = None, subtype: str | None = None) -> bool:
    """Whether ``user`` may do ``action`` on an item of ``item_department``.

    ``author_ids``: who wrote or last changed the draft (they cannot approve it).
    """
    if user is None or not user.active or user.role not in RULES.get(action, ()):
        return False
    if action not in ACROSS_DEPARTMENTS and (not item_department
                                             or item_department != user.issuer):
        return False
    if action in ("approve", "return") and user.id in author_ids:
        return False
    if action == "emergency" and not (kind == "disclosures" and subtype in EMERGENCY_TYPES):
        return False
    return True
