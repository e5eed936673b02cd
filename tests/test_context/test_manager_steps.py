"""The context engine's steps, each alone: filter, count, sort, fit one layer, format."""

from __future__ import annotations

import pytest

from writer_desktop.context import ContextBudgetError, ElementReport, LayerReport
from writer_desktop.context.fitting import (
    SUMMARY_SECTION,
    Budget,
    LayerFit,
    PieceFit,
    by_priority,
    fit_layer,
    fit_own,
    fit_piece,
    fit_shared,
    layer_demands,
    own_need,
    own_room,
    split_shared,
    summarise,
)
from writer_desktop.context.manager import filtered_reports, layer_reports, render
from writer_desktop.context.pieces import Piece
from writer_desktop.domain import PlotElement


def words(text: str) -> int:
    """A token counter that is easy to follow by hand: one token a word."""
    return len(text.split())


def no_summary(_kind: str, _text: str) -> str | None:
    return None


def piece(layer="D", text="a b\n", priority="medium", kind="character", order=0, **kw) -> Piece:
    section = kw.pop("section", {"A": "Instructions", "D": "Characters"}.get(layer, "Plot"))
    label = kw.pop("label", f"{kind}: {text.strip()[:10]}")
    return Piece(layer, section, label, text, priority, kind, order, **kw)


def chapter(title: str, text: str, distance: int, priority="medium", current=False) -> Piece:
    return Piece(
        "C",
        f"Chapter: {title}",
        f"chapter: {title}",
        text,
        priority,
        "chapter",
        distance,
        shorten="tail" if current else "never",
    )


def budget(allowed: dict[str, int], total=50, tail_reserve=0, base=0, frame=0) -> Budget:
    return Budget(total, tail_reserve, allowed, base, frame)


LONG = "A b c. D e f. G h i. J k l.\n"  # 12 words, four sentences


# -- filter and count ------------------------------------------------------------------------


def test_split_shared_separates_the_agents_own_pieces():
    everyone, mine = piece(text="x\n"), piece(text="y\n", shared=False)
    assert split_shared([mine, everyone]) == ([everyone], [mine])


def test_own_need_counts_frame_pieces_and_each_heading():
    own = [piece("A", "a b c\n", section="Requests"), piece("D", "d\n")]
    # frame 2 + (3 + "## Requests" 2) + (1 + "## Characters" 2)
    assert own_need(own, "Role here.\n", words) == 10


def test_layer_demands_stop_counting_a_layer_past_the_limit_and_add_chapter_summaries():
    shared = [
        piece("A", "a b\n"),  # 2 + heading 2
        *(piece("D", "one two three four five\n", order=i) for i in range(3)),  # 7 each
        chapter("One", "c d e\n", distance=1),  # 3 + heading 3
        chapter("Two", "f g\n", distance=0, current=True),  # 2 + 3, never summarised
    ]
    demands = layer_demands(shared, 5, 10, words, lambda kind, text: "Short one.")
    # D stops after the second character (14 > 10); E is the summary (2) and its heading (4).
    assert demands == {"A": 9, "C": 11, "D": 14, "E": 6}


def test_layer_demands_leave_e_empty_without_summaries_or_pieces():
    demands = layer_demands([chapter("One", "c\n", 1)], 0, 100, words, no_summary)
    assert demands == {"A": 0, "C": 4, "D": 0, "E": 0}


# -- sort ------------------------------------------------------------------------------------


def test_by_priority_puts_high_first_then_order():
    low, high2, high1, medium = (
        piece(priority="low"),
        piece(priority="high", order=2),
        piece(priority="high", order=1),
        piece(priority="medium"),
    )
    assert by_priority([low, high2, high1, medium]) == [high1, high2, medium, low]


# -- fit one piece ---------------------------------------------------------------------------


def test_fit_piece_keeps_a_piece_that_fits_whole():
    assert fit_piece(piece(text="a b c\n"), 3, words, no_summary) == PieceFit("a b c\n")


def test_fit_piece_keeps_the_end_of_a_current_chapter():
    fitted = fit_piece(chapter("Now", LONG, 0, current=True), 8, words, no_summary)
    assert fitted == PieceFit("… G h i. J k l.\n", "trimmed", "kept the end")


def test_fit_piece_gives_no_text_for_a_piece_that_may_not_be_shortened():
    assert fit_piece(chapter("Old", LONG, 3), 8, words, no_summary) == PieceFit(None)


def test_summarise_prefers_a_cached_summary_that_fits():
    fitted = summarise(piece(text=LONG), 8, words, lambda kind, text: "  Short summary. ")
    assert fitted == PieceFit("Short summary.\n", "summarised", "model summary")


def test_summarise_keeps_the_opening_and_asks_for_a_summary_when_none_is_cached():
    fitted = summarise(piece(text=LONG), 8, words, no_summary)
    assert fitted == PieceFit(
        "A b c. D e f. …\n", "summarised", "opening kept; model summary pending", True
    )


def test_summarise_keeps_the_opening_without_asking_when_the_cached_one_is_too_long():
    fitted = summarise(piece(text=LONG), 8, words, lambda kind, text: "w " * 20)
    assert fitted.text == "A b c. D e f. …\n"
    assert not fitted.wants_summary


def test_summarise_gives_up_below_the_minimum_room():
    assert summarise(piece(text=LONG), 7, words, no_summary) == PieceFit(None)


# -- fit one layer ---------------------------------------------------------------------------


def test_fit_layer_drops_lower_priorities_once_a_priority_loses_a_piece():
    high = piece(text="a b c d\n", priority="high", label="high")
    medium = piece(text="e f g h i j k l\n", label="medium", shorten="never")
    low = piece(text="m\n", priority="low", label="low")  # would fit, but goes
    fit = fit_layer("D", [low, medium, high], 12, words, no_summary)
    assert fit.chosen == [(high, "a b c d\n")]
    assert fit.tokens == 6  # the piece and its heading, "## Characters"
    assert fit.reports == [
        ElementReport("D", "high", "high", "included", 4),
        ElementReport("D", "medium", "medium", "dropped", 0, "over budget"),
        ElementReport("D", "low", "low", "dropped", 0, "a higher priority was dropped"),
    ]
    assert fit.needs_summary == [] and fit.spill == []


def test_fit_layer_pays_each_sections_heading_once_and_skips_empty_pieces():
    first, second, empty = piece(text="a\n"), piece(text="b\n", order=1), piece(text="", order=2)
    fit = fit_layer("D", [first, second, empty], 100, words, no_summary)
    assert fit.tokens == 2 + 1 + 1
    assert [report.label for report in fit.reports] == [first.label, second.label]


def test_fit_layer_records_a_summary_request_for_a_shortened_piece():
    fit = fit_layer("D", [piece(text=LONG, label="Mara")], 10, words, no_summary)
    assert fit.chosen[0][1] == "A b c. D e f. …\n"
    assert fit.needs_summary == [("character", LONG)]
    assert fit.tokens == 2 + 7


def test_fit_layer_raises_when_a_high_priority_piece_cannot_fit():
    big = piece(text="w " * 20 + "\n", priority="high", label="big", shorten="never")
    with pytest.raises(
        ContextBudgetError, match="'big' needs 20 tokens and cannot be cut into the 3"
    ):
        fit_layer("D", [big], 5, words, no_summary)


def test_dropped_chapter_spills_its_cached_summary_into_layer_e():
    fit = LayerFit("C")
    old = chapter("One", "It was long.\n", 3, priority="low")
    fit.drop(old, "over budget", lambda kind, text: " It rained. ")
    assert fit.spill == [
        Piece("E", SUMMARY_SECTION, "summary: One", "It rained.\n", "low", "summary", 3)
    ]
    assert fit.reports == [
        ElementReport("C", "chapter: One", "low", "dropped", 0, "summary in layer E")
    ]


def test_dropped_chapter_without_a_summary_asks_for_one():
    fit = LayerFit("C")
    fit.drop(chapter("One", "It was long.\n", 3), "over budget", no_summary)
    assert fit.spill == []
    assert fit.needs_summary == [("chapter", "It was long.\n")]
    assert fit.reports[0].note == "summary pending"


# -- fit the two parts -----------------------------------------------------------------------


def test_fit_shared_moves_a_dropped_chapter_to_layer_e_as_its_summary():
    shared = [piece("A", "x y\n", priority="high"), chapter("One", "a b c d e f\n", 1)]
    allowed = {"A": 10, "C": 5, "D": 0, "E": 20}
    fits = fit_shared(shared, budget(allowed, base=3), words, lambda k, t: "It rained.")
    assert [fit.layer for fit in fits] == ["A", "C", "D", "E"]
    assert [fit.tokens for fit in fits] == [4, 0, 0, 6]  # E: the summary and its heading
    assert fits[1].reports[0].note == "summary in layer E"
    assert [text for _, text in fits[3].chosen] == ["It rained.\n"]


def test_fit_shared_raises_when_the_shared_instructions_alone_do_not_fit():
    allowed = {"A": 10, "C": 0, "D": 0, "E": 0}
    with pytest.raises(ContextBudgetError, match="need 11 tokens; the budget is 50"):
        fit_shared([], budget(allowed, base=11), words, no_summary)


def test_own_room_is_what_the_shared_part_and_the_frame_leave():
    fits = [LayerFit("A", tokens=4), LayerFit("C", tokens=6)]
    assert own_room("writer", budget({}, total=50, base=3, frame=4), fits) == 33
    with pytest.raises(ContextBudgetError, match="writer agent's instructions need 40 tokens"):
        own_room("writer", budget({}, total=50, base=3, frame=40), fits)


def test_fit_own_shares_one_pool_across_layers():
    request = piece("A", "a b c\n", priority="high", section="Requests", shorten="never")
    person = piece("D", "d e\n")
    plot = piece("E", "h i\n", section="Plot and world")
    fits = fit_own([plot, person, request], 10, words, no_summary)
    assert [fit.tokens for fit in fits] == [5, 0, 4, 0]
    assert fits[3].reports[0].status == "dropped"  # 6 tokens, 1 left


# -- format ----------------------------------------------------------------------------------


def test_render_orders_layers_a_e_d_c_and_the_story_in_reading_order():
    summary = Piece("E", SUMMARY_SECTION, "summary: Old", "Sum.\n", "low", "summary", 5)
    fits = [
        LayerFit("A", [(piece("A", "x\n"), "- be brief\n")]),
        LayerFit("C", [(chapter("Now", "", 0), "Now.\n"), (chapter("Old", "", 2), "Long ago.\n")]),
        LayerFit("D", [(piece("D"), "- Mara\n"), (piece("D", order=1), "- Tomas\n")]),
        LayerFit("E", [(summary, "Sum.\n"), (piece("E", section="Plot and world"), "- arc\n")]),
    ]
    assert render(fits) == (
        "## Instructions\n- be brief\n"
        "## Plot and world\n- arc\n"
        f"## {SUMMARY_SECTION}\nSum.\n"
        "## Characters\n- Mara\n- Tomas\n"
        "## Chapter: Old\nLong ago.\n"
        "## Chapter: Now\nNow.\n"
    )


def test_layer_reports_add_both_parts_and_the_frames_to_layer_a():
    shares = budget({"A": 10, "C": 30, "D": 20, "E": 20}, tail_reserve=20, base=3, frame=4)
    fits = [LayerFit("A", tokens=5), LayerFit("C", tokens=7), LayerFit("A", tokens=2)]
    assert layer_reports(shares, fits) == [
        LayerReport("A", "system and instructions", 30, 14),
        LayerReport("C", "recent story", 30, 7),
        LayerReport("D", "characters and scene", 20, 0),
        LayerReport("E", "plot, summaries, world", 20, 0),
    ]


def test_filtered_reports_name_each_filtered_element():
    element = PlotElement(type="arc", content="x", priority="low")
    assert filtered_reports([("arc: x", element)]) == [
        ElementReport("-", "arc: x", "low", "filtered", 0)
    ]
