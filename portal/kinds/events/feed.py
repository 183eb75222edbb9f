"""Events as feed entries: when, where and what people will notice, then the text."""
from __future__ import annotations

from html import escape

from flask_babel import gettext

from ... import feeds
from ...content.model import Site, localized
from ...i18n import format_when
from .labels import EVENT_TYPE
from .model import Event


def announced(item: Event):
    """When an event was made known: its `published`, else its start."""
    return item.published or item.start


def entry(item: Event, site: Site, lang: str, base_url: str, url: str,
          where: str) -> feeds.Entry:
    """Fixed by host, announcement date and slug, so an edit updates the entry."""
    organiser = localized(site.issuers[item.organiser].names, lang)
    label = str(EVENT_TYPE[item.type])
    colon = "：" if lang.startswith("zh") else ": "
    title = f"{label}{colon}{item.title}"
    if item.cancelled:
        title = f"{gettext('Cancelled')}{colon}{title}"
    facts = [
        f"<p><strong>{escape(gettext('Date and time'))}</strong> {escape(format_when(item.start))} – "
        f"{escape(format_when(item.end))}</p>",
        f"<p><strong>{escape(gettext('Where'))}</strong> {escape(where)}</p>",
        f"<p><strong>{escape(gettext('What you will notice'))}</strong> {escape(item.notice)}</p>",
    ]
    if item.message:
        facts.append(f"<p><strong>{escape(gettext('The exact test message'))}</strong> "
                     f"{escape(item.message)}</p>")
    return feeds.Entry(
        id=feeds.tag_id(base_url, announced(item).date(), f"{lang}/events/{item.slug}"),
        title=title, url=url, lang=item.lang, published=announced(item), updated=item.modified,
        author=organiser, summary=item.summary, content="".join(facts) + item.html,
        categories=(("event-type", item.type, label),
                    *(("hazard", h, localized(site.hazards[h].names, lang))
                      for h in item.hazards)))
