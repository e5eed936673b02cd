"""The semantic archive: chunked story text in a local ChromaDB, searched by meaning."""

import os

# Before any module here imports chromadb: no anonymous usage reports (ArchiveService also
# passes anonymized_telemetry=False to its client).
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from writer_desktop.archive.chunking import Chunk, chunk_text  # noqa: E402
from writer_desktop.archive.embeddings import MiniLMEmbedding  # noqa: E402
from writer_desktop.archive.errors import ArchiveUnavailableError  # noqa: E402
from writer_desktop.archive.service import ArchiveHit, ArchiveService  # noqa: E402

__all__ = [
    "ArchiveHit",
    "ArchiveService",
    "ArchiveUnavailableError",
    "Chunk",
    "MiniLMEmbedding",
    "chunk_text",
]
