"""The semantic archive: chunked story text in a local ChromaDB, searched by meaning.

The app keeps ChromaDB and the embedding model in a child process (ArchiveProcess, same
calls as ArchiveService): ChromaDB's Rust core holds Python's GIL through every write, and
in the app's own process that froze the window. Importing this package therefore does not
import ChromaDB; ArchiveService and MiniLMEmbedding load it when first asked for.
"""

import os

# Before any module here imports chromadb: no anonymous usage reports (ArchiveService also
# passes anonymized_telemetry=False to its client).
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from writer_desktop.archive.chunking import Chunk, chunk_text  # noqa: E402
from writer_desktop.archive.errors import ArchiveUnavailableError  # noqa: E402
from writer_desktop.archive.hits import ArchiveHit  # noqa: E402
from writer_desktop.archive.process import ArchiveProcess  # noqa: E402

__all__ = [
    "ArchiveHit",
    "ArchiveProcess",
    "ArchiveService",
    "ArchiveUnavailableError",
    "Chunk",
    "MiniLMEmbedding",
    "chunk_text",
]


def __getattr__(name: str):
    """ArchiveService and MiniLMEmbedding, imported (with ChromaDB) on first use."""
    if name == "ArchiveService":
        from writer_desktop.archive.service import ArchiveService

        return ArchiveService
    if name == "MiniLMEmbedding":
        from writer_desktop.archive.embeddings import MiniLMEmbedding

        return MiniLMEmbedding
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
