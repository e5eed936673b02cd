"""The activity registry: named jobs, their state, words so far, and Stop."""

from __future__ import annotations

from writer_desktop.services.activity import ActivityService, WordCounter


def test_word_counter_counts_words_split_across_tokens():
    counter = WordCounter()
    for piece in ["The", " sto", "rm came", " in.", "\n\nShe", " lit"]:
        counter.add(piece)
    assert counter.words == 6


def test_activities_list_running_first_and_stop_only_what_the_author_asked_for():
    activities = ActivityService()
    stopped: list[str] = []
    changes: list[int] = []
    activities.changed.connect(lambda: changes.append(len(activities.activities())))
    summary = activities.add(
        "Summarising an earlier chapter",
        "distill",
        lambda: stopped.append("summary"),
        background=True,
    )
    review = activities.add("Review: Editor", "editor_review", lambda: stopped.append("review"))
    rater = activities.add(
        "Review: Rater", "rater_feedback", lambda: stopped.append("rater"), progress_kind="rating"
    )
    activities.wrote(review, 42)
    activities.started(rater)
    names = [a.name for a in activities.activities()]
    assert names == ["Review: Editor", "Review: Rater", "Summarising an earlier chapter"]
    assert review.progress == "42 words so far"
    assert rater.progress == "rating…"  # JSON is not prose: no word count
    assert summary.progress == "waiting its turn"
    assert activities.foreground_busy
    assert activities.stop_foreground() == 2
    assert sorted(stopped) == ["rater", "review"]
    assert review.progress == "stopping…"
    for activity in (review, rater, summary):
        activities.finish(activity)
    assert activities.activities() == [] and not activities.foreground_busy
    assert changes[-1] == 0


def test_an_import_is_listed_while_the_manuscript_is_read(tmp_path, gui_loop):
    from tests.conftest import run_async
    from writer_desktop.services import ManuscriptService, StoryService
    from writer_desktop.services.recent import RecentFiles

    activities = ActivityService()
    seen: list[list[str]] = []
    activities.changed.connect(lambda: seen.append([a.name for a in activities.activities()]))
    service = ManuscriptService(StoryService(RecentFiles(tmp_path / "r.json")), None, activities)
    manuscript = tmp_path / "harbour.md"
    manuscript.write_text("# One\n\nMara lit the lamp.\n\n# Two\n\nThe storm came.\n")
    preview = run_async(service.preview(manuscript), timeout_s=120)
    assert len(preview.chapters) == 2
    assert seen[0] == ["Importing harbour.md"] and seen[-1] == []
