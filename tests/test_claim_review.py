"""ClaimReview on rumour corrections: every field fact-check aggregators read."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import write

BUNDLED = Path(__file__).parent.parent / "content"


def _claim_review(html: str) -> dict:
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block)


@pytest.fixture
def bundled(make_app):
    return make_app(BUNDLED).test_client()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bundled_corrections_carry_every_field(bundled, lang):
    page = bundled.get(f"/{lang}/disclosures/tap-water-safe-after-flood")
    data = _claim_review(page.get_data(as_text=True))
    assert data["author"]["url"] == f"https://example.org/{lang}/"
    assert data["author"]["name"]
    claim = data["itemReviewed"]
    assert claim["@type"] == "Claim"
    assert claim["author"]["name"]
    assert claim["datePublished"] == "2026-11-13"
    assert claim["firstAppearance"]["@type"] == "CreativeWork"
    assert claim["firstAppearance"]["datePublished"] == "2026-11-13"
    rating = data["reviewRating"]
    assert rating["name"] == rating["alternateName"] and rating["name"]
    assert rating["ratingValue"] == 1 and rating["worstRating"] == 1 and rating["bestRating"] == 5
    if lang == "en":
        assert data["claimReviewed"] == "Tap water is contaminated with sewage after the flood"
        assert len(data["claimReviewed"]) < 75
        assert rating["name"] == "False"


def test_every_bundled_english_claim_reviewed_is_short(bundled):
    from portal.kinds import load
    library = load(BUNDLED)
    for item in library.all():
        if getattr(item, "type", None) != "rumour-correction" or item.lang != "en":
            continue
        data = _claim_review(bundled.get(f"/en/disclosures/{item.slug}").get_data(as_text=True))
        assert len(data["claimReviewed"]) < 75, item.slug


CORRECTION = """---
title: Rumour check
summary: A rumour, checked.
type: rumour-correction
issuer: emergency-office
published: 2026-11-12T10:00:00+08:00
claim: "{claim}"
verdict: "false"
{extra}---
Checked.
"""


def test_where_and_when_the_claim_appeared(make_app, content_dir):
    write(content_dir / "en/disclosures/bridge-rumour.md", CORRECTION.format(
        claim="The bridge is closed", extra=(
            "appeared_in: [A video post]\nclaim_url: https://video.example.com/v/123\n"
            "claim_date: 2026-11-10\nclaim_author: An anonymous account\n")))
    client = make_app(content_dir).test_client()
    data = _claim_review(client.get("/en/disclosures/bridge-rumour").get_data(as_text=True))
    claim = data["itemReviewed"]
    assert claim["firstAppearance"] == {"@type": "CreativeWork", "name": "A video post",
                                        "url": "https://video.example.com/v/123",
                                        "datePublished": "2026-11-10"}
    assert claim["author"] == {"@type": "Organization", "name": "An anonymous account"}
    assert claim["datePublished"] == "2026-11-10"
    assert data["claimReviewed"] == "The bridge is closed"


def test_a_claim_without_its_origin_still_names_an_author_and_a_date(make_app, content_dir):
    write(content_dir / "en/disclosures/bridge-rumour.md", CORRECTION.format(
        claim="The bridge is closed", extra=""))
    client = make_app(content_dir).test_client()
    data = _claim_review(client.get("/en/disclosures/bridge-rumour").get_data(as_text=True))
    assert data["itemReviewed"]["author"]["name"] == "People sharing the message"
    assert data["itemReviewed"]["datePublished"] == "2026-11-12"
    assert "firstAppearance" not in data["itemReviewed"]


def test_portal_check_names_a_long_claim_and_a_long_short_claim(make_app, content_dir):
    long_claim = "Everyone in the district must leave their homes tonight because " \
                 "the river will burst its banks at midnight"
    write(content_dir / "en/disclosures/long-rumour.md",
          CORRECTION.format(claim=long_claim, extra=""))
    write(content_dir / "en/disclosures/longer-rumour.md", CORRECTION.format(
        claim="x", extra=f'claim_short: "{long_claim}"\nclaim_url: "javascript:alert(1)"\n'))
    from portal.cli import cli
    app = make_app(content_dir)
    result = app.test_cli_runner().invoke(cli, ["check"])
    output = result.output
    size = len(long_claim)
    assert f"en/disclosures/long-rumour.md:7: claim: is {size} characters" in output
    assert "add claim_short" in output
    assert f"en/disclosures/longer-rumour.md:9: claim_short: is {size} characters" in output
    assert "en/disclosures/longer-rumour.md:10: claim_url: must be a web address" in output
    assert result.exit_code != 0
    # The bad one is not served; the one that only has a warning is.
    client = app.test_client()
    assert client.get("/en/disclosures/long-rumour").status_code == 200
    assert client.get("/en/disclosures/longer-rumour").status_code == 404
