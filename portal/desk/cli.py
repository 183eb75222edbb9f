"""`portal users add|list|unlock` and `portal audit`: the desk from a terminal."""
from __future__ import annotations

import datetime as dt
import sys

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ..db import get_db
from . import audit, auth
from .models import ROLES, User

users_cli = AppGroup("users", help="Accounts of the officials' desk.")


def _now() -> dt.datetime:
    return current_app.extensions["portal.store"].now()


def _run(step):
    try:
        with get_db().session() as session:
            return step(session)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    except SQLAlchemyError as exc:
        raise click.ClickException(f"the database failed: {type(exc).__name__}: "
                                   f"{str(exc).splitlines()[0]} (run `portal db upgrade`?)") from None


@users_cli.command("add")
@click.argument("email")
@click.option("--issuer", required=True, help="The department: a key of site.yml issuers.")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--name", default="", help="The name shown in the audit trail and commits.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--require-two-step", is_flag=True, help="A TOTP second factor is required.")
def add_command(email: str, issuer: str, role: str, name: str, password_stdin: bool,
                require_two_step: bool) -> None:
    """Create an account; the password is asked for (or read with --password-stdin)."""
    library = current_app.extensions["portal.store"].library
    if issuer not in library.site.issuers:
        raise click.BadParameter(f"{issuer!r} is not an issuer in site.yml; known: "
                                 f"{', '.join(library.site.issuers)}", param_hint="--issuer")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < auth.MIN_PASSWORD:
        raise click.ClickException(f"a password needs at least {auth.MIN_PASSWORD} characters")

    def add(session):
        user = auth.add_user(session, email, issuer, role, password, _now(), name)
        user.totp_required = require_two_step
        audit.record(session, _now(), "portal users add", "user-add", issuer=issuer,
                     detail=f"{user.email} ({role})")
        return user
    user = _run(add)
    click.echo(f"{user.email}: {user.role} of {user.issuer}")


@users_cli.command("list")
def list_command() -> None:
    """Every account: email, department, role, whether it has a second factor."""
    for user in _run(lambda s: list(s.scalars(select(User).order_by(User.issuer, User.email)))):
        flags = ["two-step" if user.totp_secret else ("two-step required" if user.totp_required
                                                      else "")]
        if user.locked_until:
            flags.append(f"locked until {user.locked_until:%Y-%m-%d %H:%M} UTC")
        click.echo(f"{user.email:<40} {user.issuer:<24} {user.role:<9} {' '.join(flags)}".rstrip())


@users_cli.command("unlock")
@click.argument("email")
def unlock_command(email: str) -> None:
    """Lift a lockout after failed sign-ins."""
    def unlock(session):
        user = auth.find_user(session, email)
        if user is None:
            raise ValueError(f"no account for {email}")
        user.locked_until, user.failed_signins = None, 0
        audit.record(session, _now(), "portal users unlock", "user-unlock", issuer=user.issuer,
                     detail=user.email)
    _run(unlock)
    click.echo(f"{email}: unlocked")


def _since(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD) or a date-time",
                                 param_hint="--since") from None
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


@click.command("audit")
@click.option("--item", metavar="PATH", help="One item: its path, e.g. en/disclosures/x.md.")
@click.option("--since", metavar="WHEN", help="From this date or date-time (UTC if no offset).")
@click.option("--diff/--no-diff", default=True, show_default=True, help="Show each file diff.")
@click.option("--limit", type=click.IntRange(1, 100_000), default=1000, show_default=True)
@with_appcontext
def audit_cli(item: str | None, since: str | None, diff: bool, limit: int) -> None:
    """The desk's audit trail, newest first: who did what, when, with the diff."""
    entries = _run(lambda s: audit.entries(s, path=item, since=_since(since), limit=limit))
    for entry in entries:
        parts = [f"{entry.at:%Y-%m-%d %H:%M:%S} UTC", entry.actor, entry.action]
        if entry.path:
            parts.append(entry.path)
        if entry.detail:
            parts.append(f"({entry.detail})")
        click.echo("  ".join(parts))
        if diff and entry.diff:
            for line in entry.diff.splitlines():
                click.echo(f"    {line}")
    click.echo(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}", err=True)
