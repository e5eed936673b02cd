"""The archive's own exception: raised when the model files or the archive folder are unusable."""

from __future__ import annotations


class ArchiveUnavailableError(RuntimeError):
    """The semantic archive cannot work: a model file is missing or the store cannot open."""
