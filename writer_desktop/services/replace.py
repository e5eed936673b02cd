"""Find and replace across the whole story: every chapter and the story bible (characters
and plot notes), with whole-word and case options, a plan to preview before anything
changes, replacement as one step that can be undone, and a snapshot of every chapter it
changes. Renaming a character is a replace of the name plus the character's own entry."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel

from writer_desktop.domain import Character, PlotElement
from writer_desktop.services.revision import Change
from writer_desktop.services.story_service import StoryService, StorySession

log = logging.getLogger(__name__)

Kind = Literal["chapter", "character", "plot"]
# Bible fields that are labels of a kind, not text: never replaced in.
_NOT_TEXT = {"id", "type", "priority", "metadata"}


@dataclass(frozen=True)
class ReplaceOptions:
    """What to find and what to put instead."""

    find: str
    replace: str = ""
    whole_word: bool = False
    match_case: bool = False
    chapters: bool = True
    bible: bool = True


@dataclass(frozen=True)
class Place:
    """One chapter, or one field of a bible entry, that the replacement changes."""

    kind: Kind
    id: int
    field: str  # "content" for a chapter; the bible entry's field ("bio", "traits")
    label: str  # "Chapter 3", "Mara: bio"
    before: str
    after: str
    matches: int


@dataclass
class ReplacePlan:
    """Everything a replacement would change, computed without changing anything."""

    options: ReplaceOptions
    places: list[Place] = field(default_factory=list)

    @property
    def matches(self) -> int:
        return sum(place.matches for place in self.places)

    @property
    def chapter_ids(self) -> list[int]:
        return [p.id for p in self.places if p.kind == "chapter"]

    def summary(self) -> str:
        """'12 matches in 3 chapters and 2 places in the story bible'."""
        chapters = len(self.chapter_ids)
        bible = len(self.places) - chapters
        if not self.places:
            return "No matches."
        parts = []
        if chapters:
            parts.append(f"{chapters} chapter{'s' if chapters != 1 else ''}")
        if bible:
            parts.append(f"{bible} place{'s' if bible != 1 else ''} in the story bible")
        matches = self.matches
        return f"{matches} match{'es' if matches != 1 else ''} in {' and '.join(parts)}."


@dataclass
class ReplaceStep:
    """A replacement done: what to put back to undo it, in the story it was done in."""

    plan: ReplacePlan
    session: StorySession
    renamed: tuple[int, str, str] | None = None  # (character id, old name, new name)


def pattern(options: ReplaceOptions) -> re.Pattern[str]:
    """The search as a regular expression: the text literally, whole words when asked
    (a boundary only where the text begins or ends with a word character)."""
    body = re.escape(options.find)
    if options.whole_word:
        if re.match(r"\w", options.find):
            body = r"(?<!\w)" + body
        if re.search(r"\w$", options.find):
            body = body + r"(?!\w)"
    return re.compile(body, 0 if options.match_case else re.IGNORECASE)


def _with_case_of(found: str, replacement: str) -> str:
    """Ignoring case, "MARA" becomes "LENA" and "Mara" "Lena"; otherwise as typed."""
    if found.isupper() and len(found) > 1:
        return replacement.upper()
    if found[:1].isupper() and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def replace_in(text: str, options: ReplaceOptions) -> tuple[str, int]:
    """`text` with every match replaced, and how many there were."""
    if not options.find:
        return text, 0
    if options.match_case:
        return pattern(options).subn(lambda _m: options.replace, text)
    return pattern(options).subn(lambda m: _with_case_of(m.group(0), options.replace), text)


def changes_in(text: str, options: ReplaceOptions) -> list[Change]:
    """Each match as a change (what the diff view shows), in the order of the text."""
    if not options.find:
        return []
    changes = []
    for match in pattern(options).finditer(text):
        new = options.replace
        if not options.match_case:
            new = _with_case_of(match.group(0), new)
        changes.append(Change(len(changes), match.start(), match.end(), match.group(0), new))
    return changes


def count_in(text: str, options: ReplaceOptions) -> int:
    return len(pattern(options).findall(text)) if options.find else 0


def _entry_places(kind: Kind, entry: BaseModel, name: str, options: ReplaceOptions) -> list[Place]:
    """The fields of one bible entry the replacement changes (a list, such as traits, as
    one line per item)."""
    places = []
    entry_id = getattr(entry, "id", None)
    assert entry_id is not None
    for field_name in type(entry).model_fields:
        if field_name in _NOT_TEXT:
            continue
        value = getattr(entry, field_name)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            text = "\n".join(value)
        elif isinstance(value, str):
            text = value
        else:
            continue
        after, matches = replace_in(text, options)
        if matches:
            label = f"{name}: {field_name.replace('_', ' ')}"
            places.append(Place(kind, entry_id, field_name, label, text, after, matches))
    return places


class ReplaceService:
    """Project-wide find and replace for the open story, and its one-step undo."""

    def __init__(self, stories: StoryService) -> None:
        self.stories = stories
        self.last: ReplaceStep | None = None
        stories.on_closing(lambda _session: self._forget())

    def _forget(self) -> None:
        self.last = None

    # -- planning --------------------------------------------------------------------------

    def plan(self, options: ReplaceOptions) -> ReplacePlan:
        """Every change the replacement would make, nothing changed yet."""
        plan = ReplacePlan(options)
        if not options.find or not self.stories.is_open:
            return plan
        if options.chapters:
            for chapter in self.stories.chapters():
                assert chapter.id is not None
                after, matches = replace_in(chapter.content, options)
                if matches:
                    plan.places.append(
                        Place(
                            "chapter",
                            chapter.id,
                            "content",
                            chapter.title,
                            chapter.content,
                            after,
                            matches,
                        )
                    )
        if options.bible:
            for character in self.stories.characters():
                places = _entry_places("character", character, character.name, options)
                plan.places.extend(places)
            for element in self.stories.plot_elements():
                name = f"Plot ({element.type})"
                plan.places.extend(_entry_places("plot", element, name, options))
        return plan

    # -- doing and undoing -----------------------------------------------------------------

    def apply(self, plan: ReplacePlan) -> ReplaceStep:
        """Make the planned changes: a snapshot of each chapter first, then every chapter
        and bible entry; if a write fails, what was written is put back. Raises what the
        story's writes raise (StoryFileError)."""
        session = self.stories.session
        reason = f"before Replace “{plan.options.find}” with “{plan.options.replace}”"
        for place in plan.places:
            if place.kind == "chapter":
                self.stories.snapshot_chapter(place.id, place.before, reason)
        self._write(plan.places, use_after=True)
        self.last = ReplaceStep(plan, session)
        return self.last

    def _write(self, places: list[Place], use_after: bool) -> None:
        done: list[Place] = []
        try:
            for place in places:
                self._put(place, place.after if use_after else place.before)
                done.append(place)
        except Exception:
            log.exception("replace failed part way; putting back what was changed")
            for place in reversed(done):
                try:
                    self._put(place, place.before if use_after else place.after)
                except Exception:  # the snapshot still has the chapter
                    log.exception("could not put back %s", place.label)
            raise

    def _put(self, place: Place, text: str) -> None:
        if place.kind == "chapter":
            self.stories.save_chapter_text(place.id, text)
            return
        entries: list[Character] | list[PlotElement] = (
            self.stories.characters() if place.kind == "character" else self.stories.plot_elements()
        )
        entry = next(e for e in entries if e.id == place.id)
        current = getattr(entry, place.field)
        value: str | list[str] = text
        if isinstance(current, list):
            value = [line for line in text.split("\n") if line]
        updated = entry.model_copy(update={place.field: value})
        if isinstance(updated, Character):
            self.stories.save_character(updated)
        else:
            self.stories.save_plot_element(updated)

    def can_undo(self) -> bool:
        return self.last is not None and self.stories.is_current(self.last.session)

    def undo(self) -> list[Place]:
        """Put back what the last replacement changed, in one step: only the places still
        as it left them (a chapter edited since keeps the edits; its snapshot has the
        text from before). Returns the places put back."""
        step = self.last
        if step is None or not self.stories.is_current(step.session):
            return []
        unchanged = [place for place in step.plan.places if self._current(place) == place.after]
        self._write(unchanged, use_after=False)
        self.last = None
        return unchanged

    def _current(self, place: Place) -> str | None:
        if place.kind == "chapter":
            try:
                return self.stories.chapter(place.id).content
            except KeyError:
                return None
        entries: list[Character] | list[PlotElement] = (
            self.stories.characters() if place.kind == "character" else self.stories.plot_elements()
        )
        for entry in entries:
            if entry.id == place.id:
                value = getattr(entry, place.field)
                return "\n".join(value) if isinstance(value, list) else value
        return None

    # -- renaming a character --------------------------------------------------------------

    def rename_plan(self, character: Character, new_name: str) -> ReplacePlan:
        """Renaming as a plan: the old name as a whole word, in its case, everywhere."""
        return self.plan(
            ReplaceOptions(character.name, new_name.strip(), whole_word=True, match_case=True)
        )

    def rename_character(self, character: Character, new_name: str) -> ReplaceStep:
        """The character's name changed in the manuscript and the whole bible at once (their
        own entry included), as one step to undo."""
        plan = self.rename_plan(character, new_name)
        if character.id is not None and not any(
            p.kind == "character" and p.id == character.id and p.field == "name"
            for p in plan.places
        ):  # a name in another case than the manuscript's: the entry is renamed anyway
            plan.places.append(
                Place(
                    "character",
                    character.id,
                    "name",
                    f"{character.name}: name",
                    character.name,
                    new_name.strip(),
                    1,
                )
            )
        return self.apply(plan)
