"""Cutting text to a budget on real prose: each sentence counted once, and the cut at the
end of a chapter anchored, so that sentences added at the end do not move it."""

from __future__ import annotations

from tests.test_manuscripts.corpus import parse_book
from writer_desktop.context import TokenCounter
from writer_desktop.context.cutting import ANCHOR_STEPS, head, sentences, tail


def _chapter() -> str:
    """A real chapter of about 4,500 words (A Tale of Two Cities, Book II, chapter 6)."""
    book = parse_book("a-tale-of-two-cities")
    chapter = next(s for s in book.chapters if s.title.startswith("VI. Hundreds"))
    return "\n\n".join(chapter.paragraphs)


def _recording(counter: TokenCounter) -> tuple[TokenCounter, list[str]]:
    """A caching counter over `counter`'s tokenizer that records every text it tokenizes."""
    seen: list[str] = []

    def tokenize(text: str) -> int:
        seen.append(text)
        return counter.count(text)

    return TokenCounter("exact", tokenizer=tokenize), seen


def test_tail_fits_the_room_and_keeps_the_paragraphs(exact_counter):
    text = _chapter()
    cut = tail(text, 1200, exact_counter.count)
    assert exact_counter.count(cut) <= 1200
    assert cut.startswith("… ") and cut.endswith("\n")
    assert text.strip().endswith(cut[2:-1])  # a true suffix, line breaks and all
    assert "\n\n" in cut
    assert exact_counter.count(cut) > 1200 - 1200 // ANCHOR_STEPS - 40  # no room wasted


def test_tail_keeps_its_start_while_sentences_are_added_at_the_end(exact_counter):
    text = _chapter()
    starts = []
    for n in range(30):
        text += f" The wind rose again over the roofs, and for the {n + 1}th time she listened."
        cut = tail(text, 1500, exact_counter.count)
        assert exact_counter.count(cut) <= 1500
        starts.append(cut[:80])
    # About 20 tokens a sentence against a grid step of 187: the start moves now and then,
    # never twice in a row, and stays put for most of the edits.
    moves = sum(1 for a, b in zip(starts, starts[1:], strict=False) if a != b)
    assert 1 <= moves <= 5


def test_tail_counts_only_the_new_sentence_after_an_edit(exact_counter):
    counter, seen = _recording(exact_counter)
    text = _chapter()
    tail(text, 1500, counter.count)
    count_of = len(sentences(text, counter.count).starts)
    assert len(seen) <= count_of + 4  # each sentence once, then the result checked
    seen.clear()
    tail(text + " A new sentence, typed just now.", 1500, counter.count)
    assert len(seen) <= 3  # the new sentence and the candidate, nothing else
    assert all(len(t) < 20_000 for t in seen)


def test_sentences_add_up_to_about_the_whole(exact_counter):
    text = _chapter()
    whole = exact_counter.count(text.strip())
    assert abs(sentences(text, exact_counter.count).total - whole) < whole * 0.03


def test_head_keeps_whole_opening_sentences_that_fit(exact_counter):
    text = _chapter()
    cut = head(text, 300, exact_counter.count)
    assert cut is not None and cut.endswith(" …\n")
    assert exact_counter.count(cut) <= 300
    assert text.startswith(cut[: -len(" …\n")])
    assert exact_counter.count(cut) > 300 - 80


def test_a_single_overlong_sentence_is_cut_by_words(exact_counter):
    text = "word " * 2000 + "end."
    cut = tail(text, 100, exact_counter.count)
    assert exact_counter.count(cut) <= 100 and cut.endswith("end.\n")
    assert head(text, 100, exact_counter.count).startswith("word word")
