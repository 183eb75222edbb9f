"""What is deleted, and when: contact details 30 days after resolution, and what the
guards against abuse no longer need. The site runs it itself (snapshot.py), one worker of
all claiming each run through a marker in the database; ``portal reports purge`` by hand."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .guard import WINDOW
from .models import DailyKey, Marker, RateCount, Report, UsedForm
from .service import outcome, utc

CONTACT_DAYS = 30  # contact details are deleted this long after a report is resolved
USED_FORMS_DAYS = 2


def purge(session: Session, now: dt.datetime, days: int = CONTACT_DAYS) -> dict[str, int]:
    """Delete contact details resolved more than ``days`` ago, and what the guards no
    longer need (old address keys, counts and form nonces). What was deleted, by kind."""
    when = utc(now)
    cutoff = when - dt.timedelta(days=days)
    contacts = 0
    for report in session.scalars(select(Report).where(Report.contact.is_not(None))):
        final = outcome(session, report)
        if final.status in ("answered", "not-rumour") and final.resolved_at \
                and max(final.resolved_at, report.resolved_at or final.resolved_at) <= cutoff:
            report.contact, report.contact_deleted_at = None, when
            contacts += 1
    rates = sweep(session, now)
    keys = session.execute(DailyKey.__table__.delete().where(
        DailyKey.day < when.date().isoformat())).rowcount
    forms = session.execute(UsedForm.__table__.delete().where(
        UsedForm.used_at < when - dt.timedelta(days=USED_FORMS_DAYS))).rowcount
    return {"contacts": contacts, "address keys": keys, "rate counts": rates,
            "used forms": forms}


def sweep(session: Session, now: dt.datetime) -> int:
    """Delete address counts once they are past the ten minutes they limit."""
    window = int(utc(now).replace(tzinfo=dt.timezone.utc).timestamp()) // WINDOW
    return session.execute(RateCount.__table__.delete().where(
        RateCount.window < window - 1)).rowcount


def claim_daily(session: Session, name: str, now: dt.datetime,
                every: dt.timedelta = dt.timedelta(days=1)) -> bool:
    """True for the one caller (of all workers) that may run job ``name`` now."""
    when = utc(now)
    claimed = session.execute(update(Marker).where(Marker.name == name, Marker.at <= when - every)
                              .values(at=when)).rowcount
    return bool(claimed)
