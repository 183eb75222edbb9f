"""schema.org data for search engines and fact-check aggregators."""
from __future__ import annotations

from .model import Disclosure

# ClaimReview ratings run from 1 (false) to 5 (true); unproven sits between.
RATING = {"false": 1, "misleading": 2, "unproven": 3, "true": 5}


def claim_review(item: Disclosure, url: str, author: str, verdict_label: str) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "inLanguage": item.lang,
        "headline": item.title,
        "claimReviewed": item.claim,
        "datePublished": item.published.isoformat(),
        "dateModified": item.modified.isoformat(),
        "author": {"@type": "GovernmentOrganization", "name": author},
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATING[item.verdict],
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": verdict_label,
        },
        "itemReviewed": {
            "@type": "Claim",
            "appearance": [{"@type": "CreativeWork", "name": where} for where in item.appeared_in],
        },
    }
