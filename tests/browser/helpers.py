"""What the browser tests do to a page: size it, load it, audit it, read its console."""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path


WIDTHS = (360, 1280)  # a small phone, a desktop
HEIGHT = 800
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@dataclass(frozen=True)
class Target:
    """One page the suite looks at, as a path with a {lang} hole."""
    name: str
    path: str
    status: int = 200

    def url(self, lang: str) -> str:
        return self.path.format(lang=lang)


PAGES = [
    Target("home", "/{lang}/"),
    Target("guides", "/{lang}/guides/"),
    Target("guide", "/{lang}/guides/flood-safety"),
    Target("hazard", "/{lang}/hazards/flood"),
    Target("disclosures", "/{lang}/disclosures/"),
    Target("rumour", "/{lang}/disclosures/tap-water-rumour"),
    Target("alert", "/{lang}/disclosures/cold-wave-alert"),
    Target("search", "/{lang}/search?q=flood"),
    Target("search-none", "/{lang}/search?q=zzqxjv"),
    Target("not-found", "/{lang}/guides/no-such-guide", status=404),
]
LANGS = ["en", "zh"]


def open_target(page: Page, live_server, target: Target, lang: str, width: int) -> str:
    """Load ``target`` in ``lang`` at ``width``, check its status and language; its URL."""
    page.size(width)
    url = live_server(target.url(lang))
    assert page.open(url) == target.status
    assert page.js("return document.documentElement.lang") == lang
    return url


def axe_source() -> str:
    # axe-core as shipped in the selenium-axe-python wheel (a test dependency).
    return (resources.files("selenium_axe_python") / "axe-core" / "axe.min.js").read_text("utf-8")


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} [{', '.join(v['tags'])}]")
        for node in v["nodes"][:8]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:300]}")
        if len(v["nodes"]) > 8:
            lines.append(f"    ... and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


# Every element a keyboard user can Tab to, in DOM order, that is rendered.
FOCUSABLE_JS = """
const selector = 'a[href], area[href], button, input:not([type=hidden]), select, textarea,'
  + ' summary, iframe, [contenteditable=""], [contenteditable=true], [tabindex]';
return [...document.querySelectorAll(selector)].filter(el =>
  !el.disabled && el.tabIndex >= 0 && !el.closest('[inert]')
  && el.checkVisibility({visibilityProperty: true}));
"""

# What :focus-visible (or :focus) can change about an element to show where the focus is.
FOCUS_STYLE_JS = """
window.__focusStyle = el => {
  const s = getComputedStyle(el);
  return {outline: s.outlineStyle === 'none' ? 'none'
                   : `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
          boxShadow: s.boxShadow, background: s.backgroundColor, color: s.color,
          border: s.borderColor, decoration: s.textDecorationLine};
};
"""


class Page:
    """The shared Chromium, driven through WebDriver and the DevTools protocol."""

    def __init__(self, driver):
        self.driver = driver

    # -- setting up -------------------------------------------------------------

    def reset(self) -> None:
        self.media("")
        self.console()  # drain: each test sees only its own messages

    def size(self, width: int, height: int = HEIGHT) -> None:
        # Exact CSS pixels, whatever the minimum window size of the platform.
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    def media(self, media: str) -> None:
        self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": media})

    def open(self, url: str) -> int:
        """Load ``url``; return its HTTP status."""
        self.driver.get(url)
        return self.js("return performance.getEntriesByType('navigation')[0].responseStatus")

    # -- looking ----------------------------------------------------------------

    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def console(self) -> list[dict]:
        return self.driver.get_log("browser")

    def axe(self, tags=AXE_TAGS) -> list[dict]:
        self.driver.set_script_timeout(60)
        if not self.js("return typeof window.axe === 'object'"):
            self.js(axe_source())
        result = self.driver.execute_async_script(
            """const done = arguments[arguments.length - 1];
            axe.run(document, {runOnly: {type: 'tag', values: arguments[0]},
                               resultTypes: ['violations']})
              .then(r => done({violations: r.violations}), e => done({error: String(e)}));""",
            list(tags))
        assert "error" not in result, f"axe-core failed: {result['error']}"
        return result["violations"]

    def screenshot(self, path: Path) -> None:
        """The whole page, not just the viewport."""
        width, height = self.js("return [document.documentElement.clientWidth,"
                                " document.documentElement.scrollHeight]")
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
        path.write_bytes(base64.b64decode(shot["data"]))

    def focusable(self) -> list:
        return self.js(FOCUSABLE_JS)

    def describe(self, elements: list) -> list[str]:
        """Short, readable names for elements, for assertion messages."""
        return self.js("""return arguments[0].map(el => el.tagName.toLowerCase()
              + (el.id ? '#' + el.id : '')
              + (el.getAttribute('href') ? `[href="${el.getAttribute('href')}"]` : '')
              + (el.name ? `[name="${el.name}"]` : '')
              + ' "' + (el.innerText || el.value || '').trim().slice(0, 40) + '"');""", elements)


def is_problem(entry: dict, page_url: str, expected_status: int = 200) -> bool:
    """A console message that means a CSP violation, a script error or a failed load."""
    message = entry.get("message", "")
    if "Content Security Policy" in message or "Content-Security-Policy" in message:
        return True
    if entry.get("level") != "SEVERE":
        return False
    # The 404 page itself is reported as a failed load; that one is the point of the page.
    if expected_status != 200 and entry.get("source") == "network" \
            and message.startswith(page_url + " ") and f"status of {expected_status}" in message:
        return False
    return True


def dump(entries: list[dict]) -> str:
    return json.dumps(entries, indent=2, ensure_ascii=False)
