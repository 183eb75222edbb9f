"""What the database keeps: reports, and the little the guards against abuse need."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base

STATUSES = ("received", "checking", "answered", "not-rumour", "merged")
RESOLVED = ("answered", "not-rumour", "merged")


class Report(Base):
    """One resident's report of a rumour. No address, no cookie, no device is kept."""
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    lang: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    place: Mapped[str] = mapped_column(String(32))
    link: Mapped[str | None] = mapped_column(String(2048))
    seen: Mapped[str] = mapped_column(String(16))
    contact: Mapped[str | None] = mapped_column(String(200))
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="received", index=True)
    correction: Mapped[str | None] = mapped_column(String(100), index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"), index=True)
    board_text: Mapped[str | None] = mapped_column(Text)
    board_lang: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    contact_deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class RateCount(Base):
    """Reports sent from one (hashed) address in one ten-minute window."""
    __tablename__ = "rate_counts"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class DailyKey(Base):
    """The day's random key for hashing addresses; deleted the next day, so no hash
    can be traced back to an address afterwards."""
    __tablename__ = "daily_keys"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    key: Mapped[str] = mapped_column(String(64))


class UsedForm(Base):
    """Forms already sent, by the nonce each carries: a replay is refused."""
    __tablename__ = "used_forms"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    used_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


class Marker(Base):
    """When a periodic job last ran, so that one worker of all does it."""
    __tablename__ = "markers"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
