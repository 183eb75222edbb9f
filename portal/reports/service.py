"""What can happen to a report: sent, looked up, checked, answered, merged, purged.

No Flask here: each function takes a session and the time, so the views, the
``portal reports`` commands and the tests share one definition of each step.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, aliased

from .codes import new_code, normalise
from .guard import count_report, use_form
from .models import RESOLVED, Report



class ModerationError(ValueError):
    pass


def utc(now: dt.datetime) -> dt.datetime:
    """Times are stored in UTC without an offset (SQLite keeps none)."""
    return now.astimezone(dt.timezone.utc).replace(tzinfo=None) if now.tzinfo else now


@dataclass(frozen=True)
class Sent:
    lang: str
    text: str
    place: str
    seen: str
    link: str | None = None
    contact: str | None = None
    consent: bool = False


def submit(session: Session, sent: Sent, *, address: str, nonce: str, now: dt.datetime,
           limit: int) -> str:
    """Store a report; its code. Raises RateLimited or Replayed, storing nothing."""
    when = utc(now)
    count_report(session, address, when, limit)
    use_form(session, nonce, when)
    for _ in range(5):  # a clash of 75-bit codes is not expected, but is survived
        code = new_code()
        if session.scalar(select(Report.id).where(Report.code == code)) is None:
            break
    report = Report(code=code, lang=sent.lang, text=sent.text, place=sent.place,
                    seen=sent.seen, link=sent.link,
                    contact=sent.contact if sent.consent else None,
                    consent=bool(sent.consent and sent.contact), status="received",
                    created_at=when, updated_at=when)
    session.add(report)
    session.flush()
    return code


def find(session: Session, code: str) -> Report | None:
    normal = normalise(code)
    if normal is None:
        return None
    return session.scalar(select(Report).where(Report.code == normal))


def outcome(session: Session, report: Report) -> Report:
    """The report whose status a merged one follows (itself when not merged)."""
    seen = {report.id}
    while report.status == "merged" and report.merged_into_id is not None:
        target = session.get(Report, report.merged_into_id)
        if target is None or target.id in seen:
            break
        seen.add(target.id)
        report = target
    return report


def listing(session: Session, status: str | None = None, limit: int = 50) -> list[Report]:
    query = select(Report).order_by(Report.created_at.desc(), Report.id.desc()).limit(limit)
    if status == "open":
        query = query.where(Report.status.in_(("received", "checking")))
    elif status:
        query = query.where(Report.status == status)
    return list(session.scalars(query))


def _get(session: Session, code: str) -> Report:
    report = find(session, code)
    if report is None:
        raise ModerationError(f"no report with the code {code!r}")
    return report


def check(session: Session, code: str, now: dt.datetime, show: bool = False,
          board: str | None = None, board_lang: str | None = None) -> Report:
    """Being checked; ``show``n on the board in the words of ``board``, else the report's."""
    report = _get(session, code)
    if report.status in RESOLVED:
        raise ModerationError(f"{code} is already resolved ({report.status})")
    report.status = "checking"
    if show:
        words = (board or "").strip()
        report.board_text = words or report.text
        report.board_lang = board_lang or report.lang
    report.updated_at = utc(now)
    return report


def hide(session: Session, code: str, now: dt.datetime) -> Report:
    report = _get(session, code)
    report.board_text = report.board_lang = None
    report.updated_at = utc(now)
    return report


def answer(session: Session, code: str, slug: str, now: dt.datetime) -> Report:
    """Answered by the rumour correction ``slug`` (the caller checks it is published)."""
    report = _get(session, code)
    if report.status == "merged":
        raise ModerationError(f"{code} is merged into another report: resolve that one")
    report.status, report.correction = "answered", slug
    return _resolved(report, now)


def not_rumour(session: Session, code: str, now: dt.datetime) -> Report:
    report = _get(session, code)
    if report.status == "merged":
        raise ModerationError(f"{code} is merged into another report: resolve that one")
    report.status, report.correction = "not-rumour", None
    return _resolved(report, now)


def _resolved(report: Report, now: dt.datetime) -> Report:
    report.board_text = report.board_lang = None
    report.resolved_at = report.updated_at = utc(now)
    return report


def merge(session: Session, code: str, into: str, now: dt.datetime) -> Report:
    """``code`` is a duplicate of ``into``: it follows that report's status from now on."""
    report, target = _get(session, code), _get(session, into)
    if report.id == target.id:
        raise ModerationError("a report cannot be merged into itself")
    final = outcome(session, target)
    if final.id == report.id:
        raise ModerationError(f"{into} is already merged into {code}")
    # Reports merged into this one follow the new target too.
    session.execute(update(Report).where(Report.merged_into_id == report.id)
                    .values(merged_into_id=final.id))
    report.status, report.merged_into_id, report.correction = "merged", final.id, None
    report.board_text = report.board_lang = None
    report.resolved_at = report.updated_at = utc(now)
    return report


def counts(session: Session) -> dict[str, int]:
    """Correction slug -> residents who reported that rumour (duplicates merged in included)."""
    own = dict(session.execute(select(Report.correction, func.count()).where(
        Report.status == "answered").group_by(Report.correction)).all())
    target = aliased(Report)
    merged = session.execute(
        select(target.correction, func.count()).select_from(Report)
        .join(target, Report.merged_into_id == target.id)
        .where(Report.status == "merged", target.status == "answered")
        .group_by(target.correction)).all()
    for slug, count in merged:
        own[slug] = own.get(slug, 0) + count
    return {slug: count for slug, count in own.items() if slug}


@dataclass(frozen=True)
class BoardClaim:
    text: str
    lang: str
    since: dt.datetime


def board(session: Session, limit: int = 100) -> list[BoardClaim]:
    rows = session.execute(select(Report.board_text, Report.board_lang, Report.updated_at)
                           .where(Report.status == "checking", Report.board_text.is_not(None))
                           .order_by(Report.updated_at.desc()).limit(limit)).all()
    return [BoardClaim(text, lang, since) for text, lang, since in rows]
