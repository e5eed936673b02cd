"""What the author asks for, one class or function per action; knows no widgets.

The window and the HTTP API import from here (and from domain and config) only: the
services' types, the errors a caller catches, and the context report shown to the author."""

from writer_desktop.context import LAYER_NAMES, LAYERS, AssembledPrompt
from writer_desktop.manuscripts import EXPORT_FORMATS, SUPPORTED, ImportedChapter
from writer_desktop.services.activity import Activity, ActivityService
from writer_desktop.services.agent_service import (
    AgentRun,
    AgentService,
    parse_character_details,
    parse_rating,
)
from writer_desktop.services.archive_indexer import ArchiveIndexer, story_key
from writer_desktop.services.backup_service import BackupService
from writer_desktop.services.context_agents import ContextAgents
from writer_desktop.services.context_service import ContextService, content_hash
from writer_desktop.services.core import Core, blocking_runner, build_core
from writer_desktop.services.distill_service import DistillService, SummaryFailure
from writer_desktop.services.engine_check import ConnectionReport, test_connection
from writer_desktop.services.errors import (
    AgentOutputError,
    ContextBudgetError,
    JobFailedError,
    ManuscriptError,
    ModelLoadError,
    ReadOnlyStoryError,
    SaveFailedError,
    StoryChangedError,
    StoryFileError,
    StoryLockedError,
)
from writer_desktop.services.jobs import EngineService, Generation, JobService, Listeners
from writer_desktop.services.manuscript_service import ImportPreview, ManuscriptService
from writer_desktop.services.recent import RecentFiles
from writer_desktop.services.recovery import RecoveredText, RecoveryService
from writer_desktop.services.spelling import SpellingService
from writer_desktop.services.story_service import STORY_SUFFIX, StoryService, StorySession

__all__ = [
    "Activity",
    "ActivityService",
    "EXPORT_FORMATS",
    "LAYERS",
    "LAYER_NAMES",
    "STORY_SUFFIX",
    "SUPPORTED",
    "AgentOutputError",
    "AgentRun",
    "AgentService",
    "ArchiveIndexer",
    "AssembledPrompt",
    "BackupService",
    "ContextBudgetError",
    "ContextAgents",
    "ContextService",
    "ConnectionReport",
    "Core",
    "DistillService",
    "SummaryFailure",
    "EngineService",
    "Generation",
    "ImportPreview",
    "ImportedChapter",
    "JobFailedError",
    "JobService",
    "Listeners",
    "ManuscriptError",
    "ManuscriptService",
    "ModelLoadError",
    "SaveFailedError",
    "ReadOnlyStoryError",
    "RecentFiles",
    "RecoveredText",
    "RecoveryService",
    "StoryChangedError",
    "StoryFileError",
    "StoryLockedError",
    "StoryService",
    "StorySession",
    "SpellingService",
    "blocking_runner",
    "build_core",
    "content_hash",
    "parse_character_details",
    "parse_rating",
    "story_key",
    "test_connection",
]
