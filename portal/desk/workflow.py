"""What happens to a draft: saved, submitted, returned, approved and published, or
published alone in an emergency; and a place's status changed in two clicks. Each step
checks who may do it (access.may) and is written to the audit trail."""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit
from .access import may
from .models import Draft, User
from ..atomic import write_atomic
from .publish import git_commit, item_path, read_current

log = logging.getLogger(__name__)


class Refused(Exception):
    """Not allowed, or not possible now: the message says which."""

    def __init__(self, message: str, status: int = 403):
        super().__init__(message)
        self.status = status


@dataclass
class Place:
    """Where the desk writes, and what it knows of the site."""
    content_dir: str
    kinds: object
    languages: tuple[str, ...]

    def path(self, lang: str, kind: str, slug: str) -> Path:
        return item_path(self.content_dir, lang, kind, slug, self.languages, self.kinds)

    def rel(self, path: Path) -> str:
        return path.resolve().relative_to(Path(self.content_dir).resolve()).as_posix()


def save(session: Session, place: Place, user: User, now: dt.datetime, *, draft: Draft | None,
         kind: str, lang: str, slug: str, subtype: str | None, department: str, values: dict,
         body: str, text: str, base_digest: str | None, submit: bool = False) -> Draft:
    """Keep a draft (new or changed); ``submit`` sends it for review."""
    if not may(user, "compose", department):
        raise Refused("you cannot write items of this department")
    path = place.path(lang, kind, slug)
    when = audit.utc(now)
    if draft is None:
        current, digest = read_current(path)
        if base_digest is None and digest is not None:
            raise Refused(f"{place.rel(path)} already exists: edit it instead, or choose "
                          "another name", 409)
        draft = Draft(kind=kind, lang=lang, slug=slug, subtype=subtype, issuer=department,
                      state="draft", author_id=user.id, editor_id=user.id, created_at=when,
                      base_digest=base_digest, emergency=False)
        session.add(draft)
    else:
        if draft.issuer != user.issuer or department != user.issuer:
            raise Refused("you cannot write items of this department")
        if draft.state not in ("draft", "returned"):
            raise Refused("this draft is waiting for review or published: it cannot be "
                          "changed now", 409)
    draft.values, draft.body, draft.text = json.dumps(values, ensure_ascii=False), body, text
    draft.editor_id, draft.updated_at = user.id, when
    draft.state = "submitted" if submit else "draft"
    session.flush()
    current, _ = read_current(path)
    detail = "a change to a published item" if draft.base_digest else "a new item"
    audit.record(session, now, user.email, "draft", issuer=department, path=draft.path,
                 draft_id=draft.id, detail=detail, diff=audit.diff(current, text, draft.path))
    if submit:
        audit.record(session, now, user.email, "submit", issuer=department, path=draft.path,
                     draft_id=draft.id)
    return draft


def submit(session: Session, user: User, draft: Draft, now: dt.datetime) -> None:
    if not may(user, "submit", draft.issuer) or draft.state not in ("draft", "returned"):
        raise Refused("this draft cannot be submitted")
    draft.state, draft.updated_at = "submitted", audit.utc(now)
    audit.record(session, now, user.email, "submit", issuer=draft.issuer, path=draft.path,
                 draft_id=draft.id)


def send_back(session: Session, user: User, draft: Draft, comment: str,
              now: dt.datetime) -> None:
    comment = (comment or "").strip()
    if not may(user, "return", draft.issuer, author_ids={draft.author_id, draft.editor_id}):
        raise Refused("only an approver of this department who did not write it can "
                      "return this draft")
    if draft.state != "submitted":
        raise Refused("this draft is not waiting for review", 409)
    if not comment:
        raise Refused("say what needs changing", 400)
    draft.state, draft.comment, draft.updated_at = "returned", comment[:4000], audit.utc(now)
    audit.record(session, now, user.email, "return", issuer=draft.issuer, path=draft.path,
                 draft_id=draft.id, detail=comment[:4000])


def approve(session: Session, place: Place, user: User, draft: Draft, now: dt.datetime,
            checked, *, emergency: bool = False) -> Path:
    """Publish a draft: its file written atomically (and committed when the content
    directory is a repository). ``checked``: the file checked against the content now."""
    if emergency:
        if not may(user, "emergency", draft.issuer, kind=draft.kind, subtype=draft.subtype):
            raise Refused("only an approver of this department may publish this alone, and "
                          "only an alert or a rumour correction")
        if draft.state == "published":
            raise Refused("already published", 409)
    else:
        if not may(user, "approve", draft.issuer, author_ids={draft.author_id, draft.editor_id}):
            raise Refused("only an approver of this department who did not write it can "
                          "approve this draft")
        if draft.state != "submitted":
            raise Refused("this draft is not waiting for review", 409)
    if checked.item is None:
        raise Refused("the file has problems: " + "; ".join(
            [*(f"{k}: {v}" for k, v in checked.errors.items()), *checked.general]), 409)
    path = place.path(draft.lang, draft.kind, draft.slug)
    current, digest = read_current(path)
    if digest != draft.base_digest:
        raise Refused(f"{draft.path} changed since this draft was started: start again from "
                      "the version published now", 409)
    change = audit.diff(current, draft.text, draft.path)
    write_atomic(path, draft.text)
    draft.state, draft.emergency, draft.updated_at = "published", emergency, audit.utc(now)
    if emergency:
        audit.record(session, now, user.email, "publish", issuer=draft.issuer,
                     path=draft.path, draft_id=draft.id, diff=change,
                     detail="published alone in an emergency, without a second approver")
    else:
        audit.record(session, now, user.email, "approve", issuer=draft.issuer, path=draft.path,
                     draft_id=draft.id)
        audit.record(session, now, user.email, "publish", issuer=draft.issuer,
                     path=draft.path, draft_id=draft.id, diff=change)
    author = session.get(User, draft.author_id)
    title = getattr(checked.item, "title", draft.slug)
    how = "published alone in an emergency by" if emergency else "approved by"
    git_commit(place.content_dir, path, author.shown if author else user.shown,
               author.email if author else user.email,
               f"{title}\n\n{draft.path}: {how} {user.email}")
    return path


STATUS_LINE = re.compile(r"^status:.*$", re.M)
UPDATED_LINE = re.compile(r"^status_updated:.*$", re.M)


def status_text(text: str, status: str, when: dt.datetime) -> str:
    """The place's file with only its status lines changed (comments and all kept)."""
    head, fence, body = text[4:].partition("\n---")
    stamp = when.replace(microsecond=0).isoformat()
    for pattern, line in ((STATUS_LINE, f"status: {status}"),
                          (UPDATED_LINE, f"status_updated: {stamp}")):
        if pattern.search(head):
            head = pattern.sub(line, head, count=1)
        else:
            head = head.rstrip("\n") + "\n" + line
    return "---\n" + head + fence + body


def change_status(session: Session, place: Place, user: User, department: str, lang: str,
                  slug: str, new_text: str, checked, now: dt.datetime, status: str) -> None:
    if not may(user, "status", department):
        raise Refused("you cannot change places of this department")
    if checked.item is None:
        raise Refused("the file has problems: " + "; ".join(
            [*(f"{k}: {v}" for k, v in checked.errors.items()), *checked.general]), 409)
    path = place.path(lang, "places", slug)
    current, _ = read_current(path)
    rel = place.rel(path)
    write_atomic(path, new_text)
    audit.record(session, now, user.email, "status", issuer=department, path=rel,
                 detail=f"status: {status}", diff=audit.diff(current, new_text, rel))
    git_commit(place.content_dir, path, user.shown, user.email,
               f"{getattr(checked.item, 'title', slug)}: {status}\n\n{rel}: by {user.email}")


def open_drafts(session: Session, issuer: str) -> list[Draft]:
    return list(session.scalars(select(Draft).where(Draft.issuer == issuer,
                                                    Draft.state != "published")
                                .order_by(Draft.updated_at.desc())))
