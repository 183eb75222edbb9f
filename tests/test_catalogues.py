"""The site's catalogue and each kind's are merged into one per language: a word two
of them translate differently would show one kind's meaning on another's pages."""
from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).parent.parent


def _catalogues(lang: str) -> dict[str, dict]:
    found = {}
    for path in [ROOT / "translations", *sorted((ROOT / "portal/kinds").glob("*/translations"))]:
        po = path / lang / "LC_MESSAGES" / "messages.po"
        if po.is_file():
            with po.open("rb") as handle:
                found[str(po.relative_to(ROOT))] = {
                    (message.context, message.id if isinstance(message.id, str) else message.id[0]):
                        message.string for message in read_po(handle) if message.id}
    return found


def test_no_two_catalogues_translate_the_same_words_differently():
    catalogues = _catalogues("zh")
    assert len(catalogues) > 1
    names = list(catalogues)
    clashes = []
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            for key in catalogues[first].keys() & catalogues[second].keys():
                if catalogues[first][key] != catalogues[second][key]:
                    clashes.append((key, first, catalogues[first][key],
                                    second, catalogues[second][key]))
    assert clashes == [], "give one a context (pgettext) or the same words: " + repr(clashes)


def test_every_message_is_translated():
    for path, messages in _catalogues("zh").items():
        missing = [key for key, text in messages.items() if not text]
        assert missing == [], (path, missing[:10])
