"""The compose form is built from a kind's description alone: a kind the desk has never
seen (here, one like the events kind) gets its fields, choices, department and
multi-line texts, and the file written from the form reads back as typed."""
import datetime as dt

from portal.content.fields import Field, choice, datetime, hazards, issuer, text, text_list
from portal.content.frontmatter import parse
from portal.content.kind import Kind
from portal.content.model import Item
from portal.desk import compose

SKELETON = """---
title: {title}
summary: One or two sentences.
type: drill                # drill | training
start: {start}   # with its UTC offset
organiser: emergency-office   # a key from site.yml issuers
hazards: [flood]
steps:                     # what happens, in order
  - Sirens sound.
# report: |                # after the event: what happened (Markdown)
draft: true
---
What will happen.
"""


def report(value, site):
    return str(value)


KIND = Kind(name="events", singular="event", item=Item, schema={
    "title": Field(text), "summary": Field(text), "type": Field(choice("drill", "training")),
    "start": Field(datetime), "organiser": Field(issuer), "hazards": Field(hazards),
    "steps": Field(text_list, required=False), "report": Field(report, required=False),
    "draft": Field(lambda v, s: v, required=False)},
    skeleton=lambda slug, now, subtype: SKELETON.format(title=slug, start=now.isoformat()))
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def test_a_kind_the_desk_never_saw_gets_a_form_from_its_schema_and_skeleton():
    fields = {f.name: f for f in compose.form_fields(KIND, None, NOW, None, "weather",
                                                     fresh=True)}
    assert list(fields) == ["title", "summary", "type", "start", "organiser", "hazards",
                            "steps", "report"]  # `draft` is the desk's business
    assert fields["type"].input == "select" and fields["type"].options == ("drill", "training")
    assert fields["organiser"].fixed and fields["organiser"].value == "weather"
    assert fields["start"].value == NOW.isoformat() and "UTC offset" in fields["start"].hint
    assert fields["hazards"].input == "lines" and fields["hazards"].value == "flood"
    assert fields["steps"].input == "lines" and fields["steps"].value == ""  # prose: no default
    assert fields["report"].input == "text"
    assert fields["title"].value == "" and fields["summary"].example


def test_the_file_written_from_the_form_reads_back_as_typed():
    fields = compose.form_fields(KIND, None, NOW, None, "weather", fresh=True)
    typed = {"title": "Flood drill: Old Town", "summary": "Sirens at 10:00; no action needed.",
             "type": "drill", "hazards": "flood\ntyphoon", "steps": "Sirens sound.\n# Not a comment",
             "report": "About 300 took part.\n\n- Sirens: heard everywhere\n"}
    for field in fields:
        if field.name in typed:
            field.value = typed[field.name]
    written = compose.file_text(fields, "## Steps\r\n\r\nBring water.")
    meta = parse(written, "x").meta
    assert meta["title"] == "Flood drill: Old Town"
    assert meta["summary"] == "Sirens at 10:00; no action needed."
    assert meta["organiser"] == "weather" and meta["type"] == "drill"
    assert meta["hazards"] == ["flood", "typhoon"]
    assert meta["steps"] == ["Sirens sound.", "# Not a comment"]
    assert meta["report"] == "About 300 took part.\n\n- Sirens: heard everywhere\n"
    assert meta["start"] == NOW.isoformat()
    assert "draft" not in meta
    assert written.endswith("---\n## Steps\n\nBring water.\n")
    # What the form shows for that file is what was typed.
    again = compose.values_of_file(KIND, meta, None)
    assert again["hazards"] == "flood\ntyphoon" and again["title"] == typed["title"]
