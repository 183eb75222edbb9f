"""What an operator reads in gunicorn's log when an official saves a broken file:
one line per problem, with the time, however many workers load the change."""
from __future__ import annotations

import re
import time

import pytest

from tests.conftest import write
from tests.gunicorn import Gunicorn, fetch

BROKEN = """---
title: Sandbag collection
summary: Where to collect sandbags.
kind: prevention
hazards: [volcano]
updated: 2026-11-01
review_by: 2027-11-01
---
Collect sandbags at the depot.
"""


@pytest.fixture
def server(tmp_path, content_dir):
    gunicorn = Gunicorn(tmp_path, content_dir, workers=3)
    try:
        gunicorn.wait_ready(workers=3)
        for _ in range(30):  # every worker answers, so each one's content watcher runs
            fetch(gunicorn.port, "/en/")
        yield gunicorn
    finally:
        gunicorn.stop()


def test_a_content_error_is_one_line_with_a_time_stamp(server, content_dir):
    write(content_dir / "en/guides/sandbags.md", BROKEN)
    deadline = time.monotonic() + 20
    lines: list[str] = []
    while time.monotonic() < deadline:
        for _ in range(10):
            fetch(server.port, "/en/")  # each worker sees the change
        lines = [line for line in server.log_path.read_text().splitlines()
                 if "en/guides/sandbags.md" in line]
        if lines:
            time.sleep(3)  # the other workers have loaded it by now
            for _ in range(30):
                fetch(server.port, "/en/")
            lines = [line for line in server.log_path.read_text().splitlines()
                     if "en/guides/sandbags.md" in line]
            break
        time.sleep(0.2)
    assert len(lines) == 1, lines
    assert re.match(r"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}\] \[\d+\] \[ERROR\] ", lines[0])
    assert "en/guides/sandbags.md:5: hazards: unknown hazard 'volcano'" in lines[0]
