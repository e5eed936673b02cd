"""TokenCounter strategies and their cache."""

from __future__ import annotations

import pytest

from writer_desktop.context import TokenCounter


def test_strategies_agree_roughly_on_english_prose(exact_counter, tiktoken_counter):
    text = "The keeper climbed the stairs while the storm rolled over the harbour. " * 20
    estimate = TokenCounter("estimate").count(text)
    exact = exact_counter.count(text)
    tiktoken = tiktoken_counter.count(text)
    assert 0.7 < tiktoken / exact < 1.3
    assert 0.6 < estimate / exact < 1.6


def test_exact_counts_what_the_model_sees(exact_counter):
    from llama_cpp import Llama

    from writer_desktop.inference import default_model_path

    vocab = Llama(model_path=str(default_model_path()), vocab_only=True, verbose=False)
    text = "Mara said, “Not tonight.”"
    assert exact_counter.count(text) == len(vocab.tokenize(text.encode(), add_bos=False))


def test_chat_markers_in_prose_are_counted_as_text(exact_counter):
    assert exact_counter.count("<|im_start|>") > 1


def test_empty_text_is_zero_tokens(tiktoken_counter):
    assert tiktoken_counter.count("") == 0


def test_counts_are_cached_by_content(tiktoken_counter):
    text = "a fresh sentence for the cache test " * 1000
    tiktoken_counter.count(text)
    calls = []
    original = tiktoken_counter._count
    tiktoken_counter._count = lambda t: calls.append(t) or original(t)
    try:
        tiktoken_counter.count(text)
        assert calls == []
        tiktoken_counter.count(text + "!")
        assert len(calls) == 1
    finally:
        tiktoken_counter._count = original


def test_unknown_strategy_and_missing_model_are_errors():
    with pytest.raises(ValueError, match="unknown"):
        TokenCounter("words")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="model"):
        TokenCounter("exact")
