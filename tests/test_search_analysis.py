"""Analysis, query parsing and snippets: the search core, without an app."""
from pathlib import Path

import pytest
from whoosh import query as Q

from portal.search.analysis import analyzer, terms, words
from portal.search.query import MAX_CHARS, MAX_CLAUSES, MAX_SINGLES, MAX_TERMS, clean, parse, \
    to_query
from portal.search.text import leading, plain_text, snippet


def tokens(text):
    return [(t.text, t.pos, t.startchar, t.endchar)
            for t in analyzer()(text, positions=True, chars=True)]


def test_english_is_stemmed_and_stop_words_dropped():
    assert terms("Flooding floods FLOODED") == ["flood", "flood", "flood"]
    assert terms("the water and the car") == ["water", "car"]


def test_full_width_latin_typed_on_a_chinese_keyboard_is_ordinary_latin():
    assert terms("ＦＬＯＯＤ １２０") == ["flood", "120"]


def test_cjk_runs_become_overlapping_bigrams_at_consecutive_positions():
    assert tokens("洪水来临") == [("洪水", 0, 0, 2), ("水来", 1, 1, 3), ("来临", 2, 2, 4)]


def test_a_lone_cjk_character_stays_a_unigram():
    assert terms("水，火") == ["水", "火"]


def test_mixed_text_keeps_one_position_sequence():
    assert tokens("拨打120求助 AED") == [
        ("拨打", 0, 0, 2), ("120", 1, 2, 5), ("求助", 2, 5, 7), ("aed", 3, 8, 11)]


def test_spelling_words_are_unstemmed_latin_only():
    assert words("Evacuation 疏散 routes 2026") == ["evacuation", "routes"]


@pytest.mark.parametrize("text", ["", "   ", "the and of", "!!! ??? ***", "，。、"])
def test_nothing_searchable_gives_no_clauses(text):
    assert parse(text).clauses == ()


def test_quotes_make_a_phrase_in_either_script():
    parsed = parse('"turn around" “流动的水”')
    assert [(c.terms, c.phrase) for c in parsed.clauses] == [
        (("turn", "around"), True), (("流动", "动的", "的水"), True)]


def test_unbalanced_quote_runs_to_the_end():
    assert [c.terms for c in parse('"moving water').clauses] == [("move", "water")]


@pytest.mark.parametrize("text", [
    "w0*", "*a*", "flood~2", "/fl.*d/", "title:flood", "flood^100", "(flood OR fire)", "[a TO z]",
    "NOT flood", "-flood", "+flood", "flood AND", "\\", "{}", "<>",
])
def test_operators_are_plain_text(text):
    query = to_query(parse(text)) if parse(text).clauses else None
    for node in (query.all_terms() if query is not None else ()):
        assert node[0] in ("title", "summary", "body", "keywords")
    assert not any(isinstance(q, (Q.Wildcard, Q.FuzzyTerm, Q.Regex, Q.Prefix, Q.TermRange))
                   for q in _walk(query))


def _walk(query):
    if query is None:
        return
    yield query
    for child in query.children():
        yield from _walk(child)


def test_long_queries_are_capped_in_characters_clauses_and_terms():
    long = parse("flood " * 2000)
    assert long.shortened and len(long.text) <= MAX_CHARS
    assert len(long.clauses) <= MAX_CLAUSES
    many = parse(" ".join(f"w{i}" for i in range(300)))
    assert many.shortened and sum(len(c.terms) for c in many.clauses) <= MAX_TERMS
    cjk = parse("洪" * 5000)
    assert sum(len(c.terms) for c in cjk.clauses) <= MAX_TERMS
    singles = parse(" ".join("水火电风雨雪冰山"))
    assert sum(len(c.terms) for c in singles.clauses) == MAX_SINGLES


def test_control_and_invisible_characters_are_spaces():
    assert clean("flo\x00od\u200b\u202e\ufeff\n\tfire\x7f") == "flo od fire"


def test_plain_text_keeps_blocks_apart_and_drops_footnote_marks():
    html = "<h2>Before</h2><p>Pack a bag<sup>1</sup>.</p><ul><li>water</li><li>torch</li></ul>"
    assert plain_text(html) == "Before\nPack a bag.\nwater\ntorch"


def test_snippet_marks_stemmed_matches_and_merges_overlapping_bigrams():
    text = "Never walk through moving water. Flooding can carry a car away."
    runs = snippet(text, frozenset(terms("flood")))
    assert ("Flooding", True) in runs
    zh = snippet("切勿在流动的水中行走。", frozenset(terms("流动的水")))
    assert ("流动的水", True) in zh


def test_snippet_marks_a_lone_character_inside_words():
    runs = snippet("遭遇洪水时", frozenset(["水"]))
    assert runs == (("遭遇洪", False), ("水", True), ("时", False))


def test_snippet_is_a_window_around_the_best_match():
    text = "word " * 400 + "flood and earthquake here " + "word " * 400
    runs = snippet(text, frozenset(terms("flood earthquake")))
    shown = "".join(t for t, _ in runs)
    assert shown.startswith("… ") and shown.endswith(" …") and len(shown) < 260
    assert [t for t, hit in runs if hit] == ["flood", "earthquake"]


def test_no_match_no_snippet_and_leading_text_instead():
    assert snippet("nothing here", frozenset(["flood"])) == ()
    assert leading("a " * 300)[0][0].endswith(" …")


def test_a_lone_character_between_cjk_words_also_stands_for_its_joins():
    clauses = parse("切勿 在 流动 hello 水").clauses
    assert [c.joins for c in clauses] == [(), ("勿在", "在流"), (), (), ()]
    assert "在流" in parse("切勿 在 流动").wanted()


def test_snippets_mark_the_same_words_whichever_way_they_are_found(monkeypatch):
    """Words standing for a wanted stem are found by one regular expression of the stems'
    beginnings where folding changes only case, else word by word: both ways, the same."""
    from portal.kinds import load
    from portal.search import text as T
    from portal.search.query import parse
    library = load(Path(__file__).parent.parent / "content")
    bodies = [T.plain_text(item.html) for item in library.all() if item.lang == "en"]
    bodies += ["Flooding, FLOODED and floods; a flood-plain. Refloods and floodwater.",
               "Happy people; happiness; hoping hopes. Organization, organizational."]
    queries = ["flood", "floods flooding", "happy hoping", "organization", "evacuation route",
               "CPR 120", "shelter", "power outage", "boil water", "carbon monoxide"]
    found_any = 0
    for query in queries:
        wanted = parse(query).wanted()
        fast = [T._matches(body, wanted) for body in bodies]
        with monkeypatch.context() as patched:
            patched.setattr(T, "_candidates", lambda wanted: None)
            slow = [T._matches(body, wanted) for body in bodies]
        assert fast == slow, query
        found_any += sum(map(bool, fast))
    assert found_any > 20
