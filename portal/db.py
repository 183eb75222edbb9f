"""The database: only for what people send (rumour reports), never for what they read.

SQLAlchemy 2 with Alembic migrations shipped in the package (portal/migrations).
``PORTAL_DATABASE_URL`` chooses it: a SQLite file under ``var/`` by default (WAL mode,
so readers never wait for the writer and a committed report survives a crash), or
PostgreSQL past one machine. The engine is made on first use and again in each
process after a fork: connections are never shared between gunicorn workers.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from .settings import ROOT

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
# Seconds: a stopped or unreachable database answers quickly, so a form can say so.
CONNECT_TIMEOUT = 3
STATEMENT_TIMEOUT_MS = 10_000


class Base(DeclarativeBase):
    pass


def resolve_url(url: str) -> URL:
    """``url`` as SQLAlchemy takes it: a relative SQLite path under the project folder,
    ``postgresql://`` through psycopg 3."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not os.path.isabs(database):
            parsed = parsed.set(database=str(ROOT / database))
    elif parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Transactions are begun by us (below), not by the driver's guesswork.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a commit is on disk before the receipt is sent, even in WAL mode.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class Database:
    """One engine per process, made on first use."""

    def __init__(self, url: str):
        self.url = resolve_url(url)
        self._engine: Engine | None = None
        self._pid: int | None = None
        self._sessions: sessionmaker | None = None
        # Called before the engine is disposed: background work still holding a
        # connection (the reports' refresh) finishes and gives it back first.
        self.before_dispose: list = []

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def engine(self) -> Engine:
        if self._engine is None or self._pid != os.getpid():
            if self._engine is not None:  # inherited across a fork: leave the parent's alone
                self._engine.dispose(close=False)
            self._engine = self._make_engine()
            self._pid = os.getpid()
            self._sessions = sessionmaker(self._engine, expire_on_commit=False)
        return self._engine

    def _make_engine(self) -> Engine:
        if self.is_sqlite:
            database = self.url.database
            if database and database != ":memory:":
                try:
                    Path(database).parent.mkdir(parents=True, exist_ok=True)
                except OSError:  # connecting says what is wrong, as an OperationalError
                    pass
            engine = create_engine(self.url, pool_size=5, max_overflow=-1,
                                   connect_args={"timeout": 5})
            event.listen(engine, "connect", _sqlite_pragmas)
            # IMMEDIATE: a transaction that will write takes the lock at once, so two
            # workers wait their turn (busy_timeout) instead of failing on upgrade.
            event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
            return engine
        # max_overflow=-1: a greenlet never waits on the pool (its lock is a real
        # thread lock, and waiting there would stop the whole worker's event loop).
        return create_engine(self.url, pool_size=5, max_overflow=-1, pool_pre_ping=True,
                             pool_recycle=1800, connect_args={
                                 "connect_timeout": CONNECT_TIMEOUT,
                                 "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"})

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction: committed if the block ends normally."""
        self.engine  # noqa: B018 - (re)made for this process
        with self._sessions() as session, session.begin():
            yield session

    def upgrade(self, revision: str = "head") -> None:
        from alembic import command
        with self.engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)

    def dispose(self) -> None:
        for finish in self.before_dispose:
            finish()
        if self._engine is not None and self._pid == os.getpid():
            self._engine.dispose()
        self._engine = None


def alembic_config():
    from alembic.config import Config
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def get_db() -> Database:
    return current_app.extensions["portal.db"]


db_cli = AppGroup("db", help="The database of reports: create and migrate it.")


@db_cli.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def upgrade_command(revision: str) -> None:
    """Create the database or bring it to the newest schema."""
    database = get_db()
    try:
        database.upgrade(revision)
    except Exception as exc:  # noqa: BLE001 - named, never a traceback
        raise click.ClickException(f"{database.url.render_as_string(hide_password=True)}: "
                                   f"{type(exc).__name__}: {exc}") from None
    click.echo(f"database at {revision}: {database.url.render_as_string(hide_password=True)}")


def init_app(app: Flask) -> None:
    app.extensions["portal.db"] = Database(app.config["DATABASE_URL"])
    app.cli.add_command(db_cli)
