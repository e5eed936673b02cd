"""Hybrid ranking without the model: chunk ids keyed by text, reciprocal-rank fusion, and
SearchCorpus ranking contents by dense and BM25 scores together."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from writer_desktop.archive.fusion import (
    LEXICAL_WEIGHT,
    RRF_K,
    SearchCorpus,
    chunk_ids,
    rank_groups,
    reciprocal_rank_fusion,
)


def test_chunk_ids_depend_on_the_text_only():
    first = chunk_ids("story:chapter:1", ["The storm came.", "Then it passed."])
    again = chunk_ids("story:chapter:1", ["A new opening.", "The storm came.", "Then it passed."])
    assert first == again[1:]
    assert all(chunk_id.startswith("story:chapter:1#") for chunk_id in again)
    assert chunk_ids("story:chapter:2", ["The storm came."])[0] != first[0]


def test_a_repeated_chunk_text_gets_its_own_id():
    ids = chunk_ids("c", ["* * *", "Words.", "* * *", "* * *"])
    assert len(set(ids)) == 4
    assert ids[2] == ids[0] + "~2" and ids[3] == ids[0] + "~3"


@given(st.lists(st.text(max_size=30), max_size=20))
def test_chunk_ids_are_unique_and_stable(texts):
    ids = chunk_ids("c", texts)
    assert len(set(ids)) == len(ids) == len(texts)
    assert chunk_ids("c", texts) == ids


def test_fusion_rewards_agreement_between_rankings():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "c", "a"]])
    assert max(fused, key=fused.__getitem__) == "b"
    assert fused["b"] == 1 / (RRF_K + 2) + 1 / (RRF_K + 1)
    only_one = reciprocal_rank_fusion([["a", "b"], ["z"]])
    assert set(only_one) == {"a", "b", "z"} and only_one["a"] == only_one["z"]


def test_groups_are_ranked_by_their_best_member():
    scores = np.array([0.1, 0.9, 0.5, 0.8], dtype=np.float32)
    assert rank_groups(scores, ["x", "y", "x", "z"]) == ["y", "z", "x"]


def _corpus() -> SearchCorpus:
    # Two-dimensional "embeddings" stand in for the model: chapter 1 points one way,
    # chapter 2 the other; only chapter 2's second chunk names Wickham.
    docs = [
        "The ball at Netherfield was crowded and loud.",
        "Dancing went on until late.",
        "A letter arrived at breakfast.",
        "Wickham had gone to London with Lydia.",
    ]
    vectors = np.array([[1, 0], [0.9, 0.44], [0, 1], [0.6, 0.8]], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = chunk_ids("ch1", docs[:2]) + chunk_ids("ch2", docs[2:])
    metas = [
        {"content_id": c, "chunk_index": i}
        for c, i in (("ch1", 0), ("ch1", 1), ("ch2", 0), ("ch2", 1))
    ]
    return SearchCorpus(ids, docs, metas, vectors)


def test_a_name_the_dense_side_misses_is_found_by_bm25():
    corpus = _corpus()
    query_vector = np.array([1.0, 0.0], dtype=np.float32)  # dense alone prefers chapter 1
    ranked = corpus.rank("when Wickham ran off to London", query_vector)
    assert [r.content_id for r in ranked] == ["ch2", "ch1"]
    assert ranked[0].score == 1 / (RRF_K + 2) + LEXICAL_WEIGHT / (RRF_K + 1)
    # Each content is shown by one chunk; chapter 2's is the one that names him.
    best = {r.content_id: corpus.documents[r.row] for r in ranked}
    assert "Wickham" in best["ch2"]


def test_without_any_word_in_common_the_dense_ranking_decides():
    corpus = _corpus()
    ranked = corpus.rank("zzz qqq", np.array([0.0, 1.0], dtype=np.float32))
    assert [r.content_id for r in ranked] == ["ch2", "ch1"]
    assert corpus.lexical_scores("zzz")[0].sum() == 0


def test_one_shared_word_is_not_lexical_evidence_when_the_query_has_more():
    corpus = _corpus()
    scores, shared = corpus.lexical_scores("a crowded letter")
    assert shared.max() == 1 and scores.max() > 0
    # Both chapters share one word with the query: the dense side alone decides.
    ranked = corpus.rank("a crowded letter", np.array([0.0, 1.0], dtype=np.float32))
    assert [r.content_id for r in ranked] == ["ch2", "ch1"]
    assert ranked[0].score == 1 / (RRF_K + 1)
    # A one-word query needs only that word.
    assert corpus.rank("Wickham", np.array([1.0, 0.0], dtype=np.float32))[0].content_id == "ch2"


def test_weights_scale_a_ranking_in_the_fusion():
    fused = reciprocal_rank_fusion([["a"], ["b"]], k=10, weights=[1.0, 0.5])
    assert fused == {"a": 1 / 11, "b": 0.5 / 11}


def test_an_empty_corpus_ranks_nothing():
    empty = SearchCorpus([], [], [], np.zeros((0, 0), dtype=np.float32))
    assert len(empty) == 0 and empty.rank("storm", np.ones(2, dtype=np.float32)) == []
