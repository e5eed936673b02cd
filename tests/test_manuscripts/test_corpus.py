"""The corpus of real novels: every file imports to its expected chapters, with its first
words and its italics, read as the app reads it (in a capped child process)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.test_manuscripts.corpus import SPECS, expectations, load_expectations, parse_book
from tests.test_manuscripts.corpus_check import check_file


@pytest.fixture(scope="session")
def corpus_results(corpus_folder):
    expected = load_expectations()

    def check(item):
        name, meta = item
        return name, meta, check_file(corpus_folder / name, expected["novels"][meta["novel"]])

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(check, sorted(expected["files"].items())))


def test_expectations_follow_from_the_novels_specs():
    expected = load_expectations()["novels"]
    assert sorted(expected) == sorted(SPECS)
    for slug in SPECS:
        assert expectations(parse_book(slug)) == expected[slug], slug


def test_corpus_has_eight_novels_in_every_format(corpus_folder):
    files = load_expectations()["files"]
    assert len({meta["novel"] for meta in files.values()}) >= 8
    assert {meta["format"] for meta in files.values()} >= {
        ".txt",
        ".md",
        ".docx",
        ".odt",
        ".rtf",
        ".epub",
    }
    assert all((corpus_folder / name).is_file() for name in files)


def test_every_corpus_file_imports_to_its_expected_chapters(corpus_results):
    table = [
        f"{name:42} {meta['format']:6} {meta['tool'][:40]:40} "
        f"{result['found']:>3}/{result['expected']:<3} {'ok' if result['ok'] else 'WRONG'} "
        f"{result['why']}"
        for name, meta, result in corpus_results
    ]
    print("\n" + "\n".join(table))
    wrong = [
        line
        for line, (_, _, result) in zip(table, corpus_results, strict=False)
        if not result["ok"]
    ]
    assert not wrong, "\n".join(wrong)
