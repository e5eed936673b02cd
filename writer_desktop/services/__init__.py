"""What the author asks for, one class or function per action; knows no widgets."""

from writer_desktop.services.agent_service import (
    AgentOutputError,
    AgentRun,
    AgentService,
    JobRunner,
    parse_character_details,
    parse_rating,
)
from writer_desktop.services.archive_indexer import ArchiveIndexer, story_key
from writer_desktop.services.context_service import ContextService, content_hash
from writer_desktop.services.distill_service import DistillService
from writer_desktop.services.manuscript_service import ImportPreview, ManuscriptService
from writer_desktop.services.recent import RecentFiles
from writer_desktop.services.story_service import StoryService

__all__ = [
    "AgentOutputError",
    "AgentRun",
    "AgentService",
    "ArchiveIndexer",
    "ContextService",
    "DistillService",
    "ImportPreview",
    "ManuscriptService",
    "JobRunner",
    "RecentFiles",
    "StoryService",
    "content_hash",
    "parse_character_details",
    "parse_rating",
    "story_key",
]
