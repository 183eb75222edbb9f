"""`portal check` on what alerts promise: an overdue next update, an SMS text too long
for one message, an alert without instructions or areas."""
import datetime as dt

import pytest

from portal import create_app
from portal.cli import check_command
from portal.content.checks import review
from portal.kinds import load

from .conftest import NOW, write

TZ = NOW.tzinfo
ALERT = "en/disclosures/cold-wave-alert.md"


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def promise(content_dir, when="2026-11-19T17:00:00+08:00"):
    edit(content_dir / ALERT, "expires:", f"next_update: {when}\nexpires:")
    lines = (content_dir / ALERT).read_text().splitlines()
    return lines.index(f"next_update: {when}") + 1


def overdue(content_dir, now):
    return [w for w in review(load(content_dir), now, root=content_dir)
            if w.field == "next_update"]


def test_an_overdue_next_update_is_named_with_path_line_and_field(content_dir):
    line = promise(content_dir)
    assert overdue(content_dir, dt.datetime(2026, 11, 19, 16, 59, tzinfo=TZ)) == []
    [warning] = overdue(content_dir, dt.datetime(2026, 11, 19, 17, 1, tzinfo=TZ))
    assert (warning.path, warning.line, warning.field, warning.severity) == (
        ALERT, line, "next_update", "warning")
    assert warning.message.startswith("next update was promised by 2026-11-19 17:00")
    assert "none has been published" in warning.message
    # A date counts as its end: checked on the day after, it is overdue too.
    assert len(overdue(content_dir, dt.date(2026, 11, 20))) == 1


def test_a_newer_disclosure_in_the_chain_keeps_the_promise(content_dir):
    promise(content_dir)
    write(content_dir / "en/disclosures/cold-wave-update.md", """---
title: Cold wave alert continues
summary: Still cold.
type: announcement
issuer: weather
published: 2026-11-19T16:45:00+08:00
hazards: [flood]
supersedes: cold-wave-alert
---
Still cold.
""")
    assert overdue(content_dir, dt.datetime(2026, 11, 20, 12, 0, tzinfo=TZ)) == []


def test_a_promise_after_the_alert_ended_is_not_overdue(content_dir):
    promise(content_dir, "2026-11-26T09:00:00+08:00")
    assert overdue(content_dir, dt.datetime(2026, 11, 27, tzinfo=TZ)) == []


def run_check(content_dir):
    runner = create_app({"TESTING": True}).test_cli_runner()
    return runner.invoke(check_command, ["--content-dir", str(content_dir)])


def _line(path, start):
    return next(n for n, text in enumerate(path.read_text().splitlines(), 1)
                if text.startswith(start))


@pytest.mark.parametrize("problem", ["sms", "instructions", "areas", "next_update"])
def test_portal_check_names_each_alert_problem_with_path_line_and_field(content_dir, problem):
    path = content_dir / ALERT
    if problem == "sms":
        edit(path, "expires:", "sms: " + "Keep warm. " * 20 + "\nexpires:")
        expected_line, error = _line(path, "sms:"), True
    elif problem == "next_update":
        # Long past whenever the test runs: the check uses the real clock.
        expected_line, error = promise(content_dir, "2026-11-01T17:00:00+08:00"), False
    else:
        # A missing field is named where the file starts.
        expected_line, error = 1, True
        lines = [line for line in path.read_text().splitlines()
                 if not line.startswith(f"{problem}:")]
        path.write_text("\n".join(lines) + "\n")
    result = run_check(content_dir)
    assert result.exit_code == (1 if error else 0), result.output
    prefix = "" if error else "warning: "
    found = [line for line in result.output.splitlines()
             if f"{ALERT}:" in line and f": {problem}: " in line]
    assert found, result.output
    where = f"{prefix}{content_dir / ALERT}:{expected_line}: {problem}: "
    assert any(line.startswith(where) for line in found), result.output
