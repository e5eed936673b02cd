"""ActivityService: every long job the app is doing for the author, by name (Writer, Review,
Chat, background summaries, archive indexing, imports), queued or running, with its
progress in words and a way to stop it. The status bar's activity indicator and the HTTP
API read it; the services that start jobs keep it up to date."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from writer_desktop.services.events import Listeners

State = Literal["queued", "running"]

# What each agent operation is called where the author sees it, and how its progress reads:
# "words" (prose being written) or "rating"/"thinking" (output that is not prose: JSON).
OPERATION_NAMES: dict[str, tuple[str, str]] = {
    "continue_chapter": ("Writer: continuing the chapter", "words"),
    "generate_chapter": ("Writer: drafting a chapter", "words"),
    "modify_chapter": ("Writer: rewriting", "words"),
    "flesh_out": ("Writer: fleshing out", "words"),
    "editor_review": ("Review: Editor", "words"),
    "character_feedback": ("Review: Character", "words"),
    "rater_feedback": ("Review: Rater", "rating"),
    "character_details": ("Character details", "thinking"),
    "regenerate_bio": ("Character bio", "words"),
    "chapter_outlines": ("Planning chapter outlines", "thinking"),
    "chat": ("Chat", "words"),
    "distill": ("Summary of earlier story", "words"),
}


@dataclass
class Activity:
    """One job as the author sees it. `words` counts the prose written so far; `done` of
    `total` counts items for work that is not writing (chapters archived)."""

    id: int
    name: str
    kind: str
    state: State = "queued"
    background: bool = False
    progress_kind: str = "words"  # "words", "items", or a verb: "rating", "reading"
    words: int = 0
    done: int = 0
    total: int = 0
    item_name: str = "items"
    stop_requested: bool = False
    _stop: Callable[[], None] | None = field(default=None, repr=False)

    @property
    def progress(self) -> str:
        """Progress in words, as the indicator shows it."""
        if self.stop_requested:
            return "stopping…"
        if self.state == "queued":
            return "waiting its turn"
        if self.progress_kind == "items":
            return f"{self.done} of {self.total} {self.item_name}"
        if self.progress_kind != "words":  # output that is not prose: say what it does
            return f"{self.progress_kind}…"
        if self.words == 0:
            return "starting…"
        return f"{self.words:,} word{'s' if self.words != 1 else ''} so far"

    def stop(self) -> None:
        """Stop this job (what it wrote so far stays where it went)."""
        if self._stop is not None and not self.stop_requested:
            self.stop_requested = True
            self._stop()


class WordCounter:
    """Counts words in text that arrives in pieces (tokens split words anywhere)."""

    def __init__(self) -> None:
        self.words = 0
        self._in_word = False

    def add(self, text: str) -> int:
        for char in text:
            if char.isspace():
                self._in_word = False
            elif not self._in_word:
                self._in_word = True
                self.words += 1
        return self.words


class ActivityService:
    """The registry of jobs in flight. Safe to call from any thread: changes are applied
    on the event loop once one is attached, and `changed` is emitted there."""

    def __init__(self) -> None:
        self._items: dict[int, Activity] = {}
        self._ids = itertools.count(1)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self.changed: Listeners[[]] = Listeners()
        # Word counts move many times a second: listeners that only need those hear
        # `progressed`, so the list itself is rebuilt only when `changed`.
        self.progressed: Listeners[[Activity]] = Listeners()

    def attach_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._loop_thread = threading.get_ident()

    def _on_loop(self, callback: Callable[..., None], *args: object) -> None:
        if self._loop is None or threading.get_ident() == self._loop_thread:
            callback(*args)
            return
        with contextlib.suppress(RuntimeError):  # a closed loop: the app is gone
            self._loop.call_soon_threadsafe(callback, *args)

    # -- the services that run jobs ---------------------------------------------------------

    def add(
        self,
        name: str,
        kind: str,
        stop: Callable[[], None] | None,
        *,
        state: State = "queued",
        background: bool = False,
        progress_kind: str = "words",
        item_name: str = "items",
    ) -> Activity:
        """Register a job; call finish() when it ends, whatever the end."""
        activity = Activity(
            next(self._ids),
            name,
            kind,
            state,
            background,
            progress_kind,
            item_name=item_name,
            _stop=stop,
        )
        self._on_loop(self._add, activity)
        return activity

    def _add(self, activity: Activity) -> None:
        self._items[activity.id] = activity
        self.changed.emit()

    def started(self, activity: Activity) -> None:
        self._on_loop(self._set_state, activity, "running")

    def _set_state(self, activity: Activity, state: State) -> None:
        if activity.id in self._items and activity.state != state:
            activity.state = state
            self.changed.emit()

    def wrote(self, activity: Activity, words: int) -> None:
        """The job has written `words` words so far."""
        activity.words = words
        if activity.state == "queued":
            self._on_loop(self._set_state, activity, "running")
        self._on_loop(self._progressed, activity)

    def counted(self, activity: Activity, done: int, total: int) -> None:
        """The job has done `done` of `total` items."""

        def apply() -> None:
            activity.done, activity.total = done, total
            if activity.state == "queued" and done < total:
                self._set_state(activity, "running")
            self._progressed(activity)

        self._on_loop(apply)

    def _progressed(self, activity: Activity) -> None:
        if activity.id in self._items:
            self.progressed.emit(activity)

    def finish(self, activity: Activity) -> None:
        self._on_loop(self._finish, activity)

    def _finish(self, activity: Activity) -> None:
        if self._items.pop(activity.id, None) is not None:
            self.changed.emit()

    # -- what the author sees and does ------------------------------------------------------

    def activities(self) -> list[Activity]:
        """Jobs in flight: running ones first, then those waiting, each in start order."""
        items = list(self._items.values())
        return sorted(items, key=lambda a: (a.state != "running", a.id))

    def get(self, activity_id: int) -> Activity | None:
        return self._items.get(activity_id)

    def stop(self, activity_id: int) -> bool:
        activity = self._items.get(activity_id)
        if activity is None:
            return False
        activity.stop()
        self.changed.emit()
        return True

    def stop_foreground(self) -> int:
        """Stop every job the author asked for (not the background summaries and
        archiving); returns how many were stopped."""
        stopped = 0
        for activity in self.activities():
            if not activity.background and not activity.stop_requested:
                activity.stop()
                stopped += 1
        if stopped:
            self.changed.emit()
        return stopped

    @property
    def foreground_busy(self) -> bool:
        return any(not a.background for a in self._items.values())
