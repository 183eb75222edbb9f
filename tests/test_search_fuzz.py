"""Any query string gets a page: thousands of generated strings, never an error."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal import create_app
from portal.search import Request, prepare
from portal.search.query import MAX_TERMS, parse, to_query
from tests.conftest import CONTENT, NOW, Clock

# Pieces that have broken query parsers before: syntax, field names, huge and odd text.
PIECES = ['"', "“", "”", "(", ")", "[", "]", "{", "}", "*", "?", "~", "^", ":", "\\", "/",
          "-", "+", "!", "AND", "OR", "NOT", "TO", "title:", "body:", "w0*", "*a*", "flood~2",
          "/re.*/", "<script>", "&amp;", "%00", "\x00", "\x1b", "\u202e", "\ufeff", "\ud7ff",
          "洪水", "流动的水", "水", "地震 ", "ＦＬＯＯＤ", "flooding", "🌊", " ", "\t", "\n",
          "a" * 300, "洪" * 600]
CHARACTERS = st.characters(exclude_categories=("Cs",))  # a URL cannot carry lone surrogates
QUERIES = st.one_of(
    st.text(CHARACTERS, max_size=80),
    st.lists(st.sampled_from(PIECES) | st.text(CHARACTERS, max_size=6), max_size=40)
    .map("".join),
    st.lists(st.sampled_from(PIECES), min_size=60, max_size=200).map(" ".join),
)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    base = tmp_path_factory.mktemp("fuzz")
    app = create_app({"TESTING": True, "CONTENT_DIR": str(CONTENT), "CLOCK": Clock(),
                      "INDEX_DIR": str(base / "index"), "BUILD_DIR": str(base / "build"),
                      "BASE_URL": "https://example.org"})
    prepare(app)
    return app.test_client()


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(q=QUERIES, lang=st.sampled_from(["en", "zh"]), page=st.sampled_from(["", "2", "x", "-1"]))
def test_any_query_string_is_a_200_page(client, q, lang, page):
    response = client.get(f"/{lang}/search", query_string={"q": q, "page": page})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<p role="status"' in html
    assert "<script>" not in html


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(q=st.text(max_size=300) | QUERIES)
def test_any_text_parses_to_a_bounded_query_or_none(q):
    parsed = parse(q)
    assert sum(len(clause.terms) for clause in parsed.clauses) <= MAX_TERMS
    if parsed.clauses:
        to_query(parsed)
        to_query(parsed, require_all=False, phrases_checked=True)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(q=QUERIES)
def test_the_core_answers_any_string_within_its_limits(client, q):
    app = client.application
    library = app.extensions["portal.store"].library
    results = app.extensions["portal.search"].search(library, "en", NOW, Request(q))
    assert results is not None and results.total >= len(results.hits)
