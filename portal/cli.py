"""The `portal` command: `portal check`, and the app's other commands."""
from __future__ import annotations

import json
import sys

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from . import config
from .content import ContentError, load
from .content.fields import TYPES


def check_content(content_dir: str) -> list[ContentError]:
    """Every problem in the tree, errors first, then by path and line."""
    try:
        library = load(content_dir)
    except ContentError as exc:  # site.yml itself is unusable
        return [exc]
    problems = [*library.errors, *library.warnings]
    return sorted(problems, key=lambda p: (p.severity != "error", p.path, p.line))


@click.command("check")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--content-dir", envvar="PORTAL_CONTENT_DIR", default=config.CONTENT_DIR,
              show_default=True, help="The content tree to check.")
def check_command(fmt: str, content_dir: str) -> None:
    """Validate all content; print path:line: field: message per problem.

    Runs without starting the app, so it works even when site.yml is broken.
    """
    problems = check_content(content_dir)
    errors = [p for p in problems if p.severity == "error"]
    if fmt == "json":
        click.echo(json.dumps([{"path": p.path, "line": p.line, "field": p.field,
                                "message": p.message, "severity": p.severity}
                               for p in problems], ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            prefix = "" if problem.severity == "error" else "warning: "
            click.echo(f"{prefix}{problem}", err=problem.severity == "error")
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
@click.argument("section", type=click.Choice(["guide", "disclosure"]))
@click.argument("slug")
@click.option("--lang", default=config.DEFAULT_LANG, show_default=True)
@click.option("--type", "type_", type=click.Choice(TYPES), default="announcement",
              show_default=True, help="For a disclosure: what kind it is.")
@click.option("--content-dir", envvar="PORTAL_CONTENT_DIR", default=config.CONTENT_DIR)
def new_command(section: str, slug: str, lang: str, type_: str, content_dir: str) -> None:
    """Write a skeleton guide or disclosure with every field it needs."""
    from .scaffold import write_skeleton
    try:
        path = write_skeleton(content_dir, section, slug, lang, type_)
    except (FileExistsError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(path)


@click.command("index")
@click.option("--content-dir", envvar="PORTAL_CONTENT_DIR", default=config.CONTENT_DIR,
              show_default=True, help="The content tree to index.")
@click.option("--index-dir", envvar="PORTAL_INDEX_DIR", default=config.INDEX_DIR,
              show_default=True, help="Where index generations are kept.")
def index_command(content_dir: str, index_dir: str) -> None:
    """Build the search index for the content as it is now, and make it current.

    Workers serving the previous generation move to the new one on their next
    search; nothing needs restarting.
    """
    from .search import build_index
    try:
        library = load(content_dir)
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


cli = FlaskGroup(name="portal", create_app=_create_app, add_default_commands=True,
                 help="Manage the crisis portal: check content, build the index, serve.")
cli.add_command(check_command)
cli.add_command(index_command)
cli.add_command(new_command)
