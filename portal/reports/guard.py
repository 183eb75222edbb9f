"""Guards against abuse that hold across every worker and machine: the database counts.

No address is stored. The rate limit keys on an HMAC of the address with a random key
of the day, kept in the database so every worker uses the same one, and deleted the
next day (portal reports purge), after which no stored hash can be traced back.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import secrets

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .models import DailyKey, RateCount, UsedForm

WINDOW = 600  # seconds: "per ten minutes"
_keys: dict[str, bytes] = {}  # day -> key, per process


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


class Replayed(Exception):
    pass


def day_key(session: Session, day: str) -> bytes:
    if day in _keys:
        return _keys[day]
    found = session.scalar(select(DailyKey.key).where(DailyKey.day == day))
    if found is None:  # the first of the day; if another worker makes it first, theirs
        session.execute(_insert(session, DailyKey).values(day=day, key=secrets.token_hex(32))
                        .on_conflict_do_nothing(index_elements=["day"]))
        found = session.scalar(select(DailyKey.key).where(DailyKey.day == day))
    _keys.clear()
    _keys[day] = bytes.fromhex(found)
    return _keys[day]


def network(address: str) -> str:
    """The part of an address that names a subscriber: IPv6 addresses by their /64."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def address_key(session: Session, address: str, now: dt.datetime) -> str:
    key = day_key(session, now.date().isoformat())
    return hmac.new(key, network(address).encode(), hashlib.sha256).hexdigest()


def count_report(session: Session, address: str, now: dt.datetime, limit: int) -> None:
    """Count one report from ``address``; raise RateLimited past ``limit`` in a sliding
    ten minutes (this window plus the share of the last one still inside them)."""
    key = address_key(session, address, now)
    seconds = int(now.timestamp())
    window, into = divmod(seconds, WINDOW)
    statement = _insert(session, RateCount).values(key=key, window=window, count=1)
    statement = statement.on_conflict_do_update(
        index_elements=["key", "window"], set_={"count": RateCount.count + 1}
    ).returning(RateCount.count)
    current = session.execute(statement).scalar_one()
    previous = session.scalar(select(RateCount.count).where(
        RateCount.key == key, RateCount.window == window - 1)) or 0
    if current + previous * (WINDOW - into) / WINDOW > limit:
        raise RateLimited(WINDOW - into)


def use_form(session: Session, nonce: str, now: dt.datetime) -> None:
    """Mark a form as sent; Replayed if it was sent before."""
    inserted = session.execute(
        _insert(session, UsedForm).values(nonce=nonce, used_at=now)
        .on_conflict_do_nothing(index_elements=["nonce"]).returning(UsedForm.nonce)).first()
    if inserted is None:
        raise Replayed()


def _insert(session: Session, table):
    """INSERT with ON CONFLICT, which SQLite and PostgreSQL both have."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
