"""The `portal` command: check, new, index, freeze, and Flask's own (run, routes, shell).

Commands are registered once, on the app's CLI group; the `portal` entry point
is a FlaskGroup that finds them there. Their defaults come from the settings
table (the app's config), never from the option declarations.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from .content import ContentError, load
from .content.checks import review


def check_content(content_dir: str, kinds, languages=None,
                  today: dt.date | None = None) -> list[ContentError]:
    """Every problem in the tree, errors first, then by path and line."""
    try:
        library = load(content_dir, kinds, languages=languages)
    except ContentError as exc:  # site.yml itself is unusable
        return [exc]
    except Exception as exc:  # noqa: BLE001 - named, never a traceback
        return [ContentError(".", 1, "", f"the content could not be read: "
                             f"{type(exc).__name__}: {exc}")]
    problems = list(library.problems)
    try:
        problems += review(library, today or dt.datetime.now(dt.timezone.utc), list(kinds),
                           root=content_dir)
    except Exception as exc:  # noqa: BLE001
        problems.append(ContentError(".", 1, "", f"the review of links and dates failed "
                                     f"({type(exc).__name__}: {exc}); the checks above hold",
                                     "warning"))
    return sorted(problems, key=lambda p: (p.severity != "error", p.path, p.line))


def _shown_path(content_dir: str, rel: str) -> str:
    """A content path as the person at the terminal can open it: relative to the
    working directory (or absolute when the tree is elsewhere)."""
    full = os.path.join(content_dir, rel)
    shown = os.path.relpath(full)
    return full if shown.startswith("..") else shown


@click.command("check")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--content-dir", help="The content tree to check (default: PORTAL_CONTENT_DIR).")
@with_appcontext
def check_command(fmt: str, content_dir: str | None) -> None:
    """Validate all content; print path:line: field: message per problem."""
    content_dir = content_dir or current_app.config["CONTENT_DIR"]
    store = current_app.extensions["portal.store"]
    problems = check_content(content_dir, store.kinds, store.languages())
    errors = [p for p in problems if p.severity == "error"]
    shown = [(p, _shown_path(content_dir, p.path)) for p in problems]
    if fmt == "json":
        click.echo(json.dumps([{"path": path, "line": p.line, "field": p.field,
                                "message": p.message, "severity": p.severity}
                               for p, path in shown], ensure_ascii=False, indent=2))
    else:
        for problem, path in shown:
            prefix = "" if problem.severity == "error" else "warning: "
            where = f"{path}:{problem.line}"
            text = f"{where}: {problem.field}: {problem.message}" if problem.field \
                else f"{where}: {problem.message}"
            click.echo(f"{prefix}{text}", err=problem.severity == "error")
        click.echo(f"{len(errors)} error(s), {len(problems) - len(errors)} warning(s)",
                   err=bool(errors))
    sys.exit(1 if errors else 0)


@click.command("freeze")
@click.argument("destination", type=click.Path(file_okay=False))
@with_appcontext
def freeze_command(destination: str) -> None:
    """Write a static mirror of every page and feed to DESTINATION."""
    from .freeze import freeze
    count = freeze(current_app, destination)
    click.echo(f"wrote {count} files to {destination}")


@click.command("new")
@click.argument("kind")
@click.argument("slug")
@click.option("--lang", help="Language folder (default: PORTAL_DEFAULT_LANG).")
@click.option("--type", "subtype", help="For kinds with types (disclosures): which one.")
@click.option("--content-dir", help="Where to write (default: PORTAL_CONTENT_DIR).")
@with_appcontext
def new_command(kind: str, slug: str, lang: str | None, subtype: str | None,
                content_dir: str | None) -> None:
    """Write a skeleton item of KIND (guide, disclosure, page ...) with every field it
    needs; never overwrites."""
    from .scaffold import write_skeleton
    config, kinds = current_app.config, current_app.extensions["portal.kinds"]
    found = kinds.by_singular(kind)
    if found is None:
        names = ", ".join(k.singular for k in kinds.values())
        raise click.BadParameter(f"{kind!r} is not a kind of content: use one of {names}",
                                 param_hint="KIND")
    kind = found
    root = content_dir or config["CONTENT_DIR"]
    try:
        path = write_skeleton(root, kind, slug, lang or config["DEFAULT_LANG"], subtype,
                              site_now(root))
    except (FileExistsError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(path)


def site_now(content_dir: str) -> dt.datetime:
    """Now in the district's time zone (site.yml `timezone`), else the machine's."""
    from zoneinfo import ZoneInfo

    from .content.site import load_site
    try:
        zone = load_site(Path(content_dir)).timezone
    except ContentError:
        zone = None
    now = dt.datetime.now(ZoneInfo(zone)) if zone else dt.datetime.now().astimezone()
    return now.replace(microsecond=0)


@click.command("index")
@click.option("--content-dir", help="The content tree to index (default: PORTAL_CONTENT_DIR).")
@click.option("--index-dir", help="Where index generations are kept (default: PORTAL_INDEX_DIR).")
@with_appcontext
def index_command(content_dir: str | None, index_dir: str | None) -> None:
    """Build the search index for the content as it is now, and make it current.

    Workers serving the previous generation move to the new one on their next
    search; nothing needs restarting.
    """
    from .search import build_index
    config, store = current_app.config, current_app.extensions["portal.store"]
    index_dir = index_dir or config["INDEX_DIR"]
    try:
        library = load(content_dir or config["CONTENT_DIR"], store.kinds,
                       languages=store.languages())
    except ContentError as exc:
        raise click.ClickException(str(exc)) from None
    built: list[str] = []
    path = build_index(library, index_dir, on_built=lambda count, seconds: built.append(
        f"{count} documents, built in {seconds:.2f}s"))
    click.echo(f"search index {path.name}: {built[0] if built else 'up to date'} ({path})")


def init_app(app: Flask) -> None:
    for command in (check_command, freeze_command, index_command, new_command):
        app.cli.add_command(command)


def _create_app():
    from . import create_app
    return create_app()


class PortalGroup(FlaskGroup):
    """Flask's command group without Flask's own options (--app, --env-file, --debug,
    --version): `portal` always runs this portal, configured by PORTAL_* variables."""

    def __init__(self, **options):
        super().__init__(**options)
        self.params = [p for p in self.params if p.name not in ("app", "env_file", "debug",
                                                               "version")]


cli = PortalGroup(name="portal", create_app=_create_app, add_default_commands=False,
                  load_dotenv=False,
                  help="Manage the crisis portal: check content, write new items, build the "
                       "search index, write a static mirror.")
