"""The benchmark story: 150,000 words of real prose, built once through the app's own services.

Two Project Gutenberg novels of tests/files/novels, chapter after chapter (Wuthering Heights,
then A Tale of Two Cities until the story passes 150,000 words), parsed as the import corpus
parses them (tests/test_manuscripts/corpus.py), written into a story file by build_core()'s
StoryService exactly as an import writes one. Its last chapter, "VI. Hundreds of People",
has 4,555 words: longer than any prompt budget, so its end must be cut to fit.

The file is cached under build/bench/ (gitignored); reruns copy it. Nothing in it was
written for the benchmark except four one-line character notes (the novels have no story
bible), so that layer D of the prompt is not empty.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CACHE = ROOT / "build" / "bench"
NOVELS = ("wuthering-heights", "a-tale-of-two-cities")
TARGET_WORDS = 150_000
# Bump when what goes into the story changes, so a stale cached file is never reused.
VERSION = 1
CHARACTERS = (
    ("Heathcliff", "lead", "A foundling raised at Wuthering Heights; proud and vengeful."),
    ("Catherine Earnshaw", "lead", "Heathcliff's companion from childhood; wild and wilful."),
    ("Sydney Carton", "lead", "A brilliant, dissolute barrister who thinks his life wasted."),
    ("Lucie Manette", "lead", "Doctor Manette's daughter, the golden thread of her family."),
)


def real_chapters(target_words: int = TARGET_WORDS) -> list[tuple[str, str]]:
    """(title, text) of the novels' chapters in order, until `target_words` are reached;
    paragraphs are separated by a blank line, as the importer stores them."""
    from tests.test_manuscripts.corpus import parse_book
    from writer_desktop.domain import word_count

    chapters: list[tuple[str, str]] = []
    words = 0
    for slug in NOVELS:
        for section in parse_book(slug).chapters:
            text = "\n\n".join(section.paragraphs)
            chapters.append((section.title, text))
            words += word_count(text)
            if words >= target_words:
                return chapters
    raise ValueError(f"the novels hold only {words} words; {target_words} were asked for")


def cached_story(target_words: int = TARGET_WORDS) -> Path:
    """The story file of `target_words` real words, built on first use under build/bench/."""
    path = CACHE / f"real-story-{target_words}-v{VERSION}.wstory"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    from writer_desktop.config import AppPaths, load_settings
    from writer_desktop.domain import Character
    from writer_desktop.services import build_core

    with tempfile.TemporaryDirectory(prefix="real-story-") as tmp:
        building = Path(tmp) / path.name
        core = build_core(
            load_settings(None, env_file=None).settings, AppPaths.under(Path(tmp) / "home")
        )
        stories = core.stories
        stories.new_story(building, "Heights and Cities")
        # new_story starts with one empty chapter; the novels' chapters replace it.
        empty = stories.chapters()
        stories.add_chapters(real_chapters(target_words))
        for chapter in empty:
            stories.delete_chapter(chapter.id)
        stories.empty_trash()
        for name, role, bio in CHARACTERS:
            stories.save_character(Character(name=name, role=role, bio=bio))
        core.shutdown()  # checkpoints and closes: the .wstory alone is complete
        shutil.copyfile(building, path.with_suffix(".part"))
    path.with_suffix(".part").replace(path)
    return path


def copy_of_story(folder: Path, target_words: int = TARGET_WORDS) -> Path:
    """A fresh copy of the cached story in `folder`, for a run to open and change."""
    target = Path(folder) / "real-story.wstory"
    shutil.copyfile(cached_story(target_words), target)
    return target


if __name__ == "__main__":
    built = cached_story()
    print(built, f"{built.stat().st_size / 1e6:.1f} MB")
