"""The composition root: the one place that builds settings' consumers, the job runner and
every service. The window, --self-test, the benchmarks, the tests and the HTTP API all call
build_core(); nothing else constructs a service. UI-free."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from writer_desktop.agents import PromptLibrary
from writer_desktop.config import AppPaths, Settings
from writer_desktop.inference import BlockingRunner, InferenceWorker, JobRunner, LlamaBackend
from writer_desktop.services.activity import ActivityService
from writer_desktop.services.agent_service import AgentService
from writer_desktop.services.archive_indexer import ArchiveIndexer
from writer_desktop.services.backup_service import BackupService
from writer_desktop.services.context_agents import ContextAgents
from writer_desktop.services.context_service import ContextService
from writer_desktop.services.distill_service import DistillService
from writer_desktop.services.jobs import EngineService, JobService
from writer_desktop.services.manuscript_service import ManuscriptService
from writer_desktop.services.recent import RecentFiles
from writer_desktop.services.recovery import RecoveryService
from writer_desktop.services.replace import ReplaceService
from writer_desktop.services.spelling import SpellingService
from writer_desktop.services.story_service import StoryService

ModelListener = Callable[[str, str], None]


def worker_runner(settings: Settings, on_model_state: ModelListener) -> InferenceWorker:
    """The app's runner: the model loads on its own thread, which alone then uses it."""
    return InferenceWorker(settings, on_model_state)


def blocking_runner(backend: LlamaBackend) -> Callable[[Settings, ModelListener], JobRunner]:
    """A runner over a model already loaded, running each job in the calling thread (the
    benchmarks and headless tests)."""

    def make(_settings: Settings, on_model_state: ModelListener) -> JobRunner:
        on_model_state("ready", backend.model_name)
        return BlockingRunner(backend)

    return make


@dataclass
class Core:
    """Everything below the window: one per running app."""

    settings: Settings
    paths: AppPaths
    prompts: PromptLibrary
    runner: JobRunner
    engine: EngineService
    stories: StoryService
    jobs: JobService
    context: ContextService
    distill: DistillService
    agents: AgentService
    context_agents: ContextAgents
    archive: ArchiveIndexer
    manuscripts: ManuscriptService
    recovery: RecoveryService
    backups: BackupService
    spelling: SpellingService
    activities: ActivityService
    replace: ReplaceService
    started: bool = field(default=False, init=False)

    def start(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        """Start loading the model (once); its state arrives on `loop` (default: the
        running one)."""
        if self.started:
            return
        self.started = True
        loop = loop or asyncio.get_running_loop()
        self.activities.attach_loop(loop)
        self.engine.attach_loop(loop)
        start = getattr(self.runner, "start", None)
        if start is not None:
            start()
        self.archive.open_in_background()  # its process starts while the window comes up

    def shutdown(self) -> None:
        """Cancel every job, free the model, close the archive and the story."""
        self.jobs.cancel_all()
        shutdown = getattr(self.runner, "shutdown", None)
        if shutdown is not None:
            shutdown()
        self.archive.close()
        self.stories.close()


def build_core(
    settings: Settings,
    paths: AppPaths,
    make_runner: Callable[[Settings, ModelListener], JobRunner] = worker_runner,
) -> Core:
    """Build every service over one runner (by default the inference worker thread)."""
    paths.ensure()
    prompts = PromptLibrary(Path(settings.prompts_dir) if settings.prompts_dir else None)
    engine = EngineService()
    runner = make_runner(settings, engine.from_worker)
    stories = StoryService(RecentFiles(paths.data_dir / "recent.json"))
    activities = ActivityService()
    jobs = JobService(runner, stories, activities)
    archive = ArchiveIndexer(settings, stories, activities)
    # Chapters deleted for good (the trash emptied) leave the archive too.
    stories.purged.connect(lambda ids: [archive.remove_chapter(i) for i in ids])
    context = ContextService(stories, settings, prompts, archive.pinned_elements)
    distill = DistillService(stories, jobs, prompts, settings, context)
    agents = AgentService(stories, jobs, prompts, settings, context, distill)
    backups = BackupService(stories, settings, paths.data_dir / "backups")
    return Core(
        settings=settings,
        paths=paths,
        prompts=prompts,
        runner=runner,
        engine=engine,
        stories=stories,
        jobs=jobs,
        context=context,
        distill=distill,
        agents=agents,
        context_agents=ContextAgents(agents, context, prompts),
        archive=archive,
        manuscripts=ManuscriptService(stories, backups, activities),
        recovery=RecoveryService(paths.data_dir / "recovery", stories),
        backups=backups,
        spelling=SpellingService(stories),
        activities=activities,
        replace=ReplaceService(stories),
    )
