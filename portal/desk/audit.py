"""The audit trail: every sign-in, draft, submission, approval, return, publication and
edit of a live item, with who, when and the diff of the file. Only ever appended to."""
from __future__ import annotations

import datetime as dt
import difflib

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import AuditEntry


def utc(now: dt.datetime) -> dt.datetime:
    return now.astimezone(dt.timezone.utc).replace(tzinfo=None) if now.tzinfo else now


def diff(old: str, new: str, path: str) -> str:
    """A unified diff of the file, as ``git diff`` shows it."""
    return "".join(difflib.unified_diff(old.splitlines(keepends=True),
                                        new.splitlines(keepends=True),
                                        fromfile=f"a/{path}" if old else "/dev/null",
                                        tofile=f"b/{path}"))


def record(session: Session, now: dt.datetime, actor: str, action: str, *,
           issuer: str | None = None, path: str | None = None, draft_id: int | None = None,
           detail: str | None = None, diff: str | None = None) -> AuditEntry:
    entry = AuditEntry(at=utc(now), actor=actor, issuer=issuer, action=action, path=path,
                       draft_id=draft_id, detail=detail, diff=diff)
    session.add(entry)
    session.flush()
    return entry


def entries(session: Session, path: str | None = None, since: dt.datetime | None = None,
            issuer: str | None = None, draft_id: int | None = None,
            limit: int = 500) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if path is not None and draft_id is not None:
        query = query.where((AuditEntry.path == path) | (AuditEntry.draft_id == draft_id))
    elif path is not None:
        query = query.where(AuditEntry.path == path)
    elif draft_id is not None:
        query = query.where(AuditEntry.draft_id == draft_id)
    if since is not None:
        query = query.where(AuditEntry.at >= utc(since))
    if issuer is not None:
        query = query.where(AuditEntry.issuer == issuer)
    return list(session.scalars(query))
