"""A throwaway PostgreSQL server for tests and benchmarks: Debian's postgresql package,
initdb and pg_ctl on a temporary directory, reached on a Unix socket there only.

Run as root, the server runs as the ``postgres`` user (PostgreSQL refuses root).
Without the package the tests that need it are skipped, except on CI, where they fail.
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


def require_postgres() -> Path:
    binaries = pg_bin()
    if binaries is None or not (binaries / "initdb").exists():
        reason = "PostgreSQL is not installed: run `make system-test-deps` as root"
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return binaries


class PostgresServer:
    def __init__(self, binaries: Path, port: int = 5432):
        self.bin, self.port = binaries, port
        self.root = Path(tempfile.mkdtemp(prefix="portal-pg-"))
        self.data, self.socket = self.root / "data", self.root
        self.log = self.root / "server.log"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "--no-sync", "-E", "UTF8", "--locale=C.UTF-8")
        self.running = False

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([*self.as_user, str(self.bin / tool), *args], capture_output=True,
                              text=True, timeout=120, check=check, cwd=self.root)

    def start(self) -> None:
        options = (f"-k {self.socket} -p {self.port} -c listen_addresses='' -c fsync=off "
                   f"-c max_connections=200")
        result = self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log),
                           "-w", "-t", "60", "start", check=False)
        if result.returncode:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise RuntimeError(f"PostgreSQL did not start:\n{result.stderr}\n{log}")
        self.running = True

    def stop(self) -> None:
        if self.running:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)
            self.running = False

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={self.socket}&port={self.port}"

    def create_database(self) -> str:
        """A new empty database; its URL."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        import psycopg
        with psycopg.connect(host=str(self.socket), port=self.port, user="postgres",
                             dbname="postgres", autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def start_server() -> PostgresServer:
    server = PostgresServer(require_postgres())
    server.start()
    return server
