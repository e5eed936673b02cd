"""SpellingService: spell check as the author types, English (pyspellchecker's word list,
MIT, inside the package) plus the words the author added to the open story."""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import pkgutil
import re
from collections import Counter
from typing import Any

from writer_desktop.services.story_service import StoryService

log = logging.getLogger(__name__)

# Letters, with apostrophes inside (don't, o'clock); digits and underscores split words.
WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")
# The word list is read this many characters (and words) at a time; see load_word_list.
SLICE_CHARS = 64_000
SLICE_WORDS = 5_000


class SpellingService:
    """Which words are misspelt, and what they might be. The word list loads off the GUI
    thread (about 0.3 s); until then nothing is marked."""

    def __init__(self, stories: StoryService, language: str = "en") -> None:
        self.stories = stories
        self.language = language
        self._checker = None
        self._story_words: set[str] = set()
        self._story_serial: object = None
        self._verdicts: dict[str, bool] = {}  # word -> misspelt, for this story's words

    @property
    def ready(self) -> bool:
        return self._checker is not None

    async def load(self) -> None:
        """Load the word list in a thread; safe to await more than once."""
        if self._checker is None:
            self._checker = await asyncio.to_thread(self._make_checker)

    def load_now(self) -> None:
        """Load the word list on this thread (tests, the self-test)."""
        if self._checker is None:
            self._checker = self._make_checker()

    def _make_checker(self):
        from spellchecker import SpellChecker

        checker = SpellChecker(language=None, distance=2)
        fill_word_frequency(checker.word_frequency, load_word_list(self.language))
        return checker

    def _added(self) -> set[str]:
        serial = self.stories.session.serial if self.stories.is_open else None
        if serial != self._story_serial:
            self._story_serial = serial
            words = {w.lower() for w in self.stories.dictionary_words()}
            if self.stories.is_open:  # the cast's names are never misspelt
                for character in self.stories.characters():
                    words.update(
                        m[0].replace("\u2019", "'").lower() for m in WORD.finditer(character.name)
                    )
            self._story_words = words
            self._verdicts.clear()
        return self._story_words

    def is_misspelt(self, word: str) -> bool:
        """True when neither the dictionary nor the story knows the word. Words in capitals
        (acronyms) and single letters pass."""
        if self._checker is None or len(word) < 2 or word.isupper():
            return False
        key = word.replace("\u2019", "'").lower()
        if key in self._added():
            return False
        return key not in self._checker

    def misspelt_spans(self, text: str) -> list[tuple[int, int]]:
        """(start, length) of each misspelt word of a paragraph (about 3 µs a word once
        the words have been seen: the page is checked again at every keystroke)."""
        if self._checker is None:
            return []
        self._added()
        verdicts = self._verdicts
        spans = []
        for match in WORD.finditer(text):
            word = match[0]
            wrong = verdicts.get(word)
            if wrong is None:
                wrong = verdicts[word] = self.is_misspelt(word)
            if wrong:
                spans.append((match.start(), match.end() - match.start()))
        return spans

    def suggestions(self, word: str, limit: int = 6) -> list[str]:
        """Likely corrections, most common first, in the word's own capitalisation."""
        if self._checker is None:
            return []
        key = word.replace("\u2019", "'").lower()
        found = self._checker.candidates(key) or set()
        ranked = sorted(found, key=lambda w: -self._checker.word_usage_frequency(w))
        ranked = [w for w in ranked if w != key][:limit]
        if word[:1].isupper():
            ranked = [w[:1].upper() + w[1:] for w in ranked]
        return ranked

    def refresh(self) -> None:
        """The story's words changed elsewhere (a character added or renamed)."""
        self._story_serial = object()

    def add_word(self, word: str) -> None:
        """Add a word to the open story's dictionary (kept in the story file)."""
        self.stories.add_dictionary_word(word.replace("\u2019", "'").lower())
        self._story_serial = object()  # read again on next check


def load_word_list(language: str) -> Counter[str]:
    """pyspellchecker's word list for `language` (lower-cased word -> count), parsed a slice
    at a time. SpellChecker(language=...) parses it with one json.loads and then scans every
    word in one call: each held the GIL for 50-70 ms, and the window, whose thread needs
    the GIL to answer, froze twice while the app started. The list has one entry a line."""
    data = pkgutil.get_data("spellchecker", f"resources/{language}.json.gz")
    if not data:
        raise ValueError(f"no word list for {language}")
    text = gzip.decompress(data).decode("utf-8").strip()
    if not (text.startswith("{") and text.endswith("}")):
        raise ValueError(f"the {language} word list is not a JSON object")
    words: Counter[str] = Counter()
    start, end = 1, len(text) - 1
    while start < end:
        cut = text.find("\n", min(start + SLICE_CHARS, end))
        cut = end if cut == -1 else cut  # one long line: parsed whole, slower, still right
        entries = text[start:cut].strip().rstrip(",")
        if entries:
            for word, count in json.loads("{" + entries + "}").items():
                words[word.lower()] += count  # as SpellChecker sums words that differ in case
        start = cut + 1
    return words


def fill_word_frequency(frequency: Any, words: Counter[str]) -> None:
    """What WordFrequency.load_json does with `words` (pyspellchecker is pinned), its totals
    computed a slice at a time so that no single call holds the GIL long."""
    dictionary = frequency._dictionary
    keys = list(words)
    letters: set[str] = set()
    longest = 0
    for first in range(0, len(keys), SLICE_WORDS):
        part = keys[first : first + SLICE_WORDS]
        dictionary.update({key: words[key] for key in part})
        letters.update(*part)
        longest = max(longest, *map(len, part))
    frequency._letters = letters
    frequency._longest_word_length = longest
    frequency._total_words = sum(dictionary.values())
    frequency._unique_words = len(dictionary)
