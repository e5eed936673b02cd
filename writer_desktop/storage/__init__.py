"""One SQLite file per story, through the SQLAlchemy ORM: opening and checking it, the
write lock, backups, the chapter trash."""

from writer_desktop.storage.backups import (
    copy_story,
    list_backups,
    make_backup,
    prune_backups,
)
from writer_desktop.storage.errors import (
    DamagedStoryError,
    ForeignSchemaError,
    NewerSchemaError,
    NotAStoryError,
    ReadOnlyStoryError,
    RowMissingError,
    StoryFileError,
    StoryLockedError,
)
from writer_desktop.storage.filesystems import is_network_folder
from writer_desktop.storage.lock import LockHolder, StoryLock
from writer_desktop.storage.store import StoryStore

__all__ = [
    "DamagedStoryError",
    "ForeignSchemaError",
    "LockHolder",
    "NewerSchemaError",
    "NotAStoryError",
    "ReadOnlyStoryError",
    "RowMissingError",
    "StoryFileError",
    "StoryLock",
    "StoryLockedError",
    "StoryStore",
    "copy_story",
    "is_network_folder",
    "list_backups",
    "make_backup",
    "prune_backups",
]
