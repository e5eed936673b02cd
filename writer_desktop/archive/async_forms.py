"""AsyncForms: the archive's async calls, each of its blocking calls awaited on a worker
thread (ArchiveService and ArchiveProcess both offer them)."""

from __future__ import annotations

import asyncio
from typing import Any

from writer_desktop.archive.hits import ArchiveHit


class AsyncForms:
    """Mixed into a class with store_content_sync, search_sync, delete_content_sync and
    count_sync."""

    async def store_content(
        self, content_id: str, text: str, metadata: dict[str, Any] | None = None
    ) -> int:
        """store_content_sync in a worker thread."""
        store = self.store_content_sync  # type: ignore[attr-defined]
        return await asyncio.to_thread(store, content_id, text, metadata)

    async def search(
        self, query: str, n_results: int = 5, where: dict[str, Any] | None = None
    ) -> list[ArchiveHit]:
        """search_sync in a worker thread."""
        search = self.search_sync  # type: ignore[attr-defined]
        return await asyncio.to_thread(search, query, n_results, where)

    async def delete_content(self, content_id: str) -> None:
        await asyncio.to_thread(self.delete_content_sync, content_id)  # type: ignore[attr-defined]

    async def count(self) -> int:
        return await asyncio.to_thread(self.count_sync)  # type: ignore[attr-defined]
