"""chunk_text: sizes, overlap, paragraph/sentence breaks, and (by hypothesis) nothing lost."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from writer_desktop.archive.chunking import chunk_text


def _sentence(i: int, words: int = 12) -> str:
    return f"Sentence {i} " + " ".join(f"w{i}x{j}" for j in range(words - 3)) + " end."


def _covered(text: str, chunks) -> bool:
    covered = [False] * len(text)
    for chunk in chunks:
        for i in range(chunk.start, chunk.end):
            covered[i] = True
    return all(covered)


def test_empty_and_whitespace_give_no_chunks():
    assert chunk_text("") == []
    assert chunk_text("  \n\n\t ") == []


def test_short_text_is_one_chunk_with_the_whole_text():
    text = "  The storm came in. It broke the fence!\n"
    [chunk] = chunk_text(text)
    assert (chunk.index, chunk.start, chunk.end, chunk.text) == (0, 0, len(text), text)


def test_long_text_is_chunked_with_overlap_at_sentence_breaks():
    text = " ".join(_sentence(i) for i in range(100))  # 1,200 words
    chunks = chunk_text(text, target_words=180, overlap_words=40)
    assert 7 <= len(chunks) <= 10
    for chunk in chunks:
        assert len(chunk.text.split()) <= 180
        assert chunk.text.strip().endswith("end.")  # ends at a sentence break
        assert chunk.text.startswith("Sentence")
    for first, second in zip(chunks, chunks[1:], strict=False):
        shared = text[second.start : first.end]
        assert 30 <= len(shared.split()) <= 60  # about 40 words of overlap


def test_chunks_prefer_paragraph_breaks():
    paragraphs = [" ".join(_sentence(p * 10 + i) for i in range(10)) for p in range(4)]
    text = "\n\n".join(paragraphs)  # paragraphs of 120 words
    chunks = chunk_text(text, target_words=180, overlap_words=0)
    assert [c.text.strip() for c in chunks] == paragraphs


def test_an_overlong_sentence_is_split_between_words():
    text = " ".join(f"word{i}" for i in range(1000)) + "."
    chunks = chunk_text(text, target_words=100, overlap_words=20)
    assert len(chunks) > 10
    assert all(len(c.text.split()) <= 100 for c in chunks)
    assert all(not c.text[0].isspace() for c in chunks)
    assert _covered(text, chunks)


def test_dialogue_tags_do_not_start_a_sentence():
    text = '"Who is there?" she asked. Nobody answered.'
    chunks = chunk_text(text, target_words=5, overlap_words=0)
    assert chunks[0].text.strip() == '"Who is there?" she asked.'


@pytest.mark.parametrize(("target", "overlap"), [(0, 0), (10, 10), (10, -1)])
def test_bad_sizes_are_refused(target, overlap):
    with pytest.raises(ValueError):
        chunk_text("Some text.", target, overlap)


_PROSE = st.lists(
    st.one_of(
        st.sampled_from(["The", "rain", "fell.", "Mara", "ran!", "Why?", '"Stop."', "she"]),
        st.sampled_from([" ", "  ", "\n", "\n\n", "\t", " \n \n "]),
        st.text(min_size=1, max_size=8),
    ),
    max_size=300,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(
    text=_PROSE,
    target=st.integers(min_value=1, max_value=60),
    overlap_share=st.floats(min_value=0, max_value=0.9),
)
def test_nothing_is_lost_and_chunks_are_ordered(text, target, overlap_share):
    overlap = min(int(target * overlap_share), target - 1)
    chunks = chunk_text(text, target, overlap)
    if not text.strip():
        assert chunks == []
        return
    assert [c.index for c in chunks] == list(range(len(chunks)))
    assert chunks[0].start == 0 and chunks[-1].end == len(text)
    for chunk in chunks:
        assert chunk.text == text[chunk.start : chunk.end]
        assert chunk.text.strip()
        assert len(chunk.text.split()) <= target
    for first, second in zip(chunks, chunks[1:], strict=False):
        assert first.start < second.start
        assert first.end < second.end
        assert second.start <= first.end  # no gap between neighbours
    assert _covered(text, chunks)
