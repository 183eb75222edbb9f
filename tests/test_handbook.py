"""The household handbook: /<lang>/handbook.pdf, built in the background once per content
state, read back with a PDF text extractor."""
from __future__ import annotations

import io
import re
import shutil
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from portal.content import localized
from tests.conftest import write

BUNDLED = Path(__file__).parents[1] / "content"


def pdf_text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def squashed(text: str) -> str:
    """Extracted text without line breaks and spaces, as a long title wraps."""
    return re.sub(r"\s+", "", text)


def embedded_fonts(reader: PdfReader) -> set[str]:
    """Names of the fonts whose program is inside the PDF (FontFile, FontFile2, FontFile3)."""
    found = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is None:
                    continue
                descriptor = descriptor.get_object()
                if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                    found.add(str(descriptor["/FontName"]))
    return found


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    """The bundled content, with places and plans; built once for the module."""
    from portal import create_app, prepare
    tmp = tmp_path_factory.mktemp("handbook")
    content = tmp / "content"
    shutil.copytree(BUNDLED, content)
    app = prepare(create_app({
        "TESTING": True, "CONTENT_DIR": str(content), "BUILD_DIR": str(tmp / "build"),
        "INDEX_DIR": str(tmp / "index"), "RELOAD_INTERVAL": 0,
        "DATABASE_URL": f"sqlite:///{tmp}/portal.db", "BASE_URL": "https://example.org",
    }))
    app.content = content
    return app


@pytest.fixture(scope="module")
def handbooks(bundled):
    client = bundled.test_client()
    return {lang: client.get(f"/{lang}/handbook.pdf") for lang in ("en", "zh")}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_guide_title_and_hotline_number_is_in_the_handbook(bundled, handbooks, lang):
    response = handbooks[lang]
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reader, text = pdf_text(response.data)
    flat = squashed(text)
    library = bundled.extensions["portal.store"].library
    now = bundled.extensions["portal.store"].now()
    guides = library.section(lang, "guides", now)
    assert guides
    for guide in guides:
        assert squashed(guide.title) in flat, guide.title
    site = library.site
    for line in site.hotlines:
        assert line.number in text
        assert squashed(localized(line.names, lang)) in flat
    for issuer in site.issuers.values():
        assert issuer.phone in text
    for place in library.section(lang, "places", now):
        assert squashed(place.title) in flat, place.title
    for plan in library.section(lang, "plans", now):
        for level in plan.levels:
            assert squashed(level.residents)[:40] in flat, (plan.slug, level.level)
    # A4, with page numbers, a contents page and the household's own page.
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
    pages = len(reader.pages)
    assert pages > 5
    assert f"{pages} / {pages}" in reader.pages[-1].extract_text()
    assert f"3 / {pages}" in reader.pages[2].extract_text()


def test_chinese_text_is_extractable_and_its_font_embedded(handbooks):
    reader, text = pdf_text(handbooks["zh"].data)
    assert "家庭应急手册" in squashed(text)
    assert "报警" in text and "急救" in text  # hotline names from site.yml
    assert embedded_fonts(reader), "no font program is embedded"
    # Every page's text decodes (no boxes, no private-use code points).
    assert not re.search("[\ue000-\uf8ff\ufffd]", text)


def test_english_handbook_is_in_english_and_chinese_in_chinese(handbooks):
    _, en = pdf_text(handbooks["en"].data)
    _, zh = pdf_text(handbooks["zh"].data)
    assert "Household emergency handbook" in en
    assert "Household emergency handbook" not in zh
    assert "Our household" in en and "我们的家庭" in squashed(zh)


def test_the_handbook_is_cached_with_a_validator(bundled, handbooks):
    client = bundled.test_client()
    response = handbooks["en"]
    etag = response.headers["ETag"]
    assert "max-age" in response.headers["Cache-Control"]
    again = client.get("/en/handbook.pdf", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert client.get("/en/handbook.pdf").data == response.data  # built once, not per request


def test_home_and_guides_link_to_the_handbook_with_its_size(bundled, handbooks):
    client = bundled.test_client()
    size_mb = max(round(len(handbooks["zh"].data) / 1_000_000, 1), 0.1)
    home = client.get("/zh/").get_data(as_text=True)
    assert 'href="/zh/handbook.pdf"' in home
    assert f"{size_mb} MB" in home
    library = bundled.extensions["portal.store"].library
    guide = library.section("en", "guides", bundled.extensions["portal.store"].now())[0]
    page = client.get(f"/en/guides/{guide.slug}").get_data(as_text=True)
    en_mb = max(round(len(handbooks["en"].data) / 1_000_000, 1), 0.1)
    assert 'href="/en/handbook.pdf"' in page and f"{en_mb} MB" in page


def test_a_change_is_in_the_next_handbook_while_the_last_one_keeps_serving(bundled, handbooks):
    client = bundled.test_client()
    before = handbooks["en"].data
    guide = next(p for p in sorted((bundled.content / "en" / "guides").glob("*.md")))
    text = guide.read_text(encoding="utf-8")
    title = re.search(r"^title: (.*)$", text, re.M).group(1)
    write(guide, text.replace(f"title: {title}", "title: Handbook rebuilt after a change", 1))
    bundled.extensions["portal.store"].reload()
    first = client.get("/en/handbook.pdf")
    assert first.status_code == 200  # never waits for the new build: the last one, briefly
    deadline = time.monotonic() + 120
    while True:
        response = client.get("/en/handbook.pdf")
        if "Handbookrebuiltafterachange" in squashed(pdf_text(response.data)[1]):
            break
        assert response.data == before, "served neither the last handbook nor the new one"
        assert "max-age=30" in response.headers["Cache-Control"]  # the old one only briefly
        assert time.monotonic() < deadline, "the handbook was not rebuilt"
        time.sleep(0.5)
    assert response.headers["ETag"] != handbooks["en"].headers["ETag"]
    write(guide, text)
    bundled.extensions["portal.store"].reload()


def test_unknown_language_is_a_404(bundled):
    assert bundled.test_client().get("/xx/handbook.pdf").status_code == 404


def test_a_build_runs_in_another_process_and_one_past_its_time_is_stopped(tmp_path,
                                                                          monkeypatch):
    import os
    from portal import create_app
    from portal.handbook import Builder
    shutil.copytree(BUNDLED, tmp_path / "content")
    app = create_app({
        "TESTING": True, "CONTENT_DIR": str(tmp_path / "content"),
        "BUILD_DIR": str(tmp_path / "build"), "INDEX_DIR": str(tmp_path / "index"),
        "RELOAD_INTERVAL": 0, "DATABASE_URL": f"sqlite:///{tmp_path}/portal.db"})
    builder = app.extensions["portal.handbook"]
    me, real = os.getpid(), Builder._render
    renderers = tmp_path / "renderers"

    def render(self, lang, library, when):
        with open(renderers, "a") as log:
            log.write(f"{os.getpid()}\n")
        if lang == "zh":
            time.sleep(60)  # a build that never ends
        return real(self, lang, library, when)

    monkeypatch.setattr(Builder, "_render", render)
    built = builder.build("en")
    assert pdf_text(built.pdf)[0].pages  # a real PDF, laid out ...
    assert int(renderers.read_text().split()[0]) != me  # ... by another process
    app.config["HANDBOOK_TIMEOUT"] = 3
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        builder.build("zh")
    assert time.monotonic() - started < 30  # stopped at its time, not after its minute
    child = int(renderers.read_text().split()[1])
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)  # stopped and reaped
    assert not list((tmp_path / "build" / "handbook").glob("zh-*.pdf"))
    assert builder.build("en") is built  # the English one still there


def test_a_build_does_not_outlive_its_worker(tmp_path):
    """A worker killed (or recycled) during a build takes the build's process with it."""
    import multiprocessing
    import os
    import signal
    renderers = tmp_path / "renderers"

    def worker():
        from portal import create_app
        from portal.handbook import Builder

        def render(self, lang, library, when):
            renderers.write_text(str(os.getpid()))
            time.sleep(120)

        Builder._render = render
        shutil.copytree(BUNDLED, tmp_path / "content")
        app = create_app({
            "TESTING": True, "CONTENT_DIR": str(tmp_path / "content"),
            "BUILD_DIR": str(tmp_path / "build"), "INDEX_DIR": str(tmp_path / "index"),
            "RELOAD_INTERVAL": 0, "DATABASE_URL": f"sqlite:///{tmp_path}/portal.db"})
        app.extensions["portal.handbook"].build("en")

    process = multiprocessing.get_context("fork").Process(target=worker)
    process.start()
    deadline = time.monotonic() + 60
    while not renderers.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    child = int(renderers.read_text())
    os.kill(process.pid, signal.SIGKILL)
    process.join(10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)
