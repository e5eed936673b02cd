"""ArchiveService: the story's semantic archive, chunks of text in a local ChromaDB collection.

Each piece of content (a chapter, a note, a character sheet) is chunked and each chunk is
stored under an id made from a hash of its text (``f"{content_id}#{hash}"``). Storing a
content again embeds only its new or changed chunks and drops the ones that went, so
re-saving or reopening an unchanged story embeds nothing. A search ranks contents by dense
(MiniLM) and lexical (BM25) scores fused by reciprocal rank and returns each content's best
chunk, optionally filtered on metadata. The blocking calls have synchronous forms
(``*_sync``) for worker threads; the async ones run those through ``asyncio.to_thread``.
Telemetry is off and nothing touches the network.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import chromadb  # the package __init__ has already turned telemetry off in the environment
import numpy as np
from chromadb.config import Settings

from writer_desktop.archive.async_forms import AsyncForms
from writer_desktop.archive.chunking import chunk_text
from writer_desktop.archive.embeddings import MiniLMEmbedding
from writer_desktop.archive.errors import ArchiveUnavailableError
from writer_desktop.archive.fusion import SearchCorpus, chunk_ids
from writer_desktop.archive.hits import ArchiveHit

COLLECTION = "archive"

MetadataValue = str | int | float | bool


def clean_metadata(metadata: Mapping[str, Any] | None) -> dict[str, MetadataValue]:
    """Metadata ChromaDB accepts: None dropped, lists joined with ", ", other objects as str."""
    cleaned: dict[str, MetadataValue] = {}
    for key, value in (metadata or {}).items():
        if value is None:
            continue
        if isinstance(value, str | int | float | bool):
            cleaned[str(key)] = value
        elif isinstance(value, list | tuple | set | frozenset):
            cleaned[str(key)] = ", ".join(str(item) for item in value if item is not None)
        else:
            cleaned[str(key)] = str(value)
    return cleaned


def normalise_where(where: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A ChromaDB filter; a flat dict with several keys becomes {"$and": [{k: v}, ...]}."""
    if not where:
        return None
    if len(where) == 1 or any(key.startswith("$") for key in where):
        return dict(where)
    return {"$and": [{key: value} for key, value in where.items()]}


# Chunks per ChromaDB write. Its Rust core holds Python's GIL through a whole call (about
# 6 ms, and 1 ms a chunk more): a chapter's 46 chunks in one call held the window's thread
# for 56 ms while a story was archived in the background.
WRITE_BATCH = 4


class ArchiveService(AsyncForms):
    """The semantic archive stored in one folder (a ChromaDB persistent client)."""

    def __init__(self, path: Path, embedding: MiniLMEmbedding | None = None) -> None:
        self.path = Path(path)
        self.embedding = embedding or MiniLMEmbedding()
        self.embedded_chunks = 0  # how many chunks this service has embedded, for tests
        self._write_lock = threading.Lock()
        self._corpus_lock = threading.Lock()
        self._generation = 0  # bumped by every write; search corpora of older ones are stale
        self._corpora: dict[str, tuple[int, SearchCorpus]] = {}
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            self._client = chromadb.PersistentClient(
                path=str(self.path),
                settings=Settings(anonymized_telemetry=False, allow_reset=False),
            )
            self._collection = self._client.get_or_create_collection(
                COLLECTION,
                configuration={"hnsw": {"space": "cosine"}},
                embedding_function=self.embedding,  # type: ignore[arg-type]
            )
        except ArchiveUnavailableError:
            raise
        except Exception as exc:
            raise ArchiveUnavailableError(
                f"The archive in {self.path} could not be opened: {exc}"
            ) from exc
        self._closed = False

    # -- synchronous API (for worker threads) ---------------------------------

    def store_content_sync(
        self, content_id: str, text: str, metadata: Mapping[str, Any] | None = None
    ) -> int:
        """Store `text` as `content_id`'s chunks in place of its earlier ones; only chunks
        whose text is new are embedded. Returns how many chunks the content has now."""
        self._check_open()
        chunks = chunk_text(text)
        base = clean_metadata(metadata)
        documents = [chunk.text.strip() for chunk in chunks]
        ids = chunk_ids(content_id, documents)
        metadatas = [{**base, "content_id": content_id, "chunk_index": c.index} for c in chunks]
        stored = self._collection.get(where={"content_id": content_id}, include=["metadatas"])
        old = dict(zip(stored["ids"], stored.get("metadatas") or [], strict=True))
        new = [i for i, chunk_id in enumerate(ids) if chunk_id not in old]
        changed = [
            i for i, chunk_id in enumerate(ids) if chunk_id in old and old[chunk_id] != metadatas[i]
        ]
        gone = sorted(set(old) - set(ids))
        # Embed before touching the store, so a failure leaves the old chunks in place.
        vectors = self.embedding.embed_in_background([documents[i] for i in new]) if new else None
        self.embedded_chunks += len(new)
        with self._write_lock:
            step = max(1, min(WRITE_BATCH, self._client.get_max_batch_size()))
            for i in range(0, len(gone), step):
                self._collection.delete(ids=gone[i : i + step])
            for i in range(0, len(new), step):
                part = new[i : i + step]
                assert vectors is not None
                self._collection.add(
                    ids=[ids[j] for j in part],
                    documents=[documents[j] for j in part],
                    metadatas=[metadatas[j] for j in part],  # type: ignore[misc]
                    embeddings=vectors[i : i + step],
                )
            for i in range(0, len(changed), step):
                part = changed[i : i + step]
                self._collection.update(
                    ids=[ids[j] for j in part],
                    metadatas=[metadatas[j] for j in part],  # type: ignore[misc]
                )
            if new or gone or changed:
                self._generation += 1
        return len(ids)

    def search_sync(
        self, query: str, n_results: int = 5, where: Mapping[str, Any] | None = None
    ) -> list[ArchiveHit]:
        """The contents that best match `query` (best first, at most `n_results`), each as
        its best chunk: dense and BM25 rankings fused by reciprocal rank."""
        self._check_open()
        if n_results <= 0 or not query.strip():
            return []
        corpus = self._corpus(where)
        if not len(corpus):
            return []
        vector = self.embedding.embed([query])[0]
        hits = []
        for ranked in corpus.rank(query, vector)[:n_results]:
            meta = corpus.metadatas[ranked.row]
            hits.append(
                ArchiveHit(
                    content_id=ranked.content_id,
                    chunk_index=int(meta.get("chunk_index", 0)),
                    text=corpus.documents[ranked.row],
                    metadata=dict(meta),
                    distance=corpus.dense_distance(ranked.row, vector),
                    score=ranked.score,
                )
            )
        return hits

    def _corpus(self, where: Mapping[str, Any] | None) -> SearchCorpus:
        """The chunks matching `where`, loaded once per write generation."""
        condition = normalise_where(where)
        key = json.dumps(condition, sort_keys=True, default=str)
        with self._corpus_lock:
            generation = self._generation
            cached = self._corpora.get(key)
            if cached is not None and cached[0] == generation:
                return cached[1]
            result = self._collection.get(
                where=condition,
                include=["documents", "metadatas", "embeddings"],  # type: ignore[list-item]
            )
            ids = list(result["ids"])
            embeddings = result.get("embeddings")
            corpus = SearchCorpus(
                ids,
                [doc or "" for doc in (result.get("documents") or [])],
                [dict(meta or {}) for meta in (result.get("metadatas") or [])],
                np.asarray(embeddings if embeddings is not None and len(ids) else [], np.float32),
            )
            if len(self._corpora) > 16:  # filters seen in one session are few; stay bounded
                self._corpora.clear()
            self._corpora[key] = (generation, corpus)
            return corpus

    def content_ids_sync(self, where: Mapping[str, Any] | None = None) -> set[str]:
        """The ids of the contents stored (matching `where`)."""
        self._check_open()
        result = self._collection.get(where=normalise_where(where), include=["metadatas"])
        return {
            str(meta.get("content_id", chunk_id.rpartition("#")[0]))
            for chunk_id, meta in zip(result["ids"], result.get("metadatas") or [], strict=True)
        }

    def delete_content_sync(self, content_id: str) -> None:
        """Remove every chunk of `content_id` (nothing happens if there are none)."""
        self._check_open()
        with self._write_lock:
            self._collection.delete(where={"content_id": content_id})
            self._generation += 1

    def count_sync(self) -> int:
        """How many chunks the archive holds."""
        self._check_open()
        return self._collection.count()

    # -- lifetime ---------------------------------------------------------------

    def close(self) -> None:
        """Release the store (its files stay); later calls raise ArchiveUnavailableError."""
        if self._closed:
            return
        self._closed = True
        self._client.close()

    def __enter__(self) -> ArchiveService:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _check_open(self) -> None:
        if self._closed:
            raise ArchiveUnavailableError("The archive has been closed")
