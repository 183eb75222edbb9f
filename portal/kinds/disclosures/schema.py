"""The fields a disclosure carries, per type, and what the site needs to know of them."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from ...content.fields import (COMMON, Field, areas, boolean, changes, choice, circles, date,
                               datetime, geocodes, hazards, issuer, polygons, slug, text,
                               text_list, url)
from ...content.kind import Facet, Kind, SearchFields
from ...content.model import Item
from .model import (ACTIONS, CERTAINTIES, LEVELS, RESPONSE_TYPES, SEVERITIES, TYPES, URGENCIES,
                    VERDICTS, Disclosure)
from .queries import alerts, status
from .sms import sms_problem


def choices(*allowed: str):
    """One word of ``allowed``, or a list of them."""
    one = choice(*allowed)

    def convert(value, site) -> tuple[str, ...]:
        values = value if isinstance(value, list) else [value]
        return tuple(dict.fromkeys(one(v, site) for v in values))
    return convert


SCHEMA = {
    **COMMON,
    "type": Field(choice(*TYPES)),
    "issuer": Field(issuer),
    "published": Field(datetime),
    "updated": Field(datetime, required=False),
    "hazards": Field(hazards, required=False),
    "supersedes": Field(slug, required=False),
    "changes": Field(changes, required=False),
    "banner": Field(boolean, required=False),
    "next_update": Field(datetime, required=False),
}
# Fields that only some types carry.
BY_TYPE = {
    "rumour-correction": {
        "claim": Field(text),
        "verdict": Field(choice(*VERDICTS)),
        "appeared_in": Field(text_list, required=False),
        "claim_short": Field(text, required=False),
        "claim_url": Field(url, required=False),
        "claim_date": Field(date, required=False),
        "claim_author": Field(text, required=False),
    },
    "alert": {
        "severity": Field(choice(*SEVERITIES)),
        "urgency": Field(choice(*URGENCIES)),
        "certainty": Field(choice(*CERTAINTIES)),
        "area": Field(text, required=False),
        "areas": Field(areas),
        "expires": Field(datetime),
        "instructions": Field(text_list, required=False),
        "instruction": Field(text, required=False),  # the older single line; folds in
        "level": Field(choice(*LEVELS), required=False),
        "exercise": Field(boolean, required=False),
        "sms": Field(text, required=False),
        "response_type": Field(choices(*RESPONSE_TYPES), required=False),
        "polygons": Field(polygons, required=False),
        "circles": Field(circles, required=False),
        "geocodes": Field(geocodes, required=False),
    },
    "announcement": {},
    "response": {
        "plan": Field(slug),
        "level": Field(text, required=False),  # a key the plan defines; checked in links
        "action": Field(choice(*ACTIONS)),
    },
}

SKELETON = """---
title: {title}
summary: One or two sentences shown in lists, feeds and search results.
type: {type}               # announcement | rumour-correction | alert | response
issuer: emergency-office   # a key from site.yml issuers
published: {now}   # a later time schedules publication
hazards: [flood]
{extra}draft: true                # remove this line to publish
---
Write what happened, what people should do, and when the next update comes.
"""
EXTRA = {
    "announcement": "",
    "rumour-correction": (
        'claim: "The rumour exactly as it circulated."\n'
        "verdict: false            # false | misleading | unproven | true\n"
        'appeared_in: ["Where it was seen, for example a chat group"]\n'
        '# claim_short: "The claim in under 75 characters, for fact-check tools"\n'
        '# claim_url: https://example.com/where-it-first-appeared\n'
        '# claim_date: 2026-11-12      # when it first appeared\n'
        '# claim_author: Posts in local chat groups\n'),
    "alert": (
        "severity: moderate        # minor | moderate | severe | extreme\n"
        "urgency: expected         # immediate | expected | future | past | unknown\n"
        "certainty: likely         # observed | likely | possible | unlikely | unknown\n"
        "areas: [whole-district]     # keys from site.yml areas\n"
        "instructions:             # what to do now, most important first\n"
        "  - Stay indoors.\n"
        "expires: {expires}\n"
        "# level: yellow           # blue | yellow | orange | red; else from severity\n"
        "# exercise: true          # a drill: marked as one everywhere, CAP status Exercise\n"
        "# sms: Short text         # for SMS: 160 plain letters, or 70 Chinese characters\n"
        "# next_update: {expires}   # when the next update is promised\n"),
    "response": (
        "plan: flood-control       # a plan slug (content/<lang>/plans/<slug>.md)\n"
        "action: activate          # activate | adjust | end\n"
        "level: IV                 # a level the plan defines (not needed to end)\n"),
}


def skeleton(slug_: str, now: dt.datetime, subtype: str | None) -> str:
    type_ = subtype or "announcement"
    if type_ not in EXTRA:
        raise ValueError(f"{type_!r} is not a disclosure type: use one of {', '.join(TYPES)}")
    extra = EXTRA[type_].format(expires=(now + dt.timedelta(days=1)).isoformat())
    return SKELETON.format(title=slug_.replace("-", " ").capitalize(), type=type_,
                           now=now.isoformat(), extra=extra)


CLAIM_SHORT = 75  # what fact-check tools show of claimReviewed


def finish(values: dict, lang: str):
    """Alerts: what to do now is required (the older `instruction` line counts), and
    the SMS text must fit one message. Rumour corrections: a short claim is short. A
    response that activates or adjusts names its level."""
    if values.get("type") == "rumour-correction":
        short = values.get("claim_short")
        if short and len(short) > CLAIM_SHORT:
            yield "claim_short", (f"is {len(short)} characters; fact-check tools show under "
                                  f"{CLAIM_SHORT}: say the claim in fewer words")
        return
    if values.get("type") == "response":
        if values.get("action") in ("activate", "adjust") and not values.get("level"):
            yield "level", (f"required to {values['action']} a response: a level the plan "
                            "defines, for example IV")
        return
    if values.get("type") != "alert":
        return
    older = values.pop("instruction", None)
    if not values.get("instructions") and older:
        values["instructions"] = (older,)
    if not values.get("instructions"):
        yield "instructions", ("required for an alert: a short list of what to do now, for "
                               "example [Move to higher ground., Call 110 if trapped.]")
    if values.get("sms"):
        problem = sms_problem(values["sms"], lang)
        if problem:
            yield "sms", problem


def order(item: Disclosure):
    return -item.published.timestamp(), item.slug


def moments(item: Disclosure) -> Iterable[dt.datetime]:
    """Going live, expiring, and a promised update falling due (the page then says
    it is overdue)."""
    return tuple(m for m in (item.published, item.expires, item.next_update) if m is not None)


def search_fields(item: Disclosure, site) -> SearchFields:
    keywords = []
    if item.issuer in site.issuers:
        keywords += site.issuers[item.issuer].names.values()
    keywords.append(item.area or "")
    return SearchFields(date=item.published, summary=item.claim or "", keywords=tuple(keywords))


def links(item: Disclosure, find: Callable[[str, str, str], Item | None]):
    """A `supersedes` must name another disclosure, and chains must end; a response
    must name a plan and a level it defines, and can only adjust or end one in force."""
    if item.type == "response":
        yield from response_links(item, find)
    target = item.supersedes
    if not target:
        return
    if target == item.slug:
        yield "supersedes", "a disclosure cannot supersede itself"
        return
    if find(item.lang, "disclosures", target) is None:
        yield "supersedes", f"no disclosure has the slug {target!r}"
        return
    seen, current = [item.slug], find(item.lang, "disclosures", target)
    while current is not None and current.supersedes:
        seen.append(current.slug)
        if current.supersedes in seen:
            loop = " -> ".join([*seen[seen.index(current.supersedes):], current.supersedes])
            yield "supersedes", f"supersedes chain goes round in a circle: {loop}"
            return
        current = find(current.lang, "disclosures", current.supersedes)


def response_links(item: Disclosure, find):
    """Checked once it is no longer a draft: a skeleton names a plan the site may not have."""
    if not item.plan or item.draft:
        return
    plan = find(item.lang, "plans", item.plan)
    if plan is None:
        yield "plan", f"no plan has the slug {item.plan!r}"
        return
    defined = [level.level for level in getattr(plan, "levels", ())]
    if item.level is not None and item.level not in defined:
        yield "level", (f"plan {item.plan!r} defines no level {item.level!r}; its levels: "
                        f"{', '.join(defined) or 'none'}")
    every = getattr(find, "every", None)
    if item.action in ("adjust", "end") and every is not None:
        earlier = [other for other in every("disclosures")
                   if other.lang == item.lang and other.type == "response"
                   and other.plan == item.plan and not other.draft and other.action
                   and (other.published, other.slug) < (item.published, item.slug)]
        last = max(earlier, key=lambda other: (other.published, other.slug), default=None)
        if last is None or last.action == "end":
            yield "action", (f"cannot {item.action} a response to plan {item.plan!r}: none is "
                             "in force at this time; activate one first")


def review(library, item: Disclosure, now: dt.datetime):
    """A promised update whose time has passed with no newer disclosure in its chain;
    a long claim with no short form for fact-check tools."""
    if item.claim and len(item.claim) > CLAIM_SHORT and not item.claim_short:
        yield "claim", (f"is {len(item.claim)} characters and fact-check tools show under "
                        f"{CLAIM_SHORT}: add claim_short, the claim in a few words")
    promised = item.next_update
    if promised is None or item.draft or promised >= now:
        return
    if item.expires is not None and item.expires <= promised:
        return  # it ended before the promised time: nothing left to update
    newer = [later for later in library.all()
             if later.section == item.section and getattr(later, "supersedes", None) == item.slug
             and later.lang == item.lang and not later.draft and later.published <= now]
    if not newer:
        yield "next_update", (f"next update was promised by "
                              f"{promised.isoformat(sep=' ', timespec='minutes')} and none has "
                              "been published: publish one that supersedes this disclosure, "
                              "or move next_update on")


KIND = Kind(
    name="disclosures", singular="disclosure", item=Disclosure, schema=SCHEMA,
    subtype="type", subtypes=BY_TYPE, order=order, moments=moments,
    search=search_fields, facets={"type": Facet(TYPES, lambda item: (item.type,))}, links=links,
    finish=finish, ended=lambda library, item, now: status(library, item, now).ended, review=review,
    endpoint="disclosures.item", list_endpoint="disclosures.index", skeleton=skeleton,
    active=lambda library, lang, now: {h for alert in alerts(library, lang, now)
                                       if not alert.exercise for h in alert.hazards},
)
