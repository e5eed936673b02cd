"""The spell checker's word list, read a slice at a time off the GUI thread."""

from __future__ import annotations

from spellchecker import SpellChecker

from tests.gil import longest_wait
from writer_desktop.services.spelling import fill_word_frequency, load_word_list


def _sliced_checker() -> SpellChecker:
    checker = SpellChecker(language=None, distance=2)
    fill_word_frequency(checker.word_frequency, load_word_list("en"))
    return checker


def test_the_sliced_word_list_is_the_one_pyspellchecker_loads():
    ours, theirs = _sliced_checker(), SpellChecker(language="en", distance=2)
    a, b = ours.word_frequency, theirs.word_frequency
    assert dict(a.dictionary) == dict(b.dictionary)
    assert (a.total_words, a.unique_words, a.longest_word_length, a.letters) == (
        b.total_words,
        b.unique_words,
        b.longest_word_length,
        b.letters,
    )
    assert ours.candidates("helo") == theirs.candidates("helo")
    assert ours.correction("speling") == "spelling"
    assert "teh" not in ours and "the" in ours


def test_loading_the_word_list_lets_other_threads_run():
    """The window's thread needs the GIL to answer: one json.loads of the whole list held
    it for about 50 ms, and so did the scan of every word's letters."""
    with longest_wait() as waited:
        _sliced_checker()
    assert waited[0] < 0.025, waited
