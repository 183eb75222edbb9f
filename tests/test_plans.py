"""Emergency plans and response levels: the directory, a plan page, the response in force
at the top of every page, on hazard hubs and in the response feed, walked through
activate -> adjust -> end with a clock the test moves; and each bad input named."""
import datetime as dt
import re
from pathlib import Path

import feedparser
import pytest

from portal import create_app
from portal.cli import check_command, new_command
from portal.kinds import load
from tests.conftest import write

TZ = dt.timezone(dt.timedelta(hours=8))
BUNDLED = Path(__file__).parent.parent / "content"
PLAN_SLUGS = ("flood-control", "typhoon", "cold-wave", "earthquake", "hazardous-chemicals",
              "infectious-disease", "crowd-safety")


def at(day, hour, minute=0):
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=TZ)


PLAN = {
    "en": """---
title: Brookvale flood plan
summary: Who leads the response to flooding in Brookvale.
hazards: [flood]
event: the Brookvale flooding
lead: emergency-office
departments:
  - issuer: weather
    role: Forecasts rain and river levels.
levels:
  - level: I
    when: The embankment fails.
    government: The district takes command.
    residents: Leave by the route you are given.
  - level: II
    when: The river passes its danger mark.
    government: All shelters open.
    residents: Pack a grab bag and be ready to leave.
  - level: III
    when: Water rises in low streets.
    government: Underpasses close.
    residents: Keep out of basements and underpasses.
  - level: IV
    when: A yellow rain warning is issued.
    government: Drains are cleared.
    residents: Clear your drains and move your car uphill.
updated: 2026-10-01
review_by: 2027-10-01
---
Quillwort sandbag depots are listed in the announcements.
""",
    "zh": """---
title: 布鲁克谷防汛预案
summary: 布鲁克谷洪涝应对由谁牵头。
hazards: [flood]
event: 布鲁克谷洪涝
lead: emergency-office
departments:
  - issuer: weather
    role: 预报降雨和水位。
levels:
  - level: I
    when: 堤防决口。
    government: 区里统一指挥。
    residents: 按指定路线撤离。
  - level: II
    when: 河水超过危险水位。
    government: 开放全部避难场所。
    residents: 备好应急包，随时准备撤离。
  - level: III
    when: 低洼街道积水上涨。
    government: 封闭下穿通道。
    residents: 远离地下室和下穿通道。
  - level: IV
    when: 发布暴雨黄色预警。
    government: 疏通排水管道。
    residents: 清理排水口，把车移到高处。
updated: 2026-10-01
review_by: 2027-10-01
---
沙袋领取点见公告。
""",
}

QUAKE_PLAN = """---
title: Quake plan
summary: Who leads after an earthquake.
hazards: [earthquake]
event: the earthquake
lead: weather
levels:
  - level: III
    when: Some buildings are damaged.
    government: Buildings are checked.
    residents: Check your home for gas leaks.
  - level: IV
    when: A strong tremor is felt.
    government: Schools are checked.
    residents: Drop, cover and hold on.
updated: 2026-10-01
review_by: 2027-10-01
---
"""


def response(title, published, action, level=None, plan="brook-flood", lang="en",
             extra=""):
    level_line = f"level: {level}\n" if level else ""
    return f"""---
title: {title}
summary: {title}.
type: response
plan: {plan}
action: {action}
{level_line}issuer: emergency-office
published: {published.isoformat()}
hazards: [flood]
{extra}---
{title} ({lang}).
"""


STEPS = {
    "brook-activate": ("Brookvale flood response activated", at(20, 14), "activate", "IV"),
    "brook-raise": ("Brookvale flood response raised", at(20, 18, 30), "adjust", "III"),
    "brook-end": ("Brookvale flood response ended", at(21, 9), "end", None),
}


@pytest.fixture
def walk(content_dir, make_app, clock):
    for lang in ("en", "zh"):
        write(content_dir / f"{lang}/plans/brook-flood.md", PLAN[lang])
        for slug, (title, published, action, level) in STEPS.items():
            write(content_dir / f"{lang}/disclosures/{slug}.md",
                  response(f"{title} {lang}", published, action, level, lang=lang))
    app = make_app(content_dir)
    assert app.extensions["portal.store"].library.errors == ()
    return app, clock


def text(html: str) -> str:
    html = re.sub(r"<head>.*?</head>", "", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def top_lines(html: str) -> list[str]:
    """The one-line responses at the top of the page (before the site header)."""
    head = html.split('<header class="site-header">')[0]
    block = head.split('class="response-top"')
    if len(block) == 1:
        return []
    return [text(li) for li in re.findall(r"<li[^>]*>(.*?)</li>", block[1], flags=re.S)]


def current_levels(html: str) -> list[str]:
    return re.findall(r'<li id="level-([A-Z]+)" class="[^"]*\bis-current\b', html)


def log_entries(html: str) -> list[str]:
    block = html.split('class="response-log"')
    if len(block) == 1:
        return []
    return [text(li) for li in re.findall(r"<li[^>]*>(.*?)</li>", block[1].split("</ol>")[0],
                                          flags=re.S)]


# (moment, en top line or None, zh top line or None, level in force, log titles newest
#  first, feed titles)
WALK = [
    pytest.param(at(20, 12), None, None, None, [], [], id="before"),
    pytest.param(at(20, 15), "Level IV emergency response to the Brookvale flooding in force "
                 "since 14:00, led by the Emergency Office.",
                 "布鲁克谷洪涝Ⅳ级应急响应自14:00起实施，由应急办牵头。", "IV",
                 ["brook-activate"], ["brook-activate"], id="activated"),
    pytest.param(at(20, 19), "Level III emergency response to the Brookvale flooding in force "
                 "since 18:30, led by the Emergency Office.",
                 "布鲁克谷洪涝Ⅲ级应急响应自18:30起实施，由应急办牵头。", "III",
                 ["brook-raise", "brook-activate"], ["brook-raise", "brook-activate"],
                 id="raised"),
    pytest.param(at(21, 10), None, None, None, ["brook-end", "brook-raise", "brook-activate"],
                 ["brook-end", "brook-raise", "brook-activate"], id="ended"),
]


@pytest.mark.parametrize("moment, top_en, top_zh, level, log, feed", WALK)
def test_activate_adjust_end_walk(walk, moment, top_en, top_zh, level, log, feed):
    app, clock = walk
    clock.now = moment
    client = app.test_client()
    library = app.extensions["portal.store"].library
    for lang, top in (("en", top_en), ("zh", top_zh)):
        titles = {slug: f"{STEPS[slug][0]} {lang}" for slug in STEPS}
        home = client.get(f"/{lang}/").get_data(as_text=True)
        expected_top = [] if top is None else [top]
        assert [line.split(".")[0] + "." if lang == "en" else line.split("。")[0] + "。"
                for line in top_lines(home)] == expected_top, lang
        for path in (f"/{lang}/guides/", f"/{lang}/hotlines", f"/{lang}/disclosures/"):
            assert len(top_lines(client.get(path).get_data(as_text=True))) == len(expected_top)
        if top is not None:  # the line links to what residents should do at that level
            assert f'href="/{lang}/plans/brook-flood#level-{level}"' in home.split(
                '<header class="site-header">')[0]

        page = client.get(f"/{lang}/plans/brook-flood")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert current_levels(html) == ([level] if level else [])
        entries = log_entries(html)
        assert len(entries) == len(log)
        for entry, slug in zip(entries, log):
            assert titles[slug] in entry
        if level:
            setter = log[0]
            status = html.split('class="status-box')[1].split("</div>")[0]
            assert f'href="/{lang}/disclosures/{setter}"' in status
            assert STEPS[setter][1].strftime("%H:%M") in text(status)
        else:
            assert "brook-" not in html.split('class="status-box')[1].split("</p>")[0]

        directory = text(client.get(f"/{lang}/plans/").get_data(as_text=True))
        card = directory.split(PLAN[lang].split("\n")[1].removeprefix("title: "))[1][:300]
        names = {"en": "Level {} (", "zh": "{}级（"}
        roman = {"IV": "Ⅳ", "III": "Ⅲ"}
        if level:
            shown = names[lang].format(level if lang == "en" else roman[level])
            assert shown in card
        else:
            assert ("No emergency response in force" if lang == "en" else "未启动应急响应") in card

        hub = text(client.get(f"/{lang}/hazards/flood").get_data(as_text=True))
        assert PLAN[lang].split("\n")[1].removeprefix("title: ") in hub

        atom = client.get(f"/{lang}/feeds/response.atom")
        assert atom.status_code == 200
        parsed = feedparser.parse(atom.data)
        assert [e.title for e in parsed.entries] == [titles[slug] for slug in feed]
        rss = feedparser.parse(client.get(f"/{lang}/feeds/response.rss").data)
        assert [e.title for e in rss.entries] == [titles[slug] for slug in feed]

    active = set(library.kinds["plans"].active(library, "en", moment))
    assert active == ({"flood"} if level else set())


def test_two_responses_in_force_both_show_on_every_page(walk, content_dir, make_app):
    app, clock = walk
    zh_quake = QUAKE_PLAN.replace("title: Quake plan", "title: 地震预案").replace(
        "event: the earthquake", "event: 地震")
    for lang, plan in (("en", QUAKE_PLAN), ("zh", zh_quake)):
        write(content_dir / f"{lang}/plans/quake.md", plan)
        write(content_dir / f"{lang}/disclosures/quake-on.md",
              response("Quake response on", at(20, 14, 30), "activate", "III", plan="quake"))
    app = make_app(content_dir)
    clock.now = at(20, 15)
    client = app.test_client()
    for path in ("/en/", "/en/plans/", "/en/guides/", "/en/no-such-page"):
        lines = top_lines(client.get(path).get_data(as_text=True))
        assert len(lines) == 2, path
        # the more serious level first
        assert lines[0].startswith("Level III emergency response to the earthquake")
        assert "led by the Weather Bureau" in lines[0]
        assert lines[1].startswith("Level IV emergency response to the Brookvale flooding")
    zh = top_lines(client.get("/zh/").get_data(as_text=True))
    assert len(zh) == 2 and zh[0].startswith("地震Ⅲ级应急响应")
    library = app.extensions["portal.store"].library
    assert set(library.kinds["plans"].active(library, "en", clock.now)) == {"flood", "earthquake"}
    assert {"flood", "earthquake"} <= library.active_hazards("en", clock.now)
    hub = text(client.get("/en/hazards/earthquake").get_data(as_text=True))
    assert "Quake plan" in hub and "Level III (" in hub


def test_responses_in_force_is_a_query_for_other_kinds(walk):
    from portal.kinds.plans.queries import responses_in_force
    app, clock = walk
    library = app.extensions["portal.store"].library
    [found] = responses_in_force(library, "zh", at(20, 19))
    assert (found.plan.slug, found.level, found.since, found.by.slug) == (
        "brook-flood", "III", at(20, 18, 30), "brook-raise")
    assert found.started == at(20, 14)
    assert found.plan.lang == "zh"
    assert responses_in_force(library, "en", at(21, 10)) == []


def _line(text_: str, field: str) -> int:
    """The line of ``field`` in ``text_``; 1 (the file) when it is missing."""
    return next((number for number, line in enumerate(text_.splitlines(), 1)
                 if line.startswith(f"{field}:")), 1)


def _errors(app, path):
    return [(e.line, e.field) for e in app.extensions["portal.store"].library.errors
            if e.path == path]


@pytest.mark.parametrize("slug, body, field, words", [
    pytest.param("no-plan", response("No plan", at(20, 13), "activate", "IV", plan="atlantis"),
                 "plan", "no plan has the slug 'atlantis'", id="unknown-plan"),
    pytest.param("no-level", response("No level", at(20, 13), "activate", "V"),
                 "level", "defines no level 'V'", id="undefined-level"),
    pytest.param("quake-level", response("Quake I", at(20, 13), "activate", "I", plan="quake"),
                 "level", "defines no level 'I'", id="level-the-plan-lacks"),
    pytest.param("early-adjust", response("Early adjust", at(20, 13), "adjust", "III"),
                 "action", "none is in force", id="adjust-before-activate"),
    pytest.param("late-end", response("Late end", at(21, 12), "end"),
                 "action", "none is in force", id="end-after-end"),
    pytest.param("no-level-given", response("Missing level", at(21, 12), "activate"),
                 "level", "required to activate", id="activate-without-level"),
    pytest.param("bad-action", response("Bad action", at(21, 12), "escalate", "II"),
                 "action", "not one of: activate, adjust, end", id="unknown-action"),
])
def test_bad_responses_are_named_and_the_rest_keeps_serving(walk, content_dir, make_app, slug,
                                                             body, field, words):
    app, clock = walk
    write(content_dir / "en/plans/quake.md", QUAKE_PLAN)
    write(content_dir / f"en/disclosures/{slug}.md", body)
    app = make_app(content_dir)
    errors = [e for e in app.extensions["portal.store"].library.errors
              if e.path == f"en/disclosures/{slug}.md"]
    assert [(e.line, e.field) for e in errors] == [(_line(body, field), field)]
    assert words in errors[0].message
    clock.now = at(20, 15)
    client = app.test_client()
    assert client.get("/en/plans/brook-flood").status_code == 200
    assert client.get("/en/plans/").status_code == 200
    assert len(top_lines(client.get("/en/").get_data(as_text=True))) == 1
    # the bad response never sets a level
    assert current_levels(client.get("/en/plans/brook-flood").get_data(as_text=True)) == ["IV"]


def test_portal_check_names_a_bad_response(walk, content_dir):
    body = response("No plan", at(20, 13), "activate", "IV", plan="atlantis")
    write(content_dir / "en/disclosures/no-plan.md", body)
    result = create_app({"TESTING": True}).test_cli_runner().invoke(
        check_command, ["--content-dir", str(content_dir)])
    assert result.exit_code == 1
    assert f"en/disclosures/no-plan.md:{_line(body, 'plan')}: plan: no plan has the slug " \
           "'atlantis'" in result.output


@pytest.mark.parametrize("old, new, field, words", [
    pytest.param("lead: emergency-office", "lead: mayor", "lead", "unknown issuer 'mayor'",
                 id="lead-not-an-issuer"),
    pytest.param("  - issuer: weather", "  - issuer: harbour-board", "departments",
                 "unknown issuer 'harbour-board'", id="department-not-an-issuer"),
    pytest.param("  - level: II\n", "  - level: III\n", "levels", "'III' is listed twice",
                 id="level-twice"),
    pytest.param("  - level: II\n", "  - level: V\n", "levels", "not a response level",
                 id="level-not-on-the-scale"),
])
def test_bad_plans_are_named_and_the_rest_keeps_serving(content_dir, make_app, old, new, field,
                                                        words):
    write(content_dir / "en/plans/good.md", PLAN["en"].replace("Brookvale flood plan", "Good"))
    body = PLAN["en"].replace(old, new, 1)
    assert body != PLAN["en"]
    write(content_dir / "en/plans/bad.md", body)
    app = make_app(content_dir)
    errors = [e for e in app.extensions["portal.store"].library.errors
              if e.path == "en/plans/bad.md"]
    assert [(e.line, e.field) for e in errors] == [(_line(body, field), field)]
    assert words in errors[0].message
    client = app.test_client()
    assert client.get("/en/plans/good").status_code == 200
    assert client.get("/en/plans/bad").status_code == 404
    assert client.get("/en/plans/").status_code == 200


@pytest.mark.parametrize("section, words", [
    pytest.param("response_levels:\n  I: {name: {en: Level I}, colour: purple}\n",
                 "colour 'purple' is not one of the warning colours", id="colour"),
    pytest.param("response_levels: [I, II]\n", "must map level keys", id="not-a-map"),
    pytest.param("response_levels:\n  I: {colour: red}\n", "needs a name", id="no-name"),
])
def test_a_bad_response_levels_section_is_named_on_its_site_yml_line(content_dir, make_app,
                                                                     section, words):
    make_app(content_dir)  # a good site.yml first: a bad one then keeps it serving
    site = content_dir / "site.yml"
    original = site.read_text()
    site.write_text(original + section)
    library = make_app(content_dir).extensions["portal.store"].library
    [error] = [e for e in library.errors if e.path == "site.yml"]
    assert (error.line, error.field) == (len(original.splitlines()) + 1, "response_levels")
    assert words in error.message


def test_site_response_levels_name_and_colour_each_level(content_dir, make_app, clock):
    site = content_dir / "site.yml"
    site.write_text(site.read_text() + """response_levels:
  I: {name: {en: Level I (most serious), zh: Ⅰ级（特别重大）}, colour: red}
  II: {name: {en: Level II (very serious), zh: Ⅱ级（重大）}, colour: orange}
  III: {name: {en: Level III (serious), zh: Ⅲ级（较大）}, colour: yellow}
  IV: {name: {en: Level IV (general), zh: Ⅳ级（一般）}, colour: blue}
""")
    for lang in ("en", "zh"):
        write(content_dir / f"{lang}/plans/brook-flood.md", PLAN[lang])
        write(content_dir / f"{lang}/disclosures/brook-activate.md",
              response("On", at(20, 14), "activate", "II"))
    app = make_app(content_dir)
    levels = app.extensions["portal.store"].library.site.sections["response_levels"]
    assert [(key, level.colour) for key, level in levels.items()] == [
        ("I", "red"), ("II", "orange"), ("III", "yellow"), ("IV", "blue")]
    clock.now = at(20, 15)
    client = app.test_client()
    en = client.get("/en/plans/brook-flood").get_data(as_text=True)
    assert re.search(r'<li id="level-II" class="[^"]*level-orange[^"]*is-current', en)
    assert "Level II (very serious)" in text(en)
    zh = client.get("/zh/plans/brook-flood").get_data(as_text=True)
    assert "Ⅱ级（重大）" in text(zh)
    assert top_lines(zh)[0].startswith("布鲁克谷洪涝Ⅱ级应急响应")


def test_search_finds_plans_in_both_languages(walk):
    app, clock = walk
    client = app.test_client()
    found = client.get("/en/search?q=quillwort").get_data(as_text=True)
    assert 'href="/en/plans/brook-flood"' in found
    found = client.get("/en/search?q=" + "grab bag").get_data(as_text=True)
    assert 'href="/en/plans/brook-flood"' in found  # what residents do at a level
    found = client.get("/zh/search?q=沙袋").get_data(as_text=True)
    assert 'href="/zh/plans/brook-flood"' in found


def test_sitemap_and_freeze_include_plans(walk, tmp_path):
    app, clock = walk
    sitemap = app.test_client().get("/sitemap.xml").get_data(as_text=True)
    for lang in ("en", "zh"):
        assert f"<loc>https://example.org/{lang}/plans/brook-flood</loc>" in sitemap
    from portal.freeze import urls as freeze_urls
    from flask import url_for
    with app.test_request_context("/", base_url="https://example.org"):
        frozen = {url_for(endpoint, **values) for endpoint, values in freeze_urls(app)}
    assert {"/en/plans/", "/zh/plans/", "/en/plans/brook-flood", "/zh/plans/brook-flood",
            "/en/feeds/response.atom", "/zh/feeds/response.rss"} <= frozen


def test_portal_new_writes_plan_and_response_skeletons(content_dir):
    runner = create_app({"TESTING": True}).test_cli_runner()
    for args in (["plan", "storm-surge"], ["plan", "storm-surge", "--lang", "zh"],
                 ["disclosure", "surge-on", "--type", "response"]):
        result = runner.invoke(new_command, [*args, "--content-dir", str(content_dir)])
        assert result.exit_code == 0, result.output
    plan = (content_dir / "en/plans/storm-surge.md").read_text()
    assert "lead:" in plan and "levels:" in plan and "residents:" in plan
    assert "action: activate" in (content_dir / "en/disclosures/surge-on.md").read_text()
    library = load(content_dir)
    assert library.errors == ()
    assert {("plans", "storm-surge"), ("disclosures", "surge-on")} <= {
        (item.section, item.slug) for item in library.all() if item.draft}


def test_a_response_disclosure_page_names_its_plan_and_level(walk):
    app, clock = walk
    clock.now = at(20, 19)
    client = app.test_client()
    page = client.get("/en/disclosures/brook-raise").get_data(as_text=True)
    assert 'href="/en/plans/brook-flood#level-III"' in page
    assert "Response level changed" in text(page) and "Level III (" in text(page)
    assert "This response level is in force now." in text(page)
    earlier = text(client.get("/en/disclosures/brook-activate").get_data(as_text=True))
    assert "This response level is no longer in force" in earlier
    zh = client.get("/zh/disclosures/brook-raise").get_data(as_text=True)
    assert "调整响应级别" in text(zh) and "该响应级别目前正在实施" in text(zh)
    listing = client.get("/en/disclosures/?type=response").get_data(as_text=True)
    assert all(f'href="/en/disclosures/{slug}"' in listing
               for slug in ("brook-activate", "brook-raise"))
    assert 'href="/en/disclosures/brook-end"' not in listing  # not yet published
    assert client.get("/en/disclosures/?type=responses").status_code == 400


@pytest.fixture
def bundled(make_app, clock):
    clock.now = dt.datetime(2026, 12, 1, 10, 0, tzinfo=TZ)
    return make_app(BUNDLED)


def test_bundled_plans_answer_in_both_languages(bundled):
    client = bundled.test_client()
    library = bundled.extensions["portal.store"].library
    assert [e for e in library.errors] == []
    hazard_classes = set()
    for lang in ("en", "zh"):
        assert client.get(f"/{lang}/plans/").status_code == 200
        for slug in PLAN_SLUGS:
            assert client.get(f"/{lang}/plans/{slug}").status_code == 200, (lang, slug)
            plan = library.get(lang, "plans", slug, clock_now(bundled))
            assert plan is not None and [level.level for level in plan.levels] == [
                "I", "II", "III", "IV"]
            hazard_classes.update(library.site.hazards[h].category for h in plan.hazards)
    assert hazard_classes == set(library.site.hazard_classes)


def clock_now(app):
    return app.extensions["portal.store"].now()


def test_bundled_cold_wave_response_is_in_force_and_flood_response_ended(bundled):
    client = bundled.test_client()
    [line] = top_lines(client.get("/en/").get_data(as_text=True))
    assert line.startswith("Level IV emergency response to the cold wave in force since 09:00")
    assert "led by the District Emergency Management Office" in line
    [zh] = top_lines(client.get("/zh/").get_data(as_text=True))
    assert zh.startswith("寒潮Ⅳ级应急响应") and "区应急管理办公室牵头" in zh
    cold = client.get("/en/plans/cold-wave").get_data(as_text=True)
    assert current_levels(cold) == ["IV"]
    flood = client.get("/en/plans/flood-control").get_data(as_text=True)
    assert current_levels(flood) == []
    assert [entry.split(": ", 1)[1].split(" · ")[0] for entry in log_entries(flood)] == [
        "Response ended", "Response level changed", "Response activated"]
    feed = feedparser.parse(client.get("/zh/feeds/response.atom").data)
    assert len(feed.entries) == 4


def test_a_response_published_live_shows_without_a_restart(content_dir, make_app, clock):
    for lang in ("en", "zh"):
        write(content_dir / f"{lang}/plans/brook-flood.md", PLAN[lang])
    app = make_app(content_dir, RELOAD_INTERVAL=60, RELOAD_SETTLE=0.01)
    watcher = app.extensions["portal.watcher"]
    client = app.test_client()
    assert top_lines(client.get("/en/").get_data(as_text=True)) == []

    write(content_dir / "en/disclosures/live-on.md",
          response("Live on", at(20, 11), "activate", "II"))
    assert watcher.check()
    [line] = top_lines(client.get("/en/").get_data(as_text=True))
    assert line.startswith("Level II emergency response to the Brookvale flooding")

    # A mistaken change is named and does not move the level in force.
    bad = write(content_dir / "en/disclosures/live-typo.md",
                response("Live typo", at(20, 11, 30), "adjust", "II", plan="brook-flod"))
    assert watcher.check()
    assert [e.field for e in app.extensions["portal.store"].library.errors] == ["plan"]
    assert current_levels(client.get("/en/plans/brook-flood").get_data(as_text=True)) == ["II"]
    bad.unlink()

    write(content_dir / "en/disclosures/live-off.md", response("Live off", at(20, 11, 45), "end"))
    assert watcher.check()
    assert app.extensions["portal.store"].library.errors == ()
    assert top_lines(client.get("/en/").get_data(as_text=True)) == []
    assert top_lines(client.get("/zh/").get_data(as_text=True)) == []
