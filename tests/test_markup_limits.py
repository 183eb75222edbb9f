"""No body takes the site down: rendering ends within its deadline, with one kind of error."""
import threading
import time

import pytest

from portal import deadline
from portal.markup import MarkupError, render

# The deadline counts the rendering thread's CPU time (a starved thread has not worked).
LIMIT = 1.6  # the 1 s deadline, plus slack

PATHOLOGICAL = {
    "asterisks": "*" * 5000 + "a" + "*" * 5000,
    "nested list": "".join("    " * depth + "- x\n" for depth in range(300)),
    "image brackets": "![" * 20000,
    "footnote brackets": "[^" * 20000,
    "link openers": "[a](" * 10000,
    "tag openers": "<a " * 13000,
    "emphasis": "*_" * 20000,
    "nested admonitions": "".join("    " * depth + "!!! note\n" for depth in range(400)),
    "nested brackets": "[" * 3000 + "x" + "]" * 3000,
    "raw HTML of tag openers": "<div>\n" + "<a " * 13000 + "\n</div>",
    "raw HTML of attribute names": "<div>\n" + "<a x" * 10000 + "\n</div>",
}


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_no_body_runs_past_the_deadline_or_raises_anything_else(text):
    started = time.thread_time()
    try:
        render(text)
    except MarkupError as exc:
        assert "render" in str(exc)
    assert time.thread_time() - started < LIMIT


def test_a_pasted_web_page_brings_a_bounded_report():
    text = "<div>\n" + "".join(f'<span class="k{n}" data-n="{n}">' for n in range(3000)) + "\n</div>"
    started = time.thread_time()
    assert len(render(text).problems) == 50
    assert time.thread_time() - started < LIMIT


def test_a_slow_body_is_reported_in_words_for_an_official():
    with pytest.raises(MarkupError, match=r"could not be rendered within 1 s; it may contain "
                                          r"deeply nested lists or long runs of brackets"):
        render("![" * 20000)


def test_too_deep_a_body_is_reported_not_raised_as_recursion_error():
    with pytest.raises(MarkupError, match="nested too deeply") as info:
        render(PATHOLOGICAL["nested admonitions"], timeout=None)
    assert not isinstance(info.value, RecursionError)


def test_the_timeout_is_a_keyword():
    started = time.thread_time()
    with pytest.raises(MarkupError, match="within 0.2 s"):
        render("![" * 20000, timeout=0.2)
    assert time.thread_time() - started < 0.8


def test_after_an_interrupted_render_the_next_one_is_whole():
    expected = render(GUIDE)
    with pytest.raises(MarkupError):
        render("![" * 20000, timeout=0.1)
    assert render(GUIDE) == expected


def test_threads_render_at_once_and_each_gets_its_own_result():
    texts = [f"## Part {n}\n\nText {n}[^{n}]\n\n[^{n}]: Note {n}.\n" for n in range(6)]
    expected = [render(text) for text in texts]
    results: dict[int, object] = {}

    def work(n):
        for _ in range(5):
            if n % 3 == 0:
                try:
                    render("![" * 20000, timeout=0.2)
                    results[n] = "rendered"
                except MarkupError:
                    results[n] = "timeout"
            else:
                got = render(texts[n])
                results[n] = "ok" if got == expected[n] else got

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert results == {n: "timeout" if n % 3 == 0 else "ok" for n in range(6)}


def test_a_finished_call_is_never_interrupted_afterwards():
    assert deadline.call(lambda: 42, 0.05) == 42
    until = time.monotonic() + 0.3  # well past the deadline, doing Python work
    while time.monotonic() < until:
        sum(range(100))


def test_an_interrupt_swallowed_by_the_function_is_raised_again():
    def stubborn():
        try:
            while True:
                pass
        except BaseException:
            pass
        while True:
            pass

    started = time.thread_time()
    with pytest.raises(deadline.DeadlineExceeded):
        deadline.call(stubborn, 0.1)
    assert time.thread_time() - started < 0.1 + 3 * deadline.RETRY


def test_deadlines_do_not_nest_within_a_thread():
    with pytest.raises(RuntimeError):
        deadline.call(lambda: deadline.call(lambda: 1, 1), 1)


GUIDE = """# Before the flood

Know your route to high ground[^route]. Keep a bag ready:

- water, 3 litres a person a day
- torch and spare batteries
    - a radio that needs no mains

!!! warning "Never walk through floodwater"
    Fifteen centimetres of moving water can knock you down.

| Item | How much |
|:-----|---------:|
| Water | 3 l |

[^route]: Ask the township office for the evacuation map.
"""


def test_a_thread_that_waits_is_not_stopped_only_one_that_works():
    """A busy server (other threads holding the interpreter, a starved core) stretches the
    clock on the wall, not the work: an ordinary file must not fail for it."""
    def waits():
        for _ in range(12):  # 1.2 s on the wall clock, almost no CPU
            time.sleep(0.1)
        return "rendered"

    assert deadline.call(waits, 0.5) == "rendered"

    def works():
        until = time.monotonic() + 30  # bounded: stopped long before
        while time.monotonic() < until:
            sum(range(100))

    started = time.thread_time()
    with pytest.raises(deadline.DeadlineExceeded):
        deadline.call(works, 0.3)
    assert time.thread_time() - started < 0.3 + 3 * deadline.RETRY


def test_a_render_starved_by_other_threads_still_publishes():
    """What lost publications on a busy server: the index builder and the output warmer
    of a first publication held the interpreter while the watcher rendered the next file."""
    text = "\n\n".join(f"Paragraph {n} with *emphasis* and a [link](/en/)." for n in range(1500))
    costs = []
    for _ in range(2):  # what this body costs on this machine, the quicker of two tries
        started = time.thread_time()
        render(text, timeout=None)
        costs.append(time.thread_time() - started)
    work = min(costs)
    hogs_stop = threading.Event()

    def hog():
        while not hogs_stop.is_set():
            sum(range(1000))

    hogs = [threading.Thread(target=hog) for _ in range(4)]
    for thread in hogs:
        thread.start()
    try:
        started = time.monotonic()
        rendered = render(text, timeout=3 * work)
        waited = time.monotonic() - started
    finally:
        hogs_stop.set()
        for thread in hogs:
            thread.join(10)
    assert "Paragraph 1499" in rendered.html
    # Five threads taking turns: the clock on the wall ran past the deadline.
    assert waited > 3 * work, "the render was not starved; the test proves nothing here"
