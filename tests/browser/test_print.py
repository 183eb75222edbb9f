"""A guide or a disclosure prints as its content alone, with the address it came from."""
import base64

import pytest

from .helpers import LANGS, WIDTHS

HIDDEN_IN_PRINT = """
const chrome = [...document.querySelectorAll(
  'body > header, [role=banner], body > footer, [role=contentinfo], nav, [role=navigation], form')];
return chrome.filter(el => el.checkVisibility())
  .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
"""
BANNER_AND_FOOTER = """
return ['body > header', 'body > footer'].map(
  s => getComputedStyle(document.querySelector(s)).display);
"""


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", ["/{lang}/guides/flood-safety",
                                  "/{lang}/disclosures/tap-water-rumour"])
def test_prints_without_navigation_and_with_its_address(page, live_server, screenshots, lang,
                                                        path):
    url = live_server(path.format(lang=lang))
    page.size(WIDTHS[-1])
    assert page.open(url) == 200
    main = "return document.querySelector('main').innerText"
    assert url not in page.js(main), "the printed-from line shows on screen"

    page.media("print")
    assert page.js(BANNER_AND_FOOTER) == ["none", "none"]
    assert page.js(HIDDEN_IN_PRINT) == []
    assert url in page.js(main), "the page's address is not printed"
    assert page.js("return document.querySelector('h1').checkVisibility()")

    name = path.format(lang=lang).strip("/").replace("/", "-")
    (screenshots / f"print-{name}.pdf").write_bytes(base64.b64decode(page.driver.print_page()))
