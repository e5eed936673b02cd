"""ArchiveHit: one content a search found (importable without ChromaDB, so the app's own
process reads hits the archive's child process sends it)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ArchiveHit(BaseModel):
    """One content found by a search, shown by its best chunk. Hits come best first by
    `score` (fused rank, higher is better); `distance` is that chunk's cosine distance to
    the query (0..2, smaller is closer)."""

    content_id: str
    chunk_index: int
    text: str
    metadata: dict[str, Any]
    distance: float
    score: float = 0.0
