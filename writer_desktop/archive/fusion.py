"""Hybrid ranking: chunk ids keyed by their text, reciprocal-rank fusion, and SearchCorpus,
which ranks stored contents (chapters, notes) for a query by dense and BM25 scores together.

Measured on the real-novel question set (tests/files/retrieval/novels.json, 108 questions
over four novels): dense MiniLM alone put the right chapter in the top 3 for 0.74 of the
questions, BM25 alone 0.78, both fused by reciprocal rank at the chapter level 0.87. Plain
fusion cost the paraphrase passage set (queries that share no word with their passage) a lot:
0.98 dense alone, 0.60 fused. Counting a chunk on the lexical side only when it shares at
least two distinct query words, and weighing that side 0.7, keeps both: 0.87 on the novels
(0.88 mean per novel) and 0.88 on the passages. See benchmarks/archive_bench.py.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

# Reciprocal-rank fusion: score = sum of weight / (RRF_K + rank). The novels scored within
# 0.02 for k from 5 to 60; 10 kept the paraphrase set best.
RRF_K = 10
LEXICAL_WEIGHT = 0.7
# One shared word ("night", "house") is mostly chance; two distinct ones are evidence.
MIN_SHARED_WORDS = 2


def chunk_ids(content_id: str, texts: Sequence[str]) -> list[str]:
    """One id per chunk, ``content_id#<hash of its text>``: an unchanged chunk keeps its id
    (so it is never embedded again); a text repeated within the content gets ``~2``, ``~3``."""
    seen: dict[str, int] = {}
    ids = []
    for text in texts:
        digest = hashlib.blake2b(text.encode("utf-8"), digest_size=10).hexdigest()
        seen[digest] = seen.get(digest, 0) + 1
        suffix = f"~{seen[digest]}" if seen[digest] > 1 else ""
        ids.append(f"{content_id}#{digest}{suffix}")
    return ids


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]], k: int = RRF_K, weights: Sequence[float] | None = None
) -> dict[str, float]:
    """Each key's sum of weight / (k + rank) over the rankings it appears in (rank 1 is
    best; every weight 1 unless given)."""
    fused: dict[str, float] = {}
    for number, ranking in enumerate(rankings):
        weight = weights[number] if weights is not None else 1.0
        for rank, key in enumerate(ranking, start=1):
            fused[key] = fused.get(key, 0.0) + weight / (k + rank)
    return fused


def rank_groups(scores: npt.NDArray[np.float32], groups: Sequence[str]) -> list[str]:
    """Groups ordered by their best member's score (ties keep first appearance)."""
    best: dict[str, float] = {}
    for index in np.argsort(-scores, kind="stable"):
        best.setdefault(groups[index], float(scores[index]))
    return list(best)


@dataclass(frozen=True)
class Ranked:
    """One content's place in a search: its fused score and its best chunk (a row)."""

    content_id: str
    score: float
    row: int


class SearchCorpus:
    """The stored chunks matching one filter, held in memory for fast hybrid search.

    Dense scores are exact cosine similarities (the vectors are unit length); lexical scores
    are BM25 (``bm25s``, English stop words). Each content is ranked by its best chunk under
    each scorer, and the two content rankings are fused by reciprocal rank. On the lexical
    side only chunks sharing at least MIN_SHARED_WORDS distinct query words count (fewer
    when the query has fewer); a content without one is ranked by the dense side alone.
    """

    def __init__(
        self,
        ids: list[str],
        documents: list[str],
        metadatas: list[dict[str, Any]],
        embeddings: npt.NDArray[np.float32],
    ) -> None:
        import bm25s

        self.ids = ids
        self.documents = documents
        self.metadatas = metadatas
        vectors = np.asarray(embeddings, dtype=np.float32)
        self.embeddings = vectors.reshape(len(ids), -1) if len(ids) else vectors.reshape(0, 0)
        self.contents = [
            str(meta.get("content_id", chunk_id.rpartition("#")[0]))
            for chunk_id, meta in zip(ids, metadatas, strict=True)
        ]
        self._bm25 = None
        if documents:
            tokens = bm25s.tokenize(documents, stopwords="en", show_progress=False)
            self._bm25 = bm25s.BM25()
            self._bm25.index(tokens, show_progress=False)

    def __len__(self) -> int:
        return len(self.ids)

    @staticmethod
    def query_words(query: str) -> int:
        """How many distinct words of `query` BM25 uses (stop words left out)."""
        import bm25s

        return len(
            set(bm25s.tokenize([query], stopwords="en", show_progress=False, return_ids=False)[0])
        )

    def lexical_scores(self, query: str) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int_]]:
        """BM25 score of every chunk for `query`, and how many distinct query words each
        chunk contains (zeros where none occurs)."""
        import bm25s

        scores = np.zeros(len(self.ids), dtype=np.float32)
        shared = np.zeros(len(self.ids), dtype=np.int_)
        if self._bm25 is None:
            return scores, shared
        words = bm25s.tokenize([query], stopwords="en", show_progress=False, return_ids=False)[0]
        for word in dict.fromkeys(words):  # BM25 is a sum over the query's words
            part = np.asarray(self._bm25.get_scores([word]), dtype=np.float32)
            scores += part * words.count(word)
            shared += part > 0
        return scores, shared

    def rank(self, query: str, query_vector: npt.NDArray[np.float32]) -> list[Ranked]:
        """Every content, best first, each with its best chunk."""
        if not self.ids:
            return []
        dense = self.embeddings @ np.asarray(query_vector, dtype=np.float32).reshape(-1)
        lexical, shared = self.lexical_scores(query)
        needed = min(MIN_SHARED_WORDS, self.query_words(query)) or 1
        lexical = np.where(shared >= needed, lexical, 0.0)
        rankings = [rank_groups(dense, self.contents)]
        matched = np.flatnonzero(lexical > 0)
        if matched.size:
            rankings.append(rank_groups(lexical[matched], [self.contents[i] for i in matched]))
        fused = reciprocal_rank_fusion(rankings, weights=[1.0, LEXICAL_WEIGHT])
        # The passage shown for a content: its chunk with the best fused chunk rank.
        order_dense = np.argsort(-dense, kind="stable")
        order_lexical = np.argsort(-lexical, kind="stable")
        chunk_score = np.zeros(len(self.ids))
        positions = 1.0 / (RRF_K + np.arange(1, len(self.ids) + 1))
        chunk_score[order_dense] += positions
        if matched.size:
            chunk_score[order_lexical] += LEXICAL_WEIGHT * np.where(
                lexical[order_lexical] > 0, positions, 0.0
            )
        best_row: dict[str, int] = {}
        for row in np.argsort(-chunk_score, kind="stable"):
            best_row.setdefault(self.contents[row], int(row))
        ranked = [Ranked(content, score, best_row[content]) for content, score in fused.items()]
        ranked.sort(key=lambda item: -item.score)
        return ranked

    def dense_distance(self, row: int, query_vector: npt.NDArray[np.float32]) -> float:
        """Cosine distance (0..2) between one chunk and the query."""
        return float(1.0 - self.embeddings[row] @ np.asarray(query_vector).reshape(-1))
