"""ArchiveService: the story's semantic archive, chunks of text in a local ChromaDB collection.

Each piece of content (a chapter, a note, a character sheet) is chunked, embedded with
MiniLMEmbedding and stored under ids ``f"{content_id}#{i}"``; storing the same content id
again replaces its chunks. Searches embed the query and return the nearest chunks, optionally
filtered on metadata. The blocking calls have synchronous forms (``*_sync``) for worker
threads; the async ones run those through ``asyncio.to_thread``. Telemetry is off and nothing
touches the network.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import chromadb  # the package __init__ has already turned telemetry off in the environment
from chromadb.config import Settings
from pydantic import BaseModel

from writer_desktop.archive.chunking import chunk_text
from writer_desktop.archive.embeddings import MiniLMEmbedding
from writer_desktop.archive.errors import ArchiveUnavailableError

COLLECTION = "archive"

MetadataValue = str | int | float | bool


class ArchiveHit(BaseModel):
    """One chunk found by a search; a smaller distance (cosine, 0..2) means closer."""

    content_id: str
    chunk_index: int
    text: str
    metadata: dict[str, Any]
    distance: float


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


class ArchiveService:
    """The semantic archive stored in one folder (a ChromaDB persistent client)."""

    def __init__(self, path: Path, embedding: MiniLMEmbedding | None = None) -> None:
        self.path = Path(path)
        self.embedding = embedding or MiniLMEmbedding()
        self._write_lock = threading.Lock()
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
        """Chunk, embed and store `text` in place of any earlier chunks of `content_id`."""
        self._check_open()
        chunks = chunk_text(text)
        base = clean_metadata(metadata)
        documents = [chunk.text.strip() for chunk in chunks]
        metadatas = [{**base, "content_id": content_id, "chunk_index": c.index} for c in chunks]
        ids = [f"{content_id}#{c.index}" for c in chunks]
        # Embed before touching the store, so a failure leaves the old chunks in place.
        embeddings = self.embedding.embed(documents) if documents else None
        with self._write_lock:
            self._collection.delete(where={"content_id": content_id})
            step = max(1, self._client.get_max_batch_size())
            for i in range(0, len(ids), step):
                assert embeddings is not None
                self._collection.add(
                    ids=ids[i : i + step],
                    documents=documents[i : i + step],
                    metadatas=metadatas[i : i + step],  # type: ignore[arg-type]
                    embeddings=embeddings[i : i + step],
                )
        return len(ids)

    def search_sync(
        self, query: str, n_results: int = 5, where: Mapping[str, Any] | None = None
    ) -> list[ArchiveHit]:
        """The chunks nearest to `query` (best first), at most `n_results`."""
        self._check_open()
        limit = min(n_results, self._collection.count())
        if limit <= 0 or not query.strip():
            return []
        result = self._collection.query(
            query_embeddings=self.embedding.embed([query]),
            n_results=limit,
            where=normalise_where(where),
            include=["documents", "metadatas", "distances"],  # type: ignore[list-item]
        )
        documents = (result.get("documents") or [[]])[0]
        metadatas = (result.get("metadatas") or [[]])[0]
        distances = (result.get("distances") or [[]])[0]
        hits = [
            ArchiveHit(
                content_id=str(meta.get("content_id", chunk_id.rpartition("#")[0])),
                chunk_index=int(meta.get("chunk_index", 0)),  # type: ignore[arg-type]
                text=document or "",
                metadata=dict(meta),
                distance=float(distance),
            )
            for chunk_id, document, meta, distance in zip(
                result["ids"][0], documents, metadatas, distances, strict=True
            )
        ]
        return sorted(hits, key=lambda hit: hit.distance)

    def delete_content_sync(self, content_id: str) -> None:
        """Remove every chunk of `content_id` (nothing happens if there are none)."""
        self._check_open()
        with self._write_lock:
            self._collection.delete(where={"content_id": content_id})

    def count_sync(self) -> int:
        """How many chunks the archive holds."""
        self._check_open()
        return self._collection.count()

    # -- async API (blocking work in a thread) --------------------------------

    async def store_content(
        self, content_id: str, text: str, metadata: dict[str, Any] | None = None
    ) -> int:
        return await asyncio.to_thread(self.store_content_sync, content_id, text, metadata)

    async def search(
        self, query: str, n_results: int = 5, where: dict[str, Any] | None = None
    ) -> list[ArchiveHit]:
        return await asyncio.to_thread(self.search_sync, query, n_results, where)

    async def delete_content(self, content_id: str) -> None:
        await asyncio.to_thread(self.delete_content_sync, content_id)

    async def count(self) -> int:
        return await asyncio.to_thread(self.count_sync)

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
