"""schema.org data for search engines and fact-check aggregators."""
from __future__ import annotations

from .model import Disclosure

# ClaimReview ratings run from 1 (false) to 5 (true); unproven sits between.
RATING = {"false": 1, "misleading": 2, "unproven": 3, "true": 5}


def claim_review(item: Disclosure, url: str, author: str, verdict_label: str,
                 author_url: str, unknown_author: str) -> dict:
    """``author``: the issuing department, whose site is ``author_url``;
    ``unknown_author``: who made the claim when the correction does not say."""
    appearances = [{"@type": "CreativeWork", "name": where} for where in item.appeared_in]
    first = {"@type": "CreativeWork"}
    if item.claim_url:
        first["url"] = item.claim_url
    if item.appeared_in:
        first["name"] = item.appeared_in[0]
    if item.claim_date:
        first["datePublished"] = item.claim_date.isoformat()
    claim = {
        "@type": "Claim",
        "author": {"@type": "Organization", "name": item.claim_author or unknown_author},
        "datePublished": (item.claim_date or item.published.date()).isoformat(),
        "appearance": appearances,
    }
    if len(first) > 1:
        claim["firstAppearance"] = first
        if item.claim_url and not item.appeared_in:
            claim["appearance"] = [first]
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "inLanguage": item.lang,
        "headline": item.title,
        "claimReviewed": item.claim_short or item.claim,
        "datePublished": item.published.isoformat(),
        "dateModified": item.modified.isoformat(),
        "author": {"@type": "GovernmentOrganization", "name": author, "url": author_url},
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATING[item.verdict],
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": verdict_label,
            "name": verdict_label,
        },
        "itemReviewed": claim,
    }
