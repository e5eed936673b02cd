"""Retrieval quality: paraphrased queries must find their passage in the top 3 (at least 80%)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.archive_bench import TEST_SET, load_test_set, retrieval_top3
from writer_desktop.archive import ArchiveService


def test_the_test_set_is_well_formed():
    passages, queries = load_test_set(TEST_SET)
    assert len(passages) >= 40 and len(queries) >= 40
    assert {passage for _, passage in queries} <= set(passages)
    for text in passages.values():
        assert 2 <= text.count(". ") + text.count("! ") + text.count("? ") + 1 <= 6


def test_retrieval_top3_is_at_least_80_percent(tmp_path: Path):
    with ArchiveService(tmp_path / "archive") as service:
        score = retrieval_top3(service, TEST_SET)
        assert service.count_sync() == len(load_test_set(TEST_SET)[0])
    print(f"retrieval_top3 = {score:.3f}")
    assert score >= 0.8
