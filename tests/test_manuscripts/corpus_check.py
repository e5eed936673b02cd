"""Whether one corpus file imports to its expected chapters: titles in order, first words
of the first chapter. Shared by the corpus test and the import benchmark."""

from __future__ import annotations

import re
from pathlib import Path

from writer_desktop.manuscripts import split_chapters, strip_emphasis
from writer_desktop.manuscripts.chapters import OPENING_TITLE
from writer_desktop.manuscripts.isolation import read_isolated
from writer_desktop.manuscripts.readers import ManuscriptError

_LABEL = re.compile(r"(?:chapter|letter|book|part)\s+\w+\s*[.:]\s+(.+)|\d+\.\s+(.+)", re.I)


def norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", strip_emphasis(text).casefold()).split())


def title_matches(found: str, expected: str) -> bool:
    """ "Down the Rabbit-Hole" matches "CHAPTER I. Down the Rabbit-Hole" (the app titles a
    numbered chapter by its name); the whole heading matches too."""
    match = _LABEL.fullmatch(expected.strip())
    accepted = {norm(expected)}
    if match:
        accepted.add(norm(match.group(1) or match.group(2)))
    return norm(found) in accepted


def _has_italic(chapters, words: str) -> bool:
    from writer_desktop.manuscripts import parse_runs

    target = " ".join(words.split())
    return any(
        run.italic and target in " ".join(run.text.split())
        for chapter in chapters
        for run in parse_runs(chapter.content)
    )


def check_file(path: Path, expected: dict, reader: str | None = None) -> dict:
    """{'ok', 'found', 'expected', 'opening', 'why'} for one file, read as the app reads it
    (in a child process)."""
    titles = expected["titles"]
    result = {"ok": False, "found": 0, "expected": len(titles), "opening": False, "why": ""}
    try:
        chapters = split_chapters(read_isolated(path, reader), path.stem)
    except ManuscriptError as exc:
        result["why"] = f"error: {exc}"
        return result
    if chapters and chapters[0].title == OPENING_TITLE:
        result["opening"] = True
        if chapters[0].include:  # front matter must be offered unticked, not imported
            result["found"] = len(chapters)
            result["why"] = f"front matter ticked: {chapters[0].content[:60]!r}"
            return result
        chapters = chapters[1:]
    result["found"] = len(chapters)
    wrong = [
        (f.title, e)
        for f, e in zip(chapters, titles, strict=False)
        if not title_matches(f.title, e)
    ]
    first = norm(expected["first_words"])
    if len(chapters) != len(titles):
        got = [c.title for c in chapters[:3]]
        result["why"] = f"{len(chapters)} chapters, not {len(titles)}; first {got}"
    elif wrong:
        result["why"] = f"title {wrong[0][0]!r} where {wrong[0][1]!r}"
    elif not norm(chapters[0].content).startswith(first):
        result["why"] = f"first chapter begins {chapters[0].content[:60]!r}"
    elif expected.get("italic") and not _has_italic(chapters, expected["italic"]):
        result["why"] = f"italics lost: *{expected['italic']}* not found"
    else:
        result["ok"] = True
    return result
