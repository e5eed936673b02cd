"""What the author asks for, one class or function per action; knows no widgets."""

from writer_desktop.services.context_service import ContextService, content_hash
from writer_desktop.services.distill_service import DistillService
from writer_desktop.services.recent import RecentFiles
from writer_desktop.services.story_service import StoryService
from writer_desktop.services.writer_service import JobRunner, WriterService

__all__ = [
    "ContextService",
    "DistillService",
    "JobRunner",
    "RecentFiles",
    "StoryService",
    "WriterService",
    "content_hash",
]
