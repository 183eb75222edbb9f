"""`portal reports list|show|resolve|merge|purge`: the officials' side of reports."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from ..db import get_db
from . import service, upkeep
from .codes import grouped
from .models import STATUSES

reports_cli = AppGroup("reports", help="Reports of rumours from residents: list, answer, merge.")


def _now():
    return current_app.extensions["portal.store"].now()


def _run(step):
    """Run ``step(session)`` in one transaction; errors as one line, never a traceback."""
    try:
        with get_db().session() as session:
            result = step(session)
    except service.ModerationError as exc:
        raise click.ClickException(str(exc)) from None
    except SQLAlchemyError as exc:
        raise click.ClickException(f"the database failed: {type(exc).__name__}: "
                                   f"{str(exc).splitlines()[0]}") from None
    # Pages of this process show the change at once; other workers within DATABASE_REFRESH.
    current_app.extensions["portal.reports"].snapshot.refresh()
    return result


def _line(report) -> str:
    text = " ".join(report.text.split())
    return (f"{grouped(report.code)}  {report.created_at:%Y-%m-%d %H:%M}  {report.lang:<3}"
            f"{report.status:<11} {text[:60]}{'…' if len(text) > 60 else ''}")


@reports_cli.command("list")
@click.option("--status", type=click.Choice(["open", *STATUSES]), default="open",
              show_default=True, help="open: received or being checked.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
def list_command(status: str, limit: int) -> None:
    """Newest reports first, one per line."""
    reports = _run(lambda s: service.listing(s, status, limit))
    for report in reports:
        click.echo(_line(report))
    click.echo(f"{len(reports)} report(s)", err=True)


@reports_cli.command("show")
@click.argument("code")
def show_command(code: str) -> None:
    """Everything kept about one report."""
    def show(session):
        report = service.find(session, code)
        if report is None:
            raise service.ModerationError(f"no report with the code {code!r}")
        merged_into = session.get(service.Report, report.merged_into_id) \
            if report.merged_into_id else None
        rows = [("code", grouped(report.code)), ("status", report.status),
                ("received", f"{report.created_at:%Y-%m-%d %H:%M} UTC"),
                ("language", report.lang), ("where", report.place), ("when", report.seen),
                ("link", report.link or "-"),
                ("contact", report.contact or ("deleted" if report.contact_deleted_at else "-")),
                ("correction", report.correction or "-"),
                ("merged into", grouped(merged_into.code) if merged_into else "-"),
                ("on the board", report.board_text or "-"),
                ("resolved", f"{report.resolved_at:%Y-%m-%d %H:%M} UTC"
                 if report.resolved_at else "-")]
        return rows, report.text
    rows, text = _run(show)
    for name, value in rows:
        click.echo(f"{name + ':':<14}{value}")
    click.echo("text:")
    click.echo(text)


@reports_cli.command("resolve")
@click.argument("code")
@click.argument("slug", required=False)
@click.option("--correction", metavar="SLUG",
              help="Answered by this published rumour correction (or give SLUG after CODE).")
@click.option("--not-rumour", "--not-a-rumour", "not_rumour", is_flag=True,
              help="Checked: it is not a rumour.")
@click.option("--checking", is_flag=True, help="Being checked (not resolved yet).")
@click.option("--show", is_flag=True,
              help="Being checked, and shown on the board of claims being checked (in the "
                   "report's own words unless --board gives others).")
@click.option("--board", metavar="TEXT",
              help="Being checked, and shown on the board in these words.")
@click.option("--board-lang", help="The language of the --board words (default: the report's).")
@click.option("--hide", is_flag=True, help="Take the claim off the board.")
def resolve_command(code: str, slug: str | None, correction: str | None, not_rumour: bool,
                    checking: bool, show: bool, board: str | None, board_lang: str | None,
                    hide: bool) -> None:
    """Answer a report with a published rumour correction, say it is not a rumour, or mark
    it being checked (and show it on the board)."""
    if slug and correction and slug != correction:
        raise click.UsageError("give the correction once")
    correction = correction or slug
    shown = show or board is not None
    chosen = [name for name, on in (("--correction", correction), ("--not-rumour", not_rumour),
                                    ("--checking", checking or shown), ("--hide", hide)) if on]
    if len(chosen) != 1:
        raise click.UsageError("give one of --correction SLUG, --not-rumour, --checking "
                               "(--show, --board TEXT), --hide")
    store, now = current_app.extensions["portal.store"], _now()
    if board_lang and board_lang not in store.library.languages:
        raise click.BadParameter(f"{board_lang!r} is not a language of the site",
                                 param_hint="--board-lang")
    if correction:
        library = store.library
        found = [item for lang in library.languages
                 if (item := library.get(lang, "disclosures", correction, now)) is not None]
        if not any(item.type == "rumour-correction" for item in found):
            raise click.ClickException(f"{correction!r} is not a published rumour correction")
        report = _run(lambda s: service.answer(s, code, correction, now))
    elif not_rumour:
        report = _run(lambda s: service.not_rumour(s, code, now))
    elif hide:
        report = _run(lambda s: service.hide(s, code, now))
    else:
        report = _run(lambda s: service.check(s, code, now, shown, board, board_lang))
    click.echo(f"{grouped(report.code)}: {report.status}"
               + (f" ({report.correction})" if report.correction else "")
               + (" · on the board" if report.board_text else ""))


@reports_cli.command("merge")
@click.argument("code")
@click.argument("other", required=False)
@click.option("--into", metavar="CODE", help="The report this one duplicates (or give it "
              "after CODE).")
def merge_command(code: str, other: str | None, into: str | None) -> None:
    """CODE is a duplicate of another report: it follows that one's status."""
    if bool(other) == bool(into):
        raise click.UsageError("give the report it duplicates once: CODE OTHER or --into OTHER")
    into = into or other
    report = _run(lambda s: service.merge(s, code, into, _now()))
    click.echo(f"{grouped(report.code)}: merged")


@reports_cli.command("purge")
@click.option("--days", type=click.IntRange(0, 3650), default=upkeep.CONTACT_DAYS,
              show_default=True, help="Delete contact details this many days after resolution.")
def purge_command(days: int) -> None:
    """Delete contact details of resolved reports and what the rate limit no longer needs
    (the site also does this once a day)."""
    deleted = _run(lambda s: upkeep.purge(s, _now(), days))
    click.echo(", ".join(f"{count} {name}" for name, count in deleted.items()) + " deleted")
