"""LLM_BACKEND=openai against a real OpenAI-compatible server: llama-cpp-python's own
(`python -m llama_cpp.server`) with the default model, on a free port."""

from __future__ import annotations

import http.server
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import run_async
from writer_desktop.config import Settings
from writer_desktop.domain import Character
from writer_desktop.inference import GenerationJob, ModelLoadError, default_model_path
from writer_desktop.inference.openai_backend import OpenAIBackend, server_tokenizer
from writer_desktop.services import build_core

PROMPT = [{"role": "user", "content": "Write a line about rain."}]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(default_model_path()),
            "--port",
            str(port),
            "--n_ctx",
            "4096",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"{url}/v1/models", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert process.poll() is None, "llama_cpp.server exited"
        assert time.monotonic() < deadline, "llama_cpp.server did not start"
        time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(20)


def _settings(url: str, **more) -> Settings:
    return Settings.model_validate({"llm_backend": "openai", "llm_base_url": url, **more})


pytestmark = pytest.mark.model


def test_the_backend_streams_and_stops(server):
    backend = OpenAIBackend(_settings(server))
    assert "SmolLM2" in backend.load()
    tokens: list[str] = []
    result = backend.run(GenerationJob(messages=PROMPT, max_tokens=12), tokens.append)
    assert result.text == "".join(tokens) and result.completion_tokens == len(tokens) > 0
    job = GenerationJob(messages=PROMPT, max_tokens=500)

    def stop_after_three(text: str) -> None:
        tokens.append(text)
        if len(tokens) >= 3:
            job.cancel_event.set()

    tokens.clear()
    result = backend.run(job, stop_after_three)
    assert result.cancelled and result.completion_tokens == 3
    backend.close()


def test_structured_output_gives_the_raters_json(server):
    from writer_desktop.agents.specs import RATING_SCHEMA
    from writer_desktop.services import parse_rating

    backend = OpenAIBackend(_settings(server))
    backend.load()
    job = GenerationJob(
        messages=[{"role": "user", "content": "Rate this chapter: Mara lit the lamp."}],
        max_tokens=600,
        response_format={"type": "json_object", "schema": RATING_SCHEMA},
    )
    rating = parse_rating(backend.run(job, lambda _t: None).text)
    assert 1 <= rating.overall.score <= 10
    backend.close()


def test_the_servers_tokenizer_counts(server):
    count = server_tokenizer(_settings(server))
    assert count is not None and count("The lamp failed twice.") == 5


def test_agents_and_review_run_through_the_server(server, tmp_path, paths, gui_loop):
    core = build_core(_settings(server), paths)
    core.start()
    try:
        assert run_async(core.engine.wait_loaded()) == "ready", core.engine.detail
        stories = core.stories
        stories.new_story(tmp_path / "s.wstory", "The Harbour Light")
        chapter = stories.add_chapter("The Storm")
        stories.save_chapter_text(chapter.id, "Mara climbed the stairs. She lit the lamp.")
        mara = stories.save_character(Character(name="Mara", role="keeper"))

        async def finish(starting):
            run = await starting
            streamed = "".join([token async for token in run])
            return run, streamed, await run.result()

        run, streamed, result = run_async(
            finish(core.agents.continue_chapter(chapter.id, "Mara climbed.", max_tokens=12))
        )
        assert streamed and streamed == result.text
        for operation in ("editor_review", "character_feedback", "rater_feedback"):
            max_tokens = None if operation == "rater_feedback" else 16
            _run, _text, feedback = run_async(
                finish(core.agents.feedback(operation, chapter.id, mara, max_tokens))
            )
            assert feedback is not None and feedback.content
        scores = core.agents.history(chapter.id, "rater")[0].scores
        assert set(scores) >= {"overall", "prose"}
        assert core.context.counter.strategy == "exact"  # the server's own tokenizer
    finally:
        core.shutdown()


def test_a_server_that_is_down_fails_with_the_reason(paths, gui_loop):
    core = build_core(_settings(f"http://127.0.0.1:{_free_port()}"), paths)
    core.start()
    try:
        assert run_async(core.engine.wait_loaded()) == "failed"
        assert "No server answers" in core.engine.detail
    finally:
        core.shutdown()


class _Garbage(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"<html>this is a router login page</html>")

    def log_message(self, *_args):
        pass


def test_a_server_that_answers_garbage_is_refused():
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Garbage)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        backend = OpenAIBackend(_settings(f"http://127.0.0.1:{httpd.server_port}"))
        with pytest.raises(ModelLoadError):
            backend.load()
        backend.close()
    finally:
        httpd.shutdown()


def test_a_model_the_server_lacks_is_named(server):
    backend = OpenAIBackend(_settings(server, llm_model="llama-70b"))
    with pytest.raises(ModelLoadError, match="no model 'llama-70b'"):
        backend.load()
    backend.close()


def test_settings_test_connection_reports_the_model(server, qtbot, gui_loop, tmp_path):
    from writer_desktop.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(tmp_path / "settings.json")
    qtbot.addWidget(dialog)
    dialog.edits["llm_base_url"].setText(server)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.error_label.text().startswith("Connected"), timeout=10_000)
    assert "SmolLM2" in dialog.error_label.text()
    dialog.edits["llm_base_url"].setText(f"http://127.0.0.1:{_free_port()}")
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "Connection failed" in dialog.error_label.text(), timeout=10_000)
    assert "No server answers" in dialog.error_label.text()
