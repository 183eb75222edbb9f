"""Signing in to the desk: argon2 password hashes, an optional TOTP second factor,
lockout after failed attempts, sessions kept in the database by a hash of their cookie,
and CSRF tokens bound to the session and good for one use.

No Flask here beyond what is passed in: the views and the tests share these functions.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..reports.guard import RateLimited, Replayed, count_report, use_form  # noqa: F401
from .audit import utc
from .models import ROLES, DeskSession, User

COOKIE = "portal_desk"
CSRF_MAX_AGE = 12 * 3600
SESSION_MAX_AGE = dt.timedelta(hours=12)  # signed in for at most this long, active or not
MIN_PASSWORD = 12
_hasher = PasswordHasher()
# Verified against when there is no such account, so the answer takes as long.
_DUMMY = _hasher.hash("not a password of anyone")


class SignInError(Exception):
    def __init__(self, reason: str, until: dt.datetime | None = None):
        super().__init__(reason)
        self.reason, self.until = reason, until


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"a password needs at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


def check_password(user: User | None, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash if user else _DUMMY, password) and user is not None
    except (VerificationError, InvalidHashError):
        return False


def add_user(session: Session, email: str, issuer: str, role: str, password: str,
             now: dt.datetime, name: str = "") -> User:
    email = email.strip().lower()
    if role not in ROLES:
        raise ValueError(f"{role!r} is not a role: use one of {', '.join(ROLES)}")
    if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
        raise ValueError(f"{email!r} is not an email address")
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise ValueError(f"an account for {email} already exists")
    user = User(email=email, name=name.strip(), issuer=issuer, role=role,
                password_hash=hash_password(password), created_at=utc(now),
                failed_signins=0, totp_required=False, active=True)
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == (email or "").strip().lower()))


def sign_in(session: Session, email: str, password: str, now: dt.datetime, *, address: str,
            attempts: int, lock_minutes: int, per_address: int
            ) -> tuple[User | None, SignInError | None]:
    """(the account whose password this is, None) or (None, SignInError: "rate",
    "locked", "wrong"). Returns rather than raises: what was counted must be committed.

    ``attempts`` wrong passwords in a row lock the account for ``lock_minutes``; an
    address may try ``per_address`` times in ten minutes, whichever account it names."""
    try:
        return _sign_in(session, email, password, utc(now), address, attempts, lock_minutes,
                        per_address), None
    except SignInError as error:
        return None, error


def _sign_in(session, email, password, when, address, attempts, lock_minutes, per_address):
    try:
        count_report(session, f"desk-sign-in {address}", when, per_address)
    except RateLimited as limited:
        raise SignInError("rate", when + dt.timedelta(seconds=limited.retry_after)) from None
    user = find_user(session, email)
    if user is not None and user.locked_until is not None and user.locked_until > when:
        raise SignInError("locked", user.locked_until)
    if not check_password(user, password) or not user.active:
        if user is not None:
            user.failed_signins = (user.failed_signins or 0) + 1
            if user.failed_signins >= attempts:
                user.locked_until = when + dt.timedelta(minutes=lock_minutes)
                user.failed_signins = 0
                raise SignInError("locked", user.locked_until)
        raise SignInError("wrong")
    user.failed_signins, user.locked_until = 0, None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def check_code(user: User, code: str, now: dt.datetime) -> bool:
    """A TOTP code of ``user``'s secret, never the same time step twice."""
    code = "".join((code or "").split())
    if not user.totp_secret or not code.isdigit() or len(code) != 6:
        return False
    totp = pyotp.TOTP(user.totp_secret)
    step = int(now.timestamp()) // totp.interval
    for candidate in (step, step - 1, step + 1):  # a phone's clock may be a little off
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            if user.totp_last_step is not None and candidate <= user.totp_last_step:
                return False  # already used: a code is good once
            user.totp_last_step = candidate
            return True
    return False


def new_totp_secret() -> str:
    return pyotp.random_base32()


def needs_second_factor(user: User, require_all: bool) -> bool:
    return bool(user.totp_secret) or user.totp_required or require_all


# Sessions --------------------------------------------------------------------------

def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_session(session: Session, now: dt.datetime, user: User | None = None,
                lang: str | None = None, pending: User | None = None) -> tuple[str, DeskSession]:
    """A fresh session: (the cookie value, the row). The cookie is never stored."""
    token = secrets.token_urlsafe(32)
    row = DeskSession(id=_hash(token), user_id=user.id if user else None,
                      pending_user_id=pending.id if pending else None,
                      csrf_key=secrets.token_hex(32), lang=lang, created_at=utc(now),
                      seen_at=utc(now))
    session.add(row)
    session.flush()
    return token, row


def load_session(session: Session, token: str | None, now: dt.datetime,
                 idle: dt.timedelta) -> tuple[DeskSession | None, bool]:
    """(the session of this cookie, whether it just ran out). Unknown cookies are
    never adopted: a value chosen by someone else names no session."""
    if not token or len(token) > 100:
        return None, False
    row = session.get(DeskSession, _hash(token))
    if row is None:
        return None, False
    when = utc(now)
    if row.seen_at + idle < when or row.created_at + SESSION_MAX_AGE < when:
        expired = row.user_id is not None
        session.delete(row)
        return None, expired
    row.seen_at = when
    return row, False


def end_session(session: Session, row: DeskSession | None) -> None:
    if row is not None:
        session.execute(delete(DeskSession).where(DeskSession.id == row.id))


def purge_sessions(session: Session, now: dt.datetime, idle: dt.timedelta) -> int:
    result = session.execute(delete(DeskSession).where(DeskSession.seen_at < utc(now) - idle))
    return result.rowcount or 0


def sessions_of(session: Session, user: User) -> int:
    return session.scalar(select(func.count()).select_from(DeskSession)
                          .where(DeskSession.user_id == user.id)) or 0


# CSRF ----------------------------------------------------------------------------

def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="portal.desk-csrf")


def csrf_token(secret: str, row: DeskSession) -> str:
    """A token for one form: bound to this session, good once."""
    return _serializer(secret).dumps([row.csrf_key[:16], secrets.token_urlsafe(18)])


class CSRFError(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def check_csrf(session: Session, secret: str, row: DeskSession | None, token: str | None,
               now: dt.datetime) -> None:
    """CSRFError unless ``token`` was made for this session and never used."""
    if row is None:
        raise CSRFError("no-session")
    try:
        bound, nonce = _serializer(secret).loads(token or "", max_age=CSRF_MAX_AGE)
    except SignatureExpired:
        raise CSRFError("expired") from None
    except (BadSignature, ValueError, TypeError):
        raise CSRFError("invalid") from None
    if not isinstance(bound, str) or not isinstance(nonce, str) or len(nonce) > 40 \
            or not hmac.compare_digest(bound, row.csrf_key[:16]):
        raise CSRFError("invalid")
    try:
        use_form(session, f"desk:{nonce}", utc(now))
    except Replayed:
        raise CSRFError("replayed") from None
