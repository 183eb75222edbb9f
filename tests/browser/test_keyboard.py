"""A keyboard user can skip to the content, always sees where the focus is, reaches every
control in document order, and every pointer target is at least 24 by 24 CSS pixels."""
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from .helpers import FOCUS_STYLE_JS, LANGS, PAGES, WIDTHS, open_target

MIN_TARGET = 24


def press(page, key, times=1):
    actions = ActionChains(page.driver)
    for _ in range(times):
        actions.send_keys(key)
    actions.perform()


def active(page):
    return page.js("return document.activeElement")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", ["/{lang}/", "/{lang}/guides/flood-safety"])
def test_skip_link_moves_focus_to_main(page, live_server, lang, path):
    page.size(WIDTHS[0])
    assert page.open(live_server(path.format(lang=lang))) == 200
    main = page.js("return document.querySelector('main, [role=main]')")
    press(page, Keys.TAB)
    skip = active(page)
    assert page.js("return arguments[0].hash", skip) == "#" + main.get_attribute("id"), \
        "the first Tab stop is not a link to the main content"
    top, bottom = page.js(
        "const r = arguments[0].getBoundingClientRect(); return [r.top, r.bottom]", skip)
    assert 0 <= top and bottom <= page.js("return innerHeight"), "the skip link is off screen"
    press(page, Keys.ENTER)
    assert active(page) == main
    press(page, Keys.TAB)
    assert page.js("return arguments[0].contains(document.activeElement)", main), \
        "after skipping, Tab does not continue inside the main content"


RECORD_FOCUS_JS = FOCUS_STYLE_JS + """
window.__tabbed = [];
document.addEventListener('focusin', e => window.__tabbed.push(
  [e.target, window.__focusStyle(e.target), e.target.matches(':focus-visible')]));
return arguments[0].map(window.__focusStyle);
"""


@pytest.mark.parametrize("width", WIDTHS, ids=lambda w: f"{w}px")
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("target", PAGES, ids=lambda t: t.name)
def test_tab_reaches_every_control_in_order_with_visible_focus(page, live_server, target, lang,
                                                              width):
    open_target(page, live_server, target, lang, width)
    expected = page.focusable()
    unfocused = page.js(RECORD_FOCUS_JS, expected)
    press(page, Keys.TAB, len(expected))
    tabbed = page.js("return window.__tabbed")

    reached = [element for element, _, _ in tabbed]
    names = page.describe(expected)
    assert page.describe(reached) == names, "Tab order is not document order"
    assert reached == expected
    invisible = []
    for name, before, (_, after, focus_visible) in zip(names, unfocused, tabbed):
        indicator = (after["outline"] not in ("none", before["outline"])
                     or after["boxShadow"] not in ("none", before["boxShadow"]))
        if not (focus_visible and indicator):
            invisible.append(f"{name}: {before} -> {after}")
    assert not invisible, "focus is not visible on:\n" + "\n".join(invisible)


# Controls and links in the page's landmarks, with their boxes; inline links inside running
# text are exempt (WCAG 2.5.8 "inline"), so are controls the user cannot see.
TARGETS_JS = """
const blocks = 'p, li, dd, dt, td, th, blockquote, figcaption';
const own = el => el.closest(blocks);
const runningText = el => {
  const block = own(el);
  if (!block || getComputedStyle(el).display !== 'inline') return false;
  let text = '';
  const walk = node => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) text += child.textContent;
      else if (child.nodeType === Node.ELEMENT_NODE && !child.matches('a, button, input, select'))
        walk(child);
    }
  };
  walk(block);
  return /[\\p{L}\\p{N}]/u.test(text);
};
return [...document.querySelectorAll(
    ':is(header, main, footer) :is(a[href], button, input:not([type=hidden]), select, textarea)')]
  .filter(el => el.checkVisibility({visibilityProperty: true}) && !runningText(el))
  .map(el => { const r = el.getBoundingClientRect(); return [el, r.width, r.height]; });
"""


@pytest.mark.parametrize("width", WIDTHS, ids=lambda w: f"{w}px")
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("target", PAGES, ids=lambda t: t.name)
def test_targets_are_at_least_24px(page, live_server, target, lang, width):
    open_target(page, live_server, target, lang, width)
    small = [(el, w, h) for el, w, h in page.js(TARGETS_JS) if min(w, h) < MIN_TARGET]
    names = page.describe([el for el, _, _ in small])
    assert not small, f"targets smaller than {MIN_TARGET}px on {target.url(lang)}:\n" + "\n".join(
        f"{name}: {w:.1f}x{h:.1f}" for name, (_, w, h) in zip(names, small))
