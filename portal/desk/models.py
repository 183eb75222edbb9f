"""What the desk keeps: accounts, sessions, drafts (until approved) and the audit trail."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base

ROLES = ("editor", "approver", "admin")
# A draft's life: written, sent for review, sent back with a comment, or published.
STATES = ("draft", "submitted", "returned", "published")


class User(Base):
    """An official's account. It belongs to one issuing department (a site.yml issuer key)."""
    __tablename__ = "desk_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    issuer: Mapped[str] = mapped_column(String(100), index=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_required: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    failed_signins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)

    @property
    def shown(self) -> str:
        return self.name or self.email


class DeskSession(Base):
    """A browser's session on the desk, by a hash of its cookie (the cookie itself is
    never stored). Anonymous until sign-in, when it is replaced by a new one."""
    __tablename__ = "desk_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("desk_users.id"), index=True)
    # Password checked, second factor still to come.
    pending_user_id: Mapped[int | None] = mapped_column(ForeignKey("desk_users.id"))
    csrf_key: Mapped[str] = mapped_column(String(64))
    lang: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


class Draft(Base):
    """An item being written or reviewed: the form as filled and the exact file text it
    makes. Only approval writes it into the content directory."""
    __tablename__ = "desk_drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    lang: Mapped[str] = mapped_column(String(16))
    slug: Mapped[str] = mapped_column(String(100))
    subtype: Mapped[str | None] = mapped_column(String(40))
    issuer: Mapped[str] = mapped_column(String(100), index=True)
    state: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    values: Mapped[str] = mapped_column(Text)  # JSON: field -> what was typed
    body: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    # The published file this draft started from (sha256 of its bytes), or None: new.
    base_digest: Mapped[str | None] = mapped_column(String(64))
    author_id: Mapped[int] = mapped_column(ForeignKey("desk_users.id"))
    editor_id: Mapped[int] = mapped_column(ForeignKey("desk_users.id"))
    comment: Mapped[str | None] = mapped_column(Text)
    emergency: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)

    @property
    def path(self) -> str:
        return f"{self.lang}/{self.kind}/{self.slug}.md"


class AuditEntry(Base):
    """One thing done on the desk. Append-only: nothing in the code updates or deletes
    a row, and database triggers refuse it."""
    __tablename__ = "desk_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    actor: Mapped[str] = mapped_column(String(254))
    issuer: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    path: Mapped[str | None] = mapped_column(String(300), index=True)
    draft_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str | None] = mapped_column(Text)
    diff: Mapped[str | None] = mapped_column(Text)
