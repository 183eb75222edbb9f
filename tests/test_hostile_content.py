"""A corpus of hostile and careless content, each case a small record, run three ways.

Every case is what an attacker or a hurried official could put in the content
tree: a file, a folder, a link, a FIFO, a change to site.yml. Each names the
problem it must produce (path, line, field, severity) and, where it breaks a
file that was good, the title that must keep serving. The same records go
through the loader, through `portal check`, and into a real gunicorn whose
workers (one of them respawned after the break) must keep serving the last
good version with no request answering 500.
"""
from __future__ import annotations

import html
import http.client
import json
import os
import re
import shutil
import signal
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from portal import create_app
from portal.cli import check_command
from portal.content import ContentError, LastGood
from portal.content.errors import MAX_MESSAGE
from portal.content.loader import MAX_FILE_BYTES
from portal.kinds import load
from tests.conftest import CONTENT
from tests.gunicorn import Gunicorn, fetch

LANGUAGES = ("en", "zh")
SECONDS_PER_LOAD = 1.5  # on top of loading the bundled tree; the goal is 1 s per file


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    field: str
    severity: str = "error"
    says: str = ""  # words the message must contain


@dataclass(frozen=True)
class Case:
    """One hostile change to a copy of tests/content.

    ``before``: files written before the good load (the state the case breaks);
    ``files``: files written or replaced by the case (text or bytes; "site.yml" too);
    ``remove``: files removed; ``make``: (what, rel, target) for a "fifo", a "dir",
    or a "link" to ``target`` relative to the folder beside the content tree;
    ``outside``: files written in that folder beside the tree;
    ``expect``: the problems it must produce; ``may``: problems it may produce
    (a render deadline met or not, depending on the machine); ``keeps``: rel -> title that must
    still serve when loaded with the good library as previous; ``absent``: rels
    that must never be published; ``check``: anything else about the library."""
    name: str
    files: Mapping[str, str | bytes] = field(default_factory=dict)
    remove: tuple[str, ...] = ()
    make: tuple[tuple[str, str, str], ...] = ()
    before: Mapping[str, str] = field(default_factory=dict)
    outside: Mapping[str, str] = field(default_factory=dict)
    expect: tuple[Problem, ...] = ()
    may: tuple[Problem, ...] = ()
    keeps: Mapping[str, str] = field(default_factory=dict)
    absent: tuple[str, ...] = ()
    check: Callable | None = None

    def touches(self) -> set[str]:
        return {*self.files, *self.remove, *(rel for _, rel, _ in self.make), *self.before}


def guide(body: str = "Body.", extra: str = "", **fields) -> str:
    """A valid guide, fields one per line from line 2 (title) to line 7 (review_by);
    a field given as None is left out, ``extra`` lines follow review_by."""
    values = {"title": "A test guide", "summary": "A summary.", "kind": "self-help",
              "hazards": "[flood]", "updated": "2026-10-01", "review_by": "2027-10-01", **fields}
    head = "".join(f"{k}: {v}\n" for k, v in values.items() if v is not None)
    return f"---\n{head}{extra}---\n{body}\n"


def disclosure(body: str = "Body.", extra: str = "", **fields) -> str:
    """A valid announcement: title line 2 ... hazards line 7, then ``extra``."""
    values = {"title": "A test announcement", "summary": "A summary.", "type": "announcement",
              "issuer": "emergency-office", "published": "2026-11-15T09:00:00+08:00",
              "hazards": "[flood]", **fields}
    head = "".join(f"{k}: {v}\n" for k, v in values.items() if v is not None)
    return f"---\n{head}{extra}---\n{body}\n"


def alert(body: str = "Act now.", extra: str = "", **fields) -> str:
    """A valid alert in force at the tests' now; supersedes (if given) is line 13."""
    values = {"title": "A test alert", "summary": "A summary.", "type": "alert",
              "issuer": "weather", "published": "2026-11-19T09:00:00+08:00",
              "hazards": "[flood]", "severity": "severe", "urgency": "immediate",
              "certainty": "observed", "area": "Riverside", "expires": "2026-12-31T20:00:00+08:00",
              **fields}
    head = "".join(f"{k}: {v}\n" for k, v in values.items() if v is not None)
    return f"---\n{head}{extra}areas: [riverside]\ninstructions: [Move to higher ground.]\n---\n{body}\n"


FLOOD = "en/guides/flood-safety.md"
FLOOD_TITLE = "Staying safe in a flood"
RESCUE, RESCUE_TITLE = "en/guides/flood-rescue.md", "Helping someone out of floodwater"
FIRE, FIRE_TITLE = "en/guides/fire-escape-plan.md", "Plan your home fire escape"
SHELTERS, SHELTERS_TITLE = "en/disclosures/shelters-open.md", "Emergency shelters are open"
RUMOUR, RUMOUR_TITLE = "en/disclosures/tap-water-rumour.md", "Tap water is safe to drink"
ZH_FLOOD = "zh/guides/flood-safety.md"
ZH_FLOOD_TITLE = (CONTENT / ZH_FLOOD).read_text().split("\n")[1].split(": ", 1)[1]
ABOUT = "en/pages/about.md"
ABOUT_TITLE = (CONTENT / ABOUT).read_text().split("\n")[1].split(": ", 1)[1].strip('"')

# The "billion laughs": 522 bytes that would expand to 9**9 strings.
BOMB = "".join(
    ["a: &a [" + ",".join(['"lol"'] * 9) + "]\n"]
    + [f"{k}: &{k} [{','.join(['*' + p] * 9)}]\n" for p, k in zip("abcdefgh", "bcdefghi")])
SITE = (CONTENT / "site.yml").read_text()
WITHOUT_EARTHQUAKE = SITE.replace("      earthquake: {en: Earthquake, zh: 地震}\n", "")
WITHOUT_WEATHER = re.sub(r"  weather:\n(    .*\n)+", "", SITE)
assert WITHOUT_EARTHQUAKE != SITE and WITHOUT_WEATHER != SITE


def nested_list(depth: int) -> str:
    return "\n".join("  " * level + "- item" for level in range(depth))


def has_no_control_characters(library):
    item = library.entry("en", "guides", "control-reference")
    assert item is not None and "\x01" not in item.html and "&#1;" not in item.html


def title_is_clean(library):
    item = library.entry("en", "guides", "bidi-title")
    assert item is not None and item.title == "Flood exit route"


def both_alerts_stay(library):
    assert library.entry("en", "disclosures", "loop-a") is not None
    assert library.entry("en", "disclosures", "loop-b") is not None
    for slug in ("loop-a", "loop-b"):  # the broken link is dropped, not followed
        assert library.entry("en", "disclosures", slug).supersedes is None


def old_owner_keeps_slug(library):
    item = library.entry("en", "guides", "evacuate")
    assert item is not None and item.path == "en/guides/routes/evacuate.md"


def published_anyway(slug: str, section: str = "guides"):
    def check(library):
        assert library.entry("en", section, slug) is not None, f"{slug} was not published"
    return check


CASES = [
    # --- the cases -------------------------------------------------------------
    Case("stray-language-folder", make=(("copy", "old/guides", "en/guides"),),
         expect=(Problem("old/", 1, "", "warning", "not a language"),),
         absent=("old/guides/flood-safety.md",)),
    Case("star-body", files={"en/guides/stars.md": guide("*" * 5000 + "a" + "*" * 5000)},
         check=published_anyway("stars")),
    Case("nested-list-300", files={"en/guides/deep-list.md": guide(nested_list(300))},
         may=(Problem("en/guides/deep-list.md", 9, "body", says="within"),)),
    Case("hazards-nested-990",
         files={FIRE: guide(hazards="[" * 990 + "flood" + "]" * 990, title="Deep hazards")},
         expect=(Problem(FIRE, 5, "hazards", says="nested"),), keeps={FIRE: FIRE_TITLE}),
    Case("image-brackets", files={FLOOD: guide("![" * 20000, title="Brackets")},
         expect=(Problem(FLOOD, 9, "body"),), keeps={FLOOD: FLOOD_TITLE}),
    Case("fifo", make=(("fifo", "en/guides/x.md", ""),),
         expect=(Problem("en/guides/x.md", 1, "", says="not a regular file"),)),
    Case("alias-bomb", files={SHELTERS: disclosure(extra=BOMB, title="Bomb")},
         expect=(Problem(SHELTERS, 8, "a", says="anchors and aliases"),),
         keeps={SHELTERS: SHELTERS_TITLE}),
    Case("site-drops-a-hazard-in-use", files={"site.yml": WITHOUT_EARTHQUAKE},
         expect=(Problem("en/guides/earthquake-drop-cover.md", 5, "hazards", says="earthquake"),
                 Problem("zh/guides/earthquake-drop-cover.md", 5, "hazards"),
                 Problem("en/disclosures/scheduled-drill.md", 7, "hazards")),
         keeps={"en/guides/earthquake-drop-cover.md": "Drop, cover, hold on"}),
    Case("updated-year-9999",
         files={RUMOUR: (CONTENT / RUMOUR).read_text().replace(
             "updated: 2026-11-13T09:00:00+08:00", "updated: 9999-12-31T23:59:59-12:00")},
         expect=(Problem(RUMOUR, 7, "updated", says="out of range"),),
         keeps={RUMOUR: RUMOUR_TITLE}),
    Case("published-year-1",
         files={"en/disclosures/year-one.md": disclosure(published="0001-01-01T00:00:00+14:00")},
         expect=(Problem("en/disclosures/year-one.md", 6, "published", says="out of range"),),
         absent=("en/disclosures/year-one.md",)),
    Case("control-character-reference",
         files={"en/guides/control-reference.md": guide("a &#1; b")},
         check=has_no_control_characters),
    Case("supersedes-cycle",
         files={"en/disclosures/loop-a.md": alert(extra="supersedes: loop-b\n", title="Loop A"),
                "en/disclosures/loop-b.md": alert(extra="supersedes: loop-a\n", title="Loop B")},
         expect=(Problem("en/disclosures/loop-a.md", 13, "supersedes", says="circle"),
                 Problem("en/disclosures/loop-b.md", 13, "supersedes", says="circle")),
         check=both_alerts_stay),
    Case("symlink-to-a-file-outside", outside={"secret.md": guide(title="SECRET-TOKEN-42")},
         make=(("link", "en/guides/secret.md", "secret.md"),),
         expect=(Problem("en/guides/secret.md", 1, "", says="outside the content directory"),),
         absent=("en/guides/secret.md",)),
    Case("new-file-takes-a-subfolder-slug",
         before={"en/guides/routes/evacuate.md": guide(title="Evacuation routes")},
         files={"en/guides/evacuate.md": guide(title="Impostor")},
         expect=(Problem("en/guides/evacuate.md", 1, "slug", says="duplicate slug"),),
         keeps={"en/guides/routes/evacuate.md": "Evacuation routes"},
         check=old_owner_keeps_slug),
    Case("bidi-override-and-bom-in-title",
         files={"en/guides/bidi-title.md": guide(title="Flood \u202eexit\u202c \ufeffroute")},
         check=title_is_clean),
    Case("file-over-the-size-limit",
         files={"en/guides/huge.md": guide("word " * (MAX_FILE_BYTES // 5 + 10))},
         expect=(Problem("en/guides/huge.md", 1, "", says=f"{MAX_FILE_BYTES // 1024} KB"),)),
    # --- our own ----------------------------------------------------------------------
    Case("not-utf8", files={FLOOD: guide(title="Caf\xe9").encode("latin-1")},
         expect=(Problem(FLOOD, 2, "", says="not valid UTF-8"),), keeps={FLOOD: FLOOD_TITLE}),
    Case("empty-file", files={RESCUE: ""},
         expect=(Problem(RESCUE, 1, "", says="must start with"),), keeps={RESCUE: RESCUE_TITLE}),
    Case("no-closing-fence", files={FIRE: guide().replace("---\nBody.", "Body.")},
         expect=(Problem(FIRE, 1, "", says="no closing"),), keeps={FIRE: FIRE_TITLE}),
    Case("front-matter-is-a-list", files={"en/guides/listed.md": "---\n- title\n- summary\n---\nx\n"},
         expect=(Problem("en/guides/listed.md", 2, "", says="front matter must be"),)),
    Case("tab-indented", files={"en/guides/tabbed.md": guide(extra="changes:\n\t- x\n")},
         expect=(Problem("en/guides/tabbed.md", 9, "", says="tabs"),)),
    Case("typo-in-optional-field", files={"en/guides/typo.md": guide(extra="darft: true\n")},
         expect=(Problem("en/guides/typo.md", 8, "darft", "warning", "did you mean 'draft'"),),
         check=published_anyway("typo")),
    Case("three-bad-fields",
         files={"en/guides/three.md": guide(kind="bogus", hazards="[nope]", updated="soon")},
         expect=(Problem("en/guides/three.md", 4, "kind"),
                 Problem("en/guides/three.md", 5, "hazards", says="nope"),
                 Problem("en/guides/three.md", 6, "updated", says="not a date"))),
    Case("huge-integer", files={"en/guides/big-number.md": guide(updated="9" * 5000)},
         expect=(Problem("en/guides/big-number.md", 6, "updated", says="digits"),)),
    Case("python-object-tag",
         files={"en/guides/tagged.md": guide(title='!!python/object/apply:os.system ["true"]')},
         expect=(Problem("en/guides/tagged.md", 2, "title", says="tags"),)),
    Case("file-name-not-a-slug", files={"en/guides/Flood_Safety.md": guide()},
         expect=(Problem("en/guides/Flood_Safety.md", 1, "slug", says="not a valid slug"),)),
    Case("symlinked-folder-outside",
         outside={"stolen/leak.md": guide(title="SECRET-TOKEN-43")},
         make=(("link", "en/guides/linked", "stolen"),),
         expect=(Problem("en/guides/linked/", 1, "", says="outside the content directory"),),
         absent=("en/guides/linked/leak.md",)),
    Case("symlinked-kind-folder-outside",
         outside={"pages/leak.md": guide(title="SECRET-TOKEN-44")},
         make=(("link", "zh/pages-old", "pages"),),
         expect=(Problem("zh/pages-old/", 1, "", "warning", "not a kind"),),
         absent=("zh/pages-old/leak.md",)),
    Case("directory-named-like-a-file", make=(("dir", "en/guides/folder.md", ""),),
         expect=(Problem("en/guides/folder.md/", 1, "", "warning", "folder"),)),
    Case("hidden-editor-file", files={"en/guides/.flood-safety.md.swp.md": "\x00garbage",
                                      "en/guides/.draft.md": "not front matter"}),
    Case("file-outside-any-kind", files={"en/flood.md": guide()},
         expect=(Problem("en/flood.md", 1, "", "warning", "not in a kind"),),
         absent=("en/flood.md",)),
    Case("unknown-kind-folder", files={"en/blog/post.md": guide()},
         expect=(Problem("en/blog/", 1, "", "warning", "not a kind"),)),
    Case("field-twice", files={ZH_FLOOD: guide(extra="title: Again\n")},
         expect=(Problem(ZH_FLOOD, 8, "title", says="twice"),), keeps={ZH_FLOOD: ZH_FLOOD_TITLE}),
    Case("required-field-missing", files={"en/guides/no-summary.md": guide(summary=None)},
         expect=(Problem("en/guides/no-summary.md", 1, "summary", says="required"),)),
    Case("unclosed-bracket", files={"en/guides/bracket.md": guide(hazards="[flood")},
         expect=(Problem("en/guides/bracket.md", 5, "", says="invalid YAML"),)),
    Case("impossible-date", files={"en/guides/feb-30.md": guide(review_by="2026-02-30")},
         expect=(Problem("en/guides/feb-30.md", 7, "review_by", says="not a date"),)),
    Case("date-before-1900", files={"en/guides/old-date.md": guide(updated="1800-01-01")},
         expect=(Problem("en/guides/old-date.md", 6, "updated", says="out of range"),)),
    Case("date-time-without-offset",
         files={"en/disclosures/naive.md": disclosure(published="2026-11-15T09:00:00")},
         expect=(Problem("en/disclosures/naive.md", 6, "published", says="offset"),)),
    Case("unknown-verdict",
         files={RUMOUR: (CONTENT / RUMOUR).read_text().replace("verdict: false", "verdict: maybe")},
         expect=(Problem(RUMOUR, 10, "verdict", says="maybe"),), keeps={RUMOUR: RUMOUR_TITLE}),
    Case("unknown-issuer", files={"en/disclosures/who.md": disclosure(issuer="nobody")},
         expect=(Problem("en/disclosures/who.md", 5, "issuer", says="nobody"),)),
    Case("site-drops-an-issuer-in-use", files={"site.yml": WITHOUT_WEATHER},
         expect=(Problem("en/disclosures/cold-wave-alert.md", 5, "issuer"),
                 Problem("en/disclosures/rain-warning-lifted.md", 5, "issuer"),
                 Problem("en/disclosures/rain-warning-orange.md", 5, "issuer"),
                 Problem("en/disclosures/rain-warning-yellow.md", 5, "issuer"),
                 Problem("zh/disclosures/cold-wave-alert.md", 5, "issuer")),
         keeps={"en/disclosures/cold-wave-alert.md": "Cold wave alert"}),
    Case("site-yml-broken", files={"site.yml": SITE.replace("issuers:", "issuers: [")},
         expect=(Problem("site.yml", 21, "", says="invalid YAML"),),
         keeps={FLOOD: FLOOD_TITLE}),
    Case("supersedes-nothing",
         files={"en/disclosures/orphan.md": disclosure(extra="supersedes: no-such-thing\n")},
         expect=(Problem("en/disclosures/orphan.md", 8, "supersedes", says="no disclosure"),),
         check=published_anyway("orphan", "disclosures")),
    Case("supersedes-itself",
         files={"en/disclosures/selfish.md": alert(extra="supersedes: selfish\n")},
         expect=(Problem("en/disclosures/selfish.md", 13, "supersedes", says="itself"),)),
    Case("not-a-number", files={"en/guides/nan.md": guide(title=".nan")},
         expect=(Problem("en/guides/nan.md", 2, "title", says=".nan"),)),
    Case("field-name-is-not-a-word", files={"en/guides/key.md": guide(extra="[a, b]: c\n")},
         expect=(Problem("en/guides/key.md", 8, "", says="field names"),)),
    Case("deep-map-in-a-field",
         files={"en/guides/deep-map.md": guide(summary="{a: " * 30 + "x" + "}" * 30)},
         expect=(Problem("en/guides/deep-map.md", 3, "summary", says="nested"),)),
    Case("invisible-title", files={"en/guides/invisible.md": guide(title='"\u202e\ufeff\u200b"')},
         expect=(Problem("en/guides/invisible.md", 2, "title", says="empty"),)),
    Case("nul-and-bom-and-crlf",
         files={"en/guides/windows.md": ("\ufeff" + guide("a\x00b")).replace("\n", "\r\n")},
         check=published_anyway("windows")),
    Case("dangling-link-outside", make=(("link", "en/guides/gone.md", "nowhere/gone.md"),),
         expect=(Problem("en/guides/gone.md", 1, "", says="outside the content directory"),)),
    Case("unclosed-html-comment", files={"en/guides/comment.md": guide("<!--" + " x" * 20000)},
         check=published_anyway("comment")),
    Case("backtick-flood", files={"en/guides/ticks.md": guide("`" * 20000 + "a" + "_" * 20000)}),
    Case("link-brackets", files={"en/guides/links.md": guide("[" * 20000 + "](" * 5000)},
         expect=(Problem("en/guides/links.md", 9, "body", says="within 1 s"),)),
    Case("translation-broken-original-serves",
         files={"zh/guides/earthquake-drop-cover.md": "---\ntitle: [\n---\n"},
         expect=(Problem("zh/guides/earthquake-drop-cover.md", 2, "", says="invalid YAML"),),
         keeps={"zh/guides/earthquake-drop-cover.md": "趴下、掩护、抓牢",
                "en/guides/earthquake-drop-cover.md": "Drop, cover, hold on"}),
    Case("page-removed-and-its-translation-not-utf8", remove=(ABOUT,),
         files={"zh/pages/about.md": b"\xff\xfe---"},
         expect=(Problem("zh/pages/about.md", 1, "", says="not valid UTF-8"),),
         absent=(ABOUT,)),
]
BY_NAME = {case.name: case for case in CASES}
assert len(BY_NAME) == len(CASES) >= 40


def apply(case: Case, root: Path, stage: str) -> None:
    """Write ``case`` into the tree at ``root``: its ``before`` state, or its break."""
    beside = root.parent / "outside" / case.name
    if stage == "before":
        for rel, text in case.before.items():
            _write(root / rel, text)
        return
    for name, text in case.outside.items():
        _write(beside / name, text)
    for rel in case.remove:
        (root / rel).unlink()
    for rel, data in case.files.items():
        _write(root / rel, data)
    for what, rel, target in case.make:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if what == "fifo":
            os.mkfifo(path)
        elif what == "dir":
            path.mkdir()
        elif what == "copy":
            shutil.copytree(root / target, path)
        else:
            path.symlink_to(beside / target)


def _write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Replaced in one step, as an editor saves: a watcher never sees half a file.
    tmp = path.with_name(".tmp-" + path.name)
    tmp.write_bytes(data if isinstance(data, bytes) else data.encode())
    os.replace(tmp, path)


def found(problems, expected: Problem):
    return [p for p in problems if (p.path, p.line, p.field, p.severity)
            == (expected.path, expected.line, expected.field, expected.severity)
            and expected.says in p.message]


class Unusable:
    """What a first load without a usable site.yml gives: nothing to serve, one problem."""

    def __init__(self, problem: ContentError):
        assert problem.path == "site.yml", problem  # no other file may stop a load
        self.problems = self.errors = (problem,)
        self.sources = {}

    def all(self):
        return ()


def timed_load(root: Path, previous=None):
    # The loading thread's CPU time: the render deadline counts work, not waiting for a
    # core on a busy machine.
    started = time.thread_time()
    try:
        library = load(root, previous=previous, languages=LANGUAGES)
    except ContentError as exc:
        if previous is not None:
            raise
        library = Unusable(exc)
    return library, time.thread_time() - started


@pytest.fixture(scope="module")
def baseline_seconds():
    load(CONTENT, languages=LANGUAGES)  # warm imports and caches
    return min(timed_load(CONTENT)[1] for _ in range(3))


# --- 1. the loader ------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_loader_names_the_problem_and_keeps_the_last_good_version(case, tmp_path,
                                                                  baseline_seconds):
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    apply(case, root, "before")
    good, _ = timed_load(root)
    assert not good.errors, [str(p) for p in good.errors]
    apply(case, root, "after")

    fresh, seconds = timed_load(root)
    assert seconds < baseline_seconds + SECONDS_PER_LOAD, f"took {seconds:.2f} s"
    library, seconds = timed_load(root, previous=good)
    assert seconds < baseline_seconds + SECONDS_PER_LOAD, f"took {seconds:.2f} s"

    for loaded in (fresh, library):
        shown = [str(p) for p in loaded.problems]
        for expected in case.expect:
            assert found(loaded.problems, expected), f"{expected} not in {shown}"
        unexpected = [p for p in loaded.errors if not any(
            found([p], allowed) for allowed in case.expect + case.may)]
        assert not unexpected, shown
        for problem in loaded.problems:
            assert len(problem.message) <= MAX_MESSAGE
            assert "SECRET-TOKEN" not in problem.message
        for rel in case.absent:
            assert rel not in loaded.sources
        assert not any("SECRET-TOKEN" in item.title for item in loaded.all())
        if case.check and not isinstance(loaded, Unusable):
            case.check(loaded)
    for rel, title in case.keeps.items():
        assert rel in library.sources, f"{rel} is no longer served"
        assert library.sources[rel].item.title == title


# --- 2. portal check ----------------------------------------------------------------


@pytest.fixture(scope="module")
def runner():
    return create_app({"TESTING": True}).test_cli_runner()


def expected_line(root: Path, problem: Problem) -> str:
    where = f"{root}/{problem.path}:{problem.line}"
    return f"{where}: {problem.field}: " if problem.field else f"{where}: "


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_check_prints_path_line_field_and_never_a_traceback(case, tmp_path, runner):
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    apply(case, root, "before")
    apply(case, root, "after")
    result = runner.invoke(check_command, ["--content-dir", str(root)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.output.splitlines()
    for problem in case.expect:
        start = ("" if problem.severity == "error" else "warning: ") + expected_line(root, problem)
        assert any(line.startswith(start) and problem.says in line for line in lines), \
            f"{start}...{problem.says} not in:\n{result.output}"
    errors = any(p.severity == "error" for p in case.expect)
    assert result.exit_code == 1 if errors else result.exit_code in ((0, 1) if case.may else (0,)), \
        result.output
    assert "SECRET-TOKEN" not in result.output


# --- 3. a real gunicorn -------------------------------------------------------------

V2_TITLE = "Staying safe in a flood, revised"
HAZARDS = re.findall(r"^      ([a-z-]+): \{en:", SITE, re.MULTILINE)
DEADLINE = 15.0  # seconds for every worker to catch up with one change


def batches(cases: list[Case]) -> list[list[Case]]:
    """Cases grouped so that no two in a group touch the same path (site.yml included)."""
    groups: list[tuple[set[str], list[Case]]] = []
    for case in cases:
        paths = case.touches()
        for taken, group in groups:
            if not taken & paths:
                taken |= paths
                group.append(case)
                break
        else:
            groups.append((set(paths), [case]))
    return [group for _, group in groups]


def health(port: int) -> tuple[dict, bytes]:
    status, body = fetch(port, "/healthz")
    assert status == 200, body
    return json.loads(body), body


def on_one_worker(port: int, path: str):
    """(/healthz state, status, body) of ``path`` asked on the connection that asked
    /healthz, so answered by the worker whose pid the state names; None if the
    server closed that connection in between."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        state = json.loads(response.read())
        if response.will_close:
            return None
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return state, response.status, response.read()
        except (http.client.RemoteDisconnected, ConnectionResetError):
            return None  # a replaced worker closed it meanwhile (a browser asks again)
    finally:
        connection.close()


def by_worker(port: int, pids: set[int], path: str, probe: Callable, tries: int = 40) -> dict:
    """pid -> [probe(state, status, body), ...] until every worker in ``pids`` answered."""
    seen: dict[int, list] = {}
    for _ in range(tries):
        got = on_one_worker(port, path)
        if got is not None:
            seen.setdefault(got[0]["pid"], []).append(probe(*got))
        if set(seen) >= pids and all(len(v) >= 2 for v in seen.values()):
            break
    return seen


LAST_SEEN: dict = {}  # what the workers said last, for the message when a wait fails


def workers_agree(port: int, pids: set[int], probe: Callable, path: str = "/robots.txt") -> bool:
    seen = by_worker(port, pids, path, lambda state, *rest: (probe(state, *rest), state))
    LAST_SEEN.clear()
    LAST_SEEN.update({pid: answers[-1][1] for pid, answers in seen.items()})
    return set(seen) >= pids and all(ok for answers in seen.values() for ok, _ in answers)


def wait_for(what: str, condition: Callable[[], bool], timeout: float = DEADLINE) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"gave up after {timeout:.0f} s waiting for {what}; "
                         f"workers said {LAST_SEEN}")


def steady_workers(server, quiet: float = 3.0, timeout: float = 30.0) -> set[int]:
    """The workers serving once none has been replaced for ``quiet`` seconds."""
    deadline = time.monotonic() + timeout
    seen, since = set(server.workers()), time.monotonic()
    while time.monotonic() < deadline:
        now = set(server.workers())
        if now != seen:
            seen, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return seen
        time.sleep(0.1)
    raise AssertionError(f"workers still being replaced after {timeout:.0f} s")


def every_url(port: int) -> list[str]:
    status, body = fetch(port, "/sitemap.xml")
    assert status == 200
    urls = [re.sub(r"^https?://[^/]+", "", u) for u in re.findall(r"<loc>([^<]+)</loc>", body.decode())]
    urls += [url + ".cap" for url in urls if "/disclosures/" in url]  # 404 unless an alert
    for lang in LANGUAGES:
        urls += [f"/{lang}/guides/", f"/{lang}/disclosures/", f"/{lang}/hotlines",
                 f"/{lang}/feeds/cap.atom", f"/{lang}/search?q=flood", f"/{lang}/search?q=*"]
        urls += [f"/{lang}/feeds/{feed}.{ext}" for ext in ("atom", "rss", "json")
                 for feed in ("disclosures", "announcement", "rumour-correction", "alert")]
        for hazard in HAZARDS:  # those site.yml had at the start, some removed since
            urls += [f"/{lang}/hazards/{hazard}", f"/{lang}/guides/?hazard={hazard}",
                     f"/{lang}/feeds/hazards/{hazard}.atom"]
    return [*dict.fromkeys([*urls, "/", "/healthz", "/robots.txt", "/opensearch.xml"])]


def assert_nothing_answers_500(port: int) -> int:
    urls = every_url(port)
    assert len(urls) > 20
    must = {f"/{lang}/{path}" for lang in LANGUAGES for path in (
        "feeds/disclosures.atom", "feeds/cap.atom", "search?q=flood", "guides/", "")}
    failed = {}
    for url in urls:
        status, body = fetch(port, url)
        if status >= 500 or (url in must and status != 200):
            failed[url] = (status, body[:200])
        assert b"SECRET-TOKEN" not in body, url
    assert not failed, failed
    return len(urls)


def serves(port: int, path: str, title: str) -> bool:
    status, body = fetch(port, path)
    return status == 200 and html.escape(title, quote=False).encode() in body


def url_of(rel: str) -> str:
    lang, section, *rest = rel.split("/")
    return f"/{lang}/{section}/{rest[-1][:-3]}"


def shows(title: str) -> Callable:
    needle = html.escape(title, quote=False).encode()
    return lambda state, status, body: status == 200 and needle in body


def test_gunicorn_keeps_serving_the_last_good_version_through_every_case(tmp_path):
    started = time.monotonic()
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    for case in CASES:
        apply(case, root, "before")
    server = Gunicorn(tmp_path, root, workers=2)
    try:
        server.wait_ready(workers=2)
        pids = set(server.workers())
        page = url_of(FLOOD)

        # Publish v2 of a guide and wait until both workers serve it.
        _write(root / FLOOD, (root / FLOOD).read_text().replace(FLOOD_TITLE, V2_TITLE))
        wait_for("v2 on every worker", lambda: workers_agree(
            server.port, set(server.workers()), shows(V2_TITLE), page))

        shadow_last_good = LastGood(tmp_path / "shadow-last-good")
        shadow = load(root, languages=LANGUAGES, last_good=shadow_last_good)
        kept: dict[str, str] = {}
        applied: list[Case] = []
        for group in batches(CASES):
            for case in group:
                apply(case, root, "after")
                applied.append(case)
                for rel, title in case.keeps.items():
                    kept[rel] = V2_TITLE if rel == FLOOD else title
            # What every worker must report once it has loaded the batch: the counts
            # of the same loads here, give or take the problems that depend on the machine.
            expected = shadow = load(root, languages=LANGUAGES, previous=shadow,
                                     last_good=shadow_last_good)
            may = [p for case in applied for p in case.may]
            certain = len(expected.errors) - sum(bool(found(expected.errors, p)) for p in may)
            warnings = len(expected.problems) - len(expected.errors)
            wait_for(f"every worker to report {certain}(+{len(may)}) errors and {warnings} "
                     "warnings", lambda: workers_agree(
                         server.port, set(server.workers()), lambda state, *_:
                         certain <= state["errors"] <= certain + len(may)
                         and state["warnings"] == warnings))
            assert_nothing_answers_500(server.port)

        # The public health answer: degraded, counts only, nothing from a file.
        for _ in range(6):
            state, body = health(server.port)
            assert state["status"] == "degraded" and state["errors"] > 0
            assert set(state) == {"status", "generation", "items", "errors", "warnings", "pid"}
            assert b"/" not in body and b"SECRET" not in body and b"earthquake" not in body
        for rel, title in kept.items():
            assert serves(server.port, url_of(rel), title), (rel, title)
        # Every worker serves v2. Which worker takes a new connection is the kernel's
        # choice (a worker busy for a moment takes none), so ask until both have answered.
        # Each change has the master fork new workers, and files written in the last
        # seconds are looked at again once settled (which may publish once more): the
        # workers serving once it has stopped replacing them.
        pids = steady_workers(server)
        seen = {}

        def both_answered() -> bool:
            for pid, answers in by_worker(server.port, pids, page, shows(V2_TITLE)).items():
                seen.setdefault(pid, []).extend(answers)
            return set(seen) >= pids

        wait_for("both workers to answer", both_answered, timeout=25)
        assert set(seen) == pids and all(all(v) for v in seen.values()), seen

        # Kill one worker: the one gunicorn starts in its place serves v2 too, not v1.
        os.kill(min(pids), signal.SIGKILL)
        wait_for("a respawned worker", lambda: len(set(server.workers()) - pids) == 1
                 and len(server.workers()) == 2, timeout=20)
        now = set(server.workers())
        [newcomer] = now - pids
        seen: dict[int, list] = {}

        def newcomer_answered() -> bool:
            for pid, answers in by_worker(server.port, now, page, shows(V2_TITLE)).items():
                seen.setdefault(pid, []).extend(answers)
            return len(seen.get(newcomer, ())) >= 3

        # It serves what the master loaded last (the last good versions), not what
        # the master started with.
        wait_for(f"the new worker {newcomer} to answer", newcomer_answered, timeout=25)
        assert set(seen) == now and all(all(v) for v in seen.values()), seen
        assert_nothing_answers_500(server.port)
    finally:
        server.stop()
    elapsed = time.monotonic() - started
    print(f"gunicorn corpus test took {elapsed:.1f} s")
    assert elapsed < 60, f"took {elapsed:.1f} s"
