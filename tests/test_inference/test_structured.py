"""JSON answers with the text their schema fixes written in: the skeleton on its own, then
the Rater's answer from the real default model."""

from __future__ import annotations

import json

import pytest

from tests.test_inference.test_prompt_cache import _chapter, _messages
from writer_desktop.agents.specs import CHARACTER_DETAILS_SCHEMA, RATING_SCHEMA
from writer_desktop.domain import RATER_ASPECTS
from writer_desktop.inference import GenerationJob
from writer_desktop.inference.structured import JsonSkeleton

RATING = JsonSkeleton.of(RATING_SCHEMA)


def test_the_schema_fixes_the_keys_and_the_model_chooses_the_values():
    assert RATING is not None and RATER_ASPECTS[:2] == ("overall", "prose")
    assert RATING.next_fixed("") == '{"overall":{"score":'
    assert RATING.next_fixed('{"overall": {"score": 7') == ""  # 7, or 10 coming?
    assert RATING.next_fixed('{"overall": {"score": 7,') == ' "reason":"'
    assert RATING.next_fixed('{"overall":{"score":7, "reason":"Tense') == ""
    assert RATING.next_fixed('{"overall":{"score":7, "reason":"Say \\"no') == ""
    after_reason = '{"overall":{"score":7, "reason":"Tense"'
    assert RATING.next_fixed(after_reason) == '}, "prose":{"score":'
    # Whitespace JSON allows, written by the model or left out, keeps the place.
    assert RATING.next_fixed('{ "overall" : { "score" : 7 ,"reason" : "T" }') == (
        ', "prose":{"score":'
    )


def test_a_complete_answer_is_known_and_a_stray_one_left_to_the_grammar():
    answer = json.dumps({aspect: {"score": 5, "reason": "Fine"} for aspect in RATER_ASPECTS})
    assert RATING.complete(answer)
    assert RATING.next_fixed(answer) == ""
    assert not RATING.complete(answer[:-1])
    assert RATING.next_fixed(answer[:-1]) == "}"
    assert RATING.next_fixed("[") is None
    assert RATING.next_fixed('{"plot"') is None


def test_schemas_the_skeleton_cannot_foresee_are_sampled_as_before():
    assert JsonSkeleton.of(None) is None
    assert JsonSkeleton.of(CHARACTER_DETAILS_SCHEMA) is None  # an array of traits
    optional = {"type": "object", "properties": {"a": {"type": "string"}}, "required": []}
    assert JsonSkeleton.of(optional) is None  # the grammar may leave "a" out


def _rater_job(temperature: float = 0.0) -> GenerationJob:
    return GenerationJob(
        messages=_messages(_chapter(2_000), "Rate this passage as JSON."),
        max_tokens=400,
        temperature=temperature,
        response_format={"type": "json_object", "schema": RATING_SCHEMA},
    )


@pytest.mark.model
@pytest.mark.parametrize("temperature", [0.0, 0.8])
def test_the_raters_answer_is_valid_json_with_most_tokens_never_sampled(
    backend, monkeypatch, temperature
):
    evaluations: list[int] = []
    evaluate = backend.llama.eval
    monkeypatch.setattr(
        backend.llama, "eval", lambda tokens: evaluations.append(len(tokens)) or evaluate(tokens)
    )
    streamed: list[str] = []
    result = backend.run(_rater_job(temperature), streamed.append)

    assert result.finish_reason == "stop" and "".join(streamed) == result.text
    answer = json.loads(result.text)
    assert list(answer) == list(RATER_ASPECTS)
    for aspect in RATER_ASPECTS:
        assert 1 <= answer[aspect]["score"] <= 10
        assert isinstance(answer[aspect]["reason"], str) and answer[aspect]["reason"]
    # One decode per token the model chose, one batch per stretch of fixed text: far fewer
    # model calls than tokens (token by token it was one call per token).
    answer_calls = len(evaluations) - 1  # the first is the prompt's
    assert answer_calls < result.completion_tokens / 2, (answer_calls, result.completion_tokens)


@pytest.mark.model
def test_stop_ends_a_structured_answer_at_once(backend):
    job = _rater_job()
    pieces: list[str] = []

    def stop_after_three(text: str) -> None:
        pieces.append(text)
        if len(pieces) == 3:
            job.cancel_event.set()

    result = backend.run(job, stop_after_three)
    assert result.cancelled and len(pieces) == 3
    assert result.text == "".join(pieces)
