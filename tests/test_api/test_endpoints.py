"""Every endpoint over real HTTP, the real Core and the real default model (short answers)."""

from __future__ import annotations

import json
import time

import pytest

from writer_desktop.domain import Character
from writer_desktop.services import RecentFiles, StoryService

pytestmark = pytest.mark.model

# The seed's structured_context, as a client sends it.
CONTEXT = {
    "plot_elements": [
        {
            "type": "scene",
            "content": "Mara relights the lighthouse lamp during the storm.",
            "priority": "high",
            "tags": ["lamp", "storm"],
        },
        {"type": "theme", "content": "Duty against fear.", "priority": "medium", "tags": []},
    ],
    "character_contexts": [
        {
            "character_id": "mara",
            "character_name": "Mara",
            "current_state": "soaked and tired",
            "goals": "keep the light burning",
            "traits": ["stubborn", "kind"],
            "priority": "high",
        }
    ],
    "user_requests": [{"type": "style", "content": "Short sentences.", "priority": "high"}],
    "system_instructions": [
        {"type": "style", "content": "Third person, past tense.", "priority": "high"}
    ],
    "metadata": {"story_title": "The Harbour Light"},
}
CHAPTER = "Mara climbed the stairs. The storm came in. She struck a match and lit the lamp."


def post(client, path: str, body: dict) -> dict:
    response = client.post(f"/api/v1/{path}", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_health_says_what_runs(client):
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["model"]["state"] in ("loading", "ready")
    assert health["archive"] == {"enabled": False, "error": None}


@pytest.mark.parametrize(
    ("path", "extra"),
    [
        ("generate-chapter", {"chapter_title": "The Storm", "instructions": "End at dawn."}),
        ("modify-chapter", {"passage": CHAPTER, "instruction": "Make it tenser."}),
        ("flesh-out", {"passage": "She lit the lamp."}),
        ("editor-review", {"chapter_title": "The Storm", "chapter_content": CHAPTER}),
        ("character-feedback", {"character_name": "Mara", "chapter_content": CHAPTER}),
        ("llm-chat", {"messages": [{"role": "user", "content": "What does Mara want?"}]}),
    ],
)
def test_each_generating_endpoint_answers_from_the_seed_context(client, path, extra):
    out = post(client, path, {"structured_context": CONTEXT, "max_tokens": 16, **extra})
    assert out["content"] and out["completion_tokens"] > 0
    assert out["context_tokens"] > 0 and out["model"]
    assert not out["cancelled"]


def test_rater_answers_schema_checked_scores(client):
    out = post(
        client, "rater-feedback", {"structured_context": CONTEXT, "chapter_content": CHAPTER}
    )
    assert set(out["scores"]) == {
        "overall",
        "prose",
        "pacing",
        "characters",
        "dialogue",
        "engagement",
    }
    assert all(1 <= v["score"] <= 10 for v in out["scores"].values())


def test_sse_streams_tokens_then_the_whole_answer(client):
    events: list[tuple[str, dict]] = []
    with client.stream(
        "POST",
        "/api/v1/llm-chat",
        json={"messages": [{"role": "user", "content": "Who is Mara?"}], "max_tokens": 12},
        headers={"Accept": "text/event-stream"},
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        event = None
        for line in response.iter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                events.append((event, json.loads(line.split(":", 1)[1])))
    kinds = [kind for kind, _ in events]
    assert kinds[-1] == "done" and set(kinds[:-1]) == {"token"}
    streamed = "".join(data["text"] for kind, data in events if kind == "token")
    assert streamed.strip() == events[-1][1]["content"]
    assert events[-1][1]["completion_tokens"] == len(kinds) - 1


def test_stream_true_in_the_body_streams_too(client):
    with client.stream(
        "POST", "/api/v1/flesh-out", json={"passage": "She ran.", "max_tokens": 4, "stream": True}
    ) as response:
        body = response.read().decode()
    assert "event: token" in body and "event: done" in body


def test_a_client_that_goes_away_cancels_its_job(client, api):
    with client.stream(
        "POST",
        "/api/v1/generate-chapter",
        json={"structured_context": CONTEXT, "max_tokens": 3000, "stream": True},
    ) as response:
        for line in response.iter_lines():
            if line.startswith("event: token"):
                break  # one token in, the reader hangs up
    started = time.monotonic()
    while client.get("/health").json()["jobs"]:
        assert time.monotonic() - started < 5, "the job went on after the client left"
        time.sleep(0.05)


def test_tokens_count_by_each_strategy(client):
    for strategy in ("exact", "tiktoken", "estimate"):
        out = client.post(
            "/api/v1/tokens/count", json={"text": "The lamp failed twice.", "strategy": strategy}
        ).json()
        assert out["strategy"] == strategy and 3 <= out["tokens"] <= 12
    assert client.post("/api/v1/tokens/count", json={"text": ""}).json()["tokens"] == 0


def test_story_scoped_review_is_kept_with_the_chapter(client, tmp_path):
    stories = StoryService(RecentFiles(tmp_path / "recent.json"))
    path = tmp_path / "harbour.wstory"
    stories.new_story(path, "The Harbour Light")
    chapter = stories.add_chapter("The Storm")
    stories.save_chapter_text(chapter.id, CHAPTER)
    stories.save_character(Character(name="Mara", role="keeper"))
    stories.close()

    story = {"path": str(path), "chapter_id": chapter.id}
    out = post(client, "editor-review", {"story": story, "max_tokens": 12})
    assert out["saved"]["chapter_id"] == chapter.id
    out = post(
        client, "character-feedback", {"story": story, "character_name": "Mara", "max_tokens": 8}
    )
    assert out["saved"]["feedback_id"]
    written = post(client, "generate-chapter", {"story": {"path": str(path)}, "max_tokens": 12})
    assert written["content"]
    assert client.get("/health").json()["story"] == str(path)

    missing = client.post(
        "/api/v1/editor-review", json={"story": {"path": str(path), "chapter_id": 99}}
    )
    assert missing.status_code == 404 and missing.json()["field"] == "story.chapter_id"
    nobody = client.post(
        "/api/v1/character-feedback",
        json={"story": story, "character_name": "Nobody", "max_tokens": 4},
    )
    assert nobody.status_code == 404 and nobody.json()["field"] == "character_name"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"messages": []}, "messages"),
        ({"messages": [{"role": "wizard", "content": "hi"}]}, "role"),
        ({"messages": [{"role": "user", "content": "hi"}], "max_tokens": "many"}, "max_tokens"),
        ({"messages": [{"role": "user", "content": "hi"}], "surprise": 1}, "surprise"),
        (
            {
                "messages": [{"role": "user", "content": "hi"}],
                "structured_context": {"plot_elements": [{"type": "scene", "priority": "urgent"}]},
            },
            "priority",
        ),
    ],
)
def test_bad_requests_get_a_4xx_naming_the_field(client, body, field):
    response = client.post("/api/v1/llm-chat", json=body)
    assert response.status_code == 422
    assert field in json.dumps(response.json())


def test_malformed_json_huge_bodies_and_unknown_stories_are_refused(client, tmp_path):
    response = client.post(
        "/api/v1/llm-chat", content=b'{"messages": [', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    huge = client.post("/api/v1/flesh-out", json={"passage": "x" * 300_000})
    assert huge.status_code == 413 and huge.json()["field"] == "body"
    gone = client.post(
        "/api/v1/editor-review",
        json={"story": {"path": str(tmp_path / "none.wstory"), "chapter_id": 1}},
    )
    assert gone.status_code == 404 and gone.json()["field"] == "story.path"
    not_story = tmp_path / "notes.wstory"
    not_story.write_text("just some notes")
    bad = client.post(
        "/api/v1/editor-review", json={"story": {"path": str(not_story), "chapter_id": 1}}
    )
    assert bad.status_code == 409 and "not a Writer Assistant story" in bad.json()["detail"]


def test_the_docs_and_openapi_are_served(client):
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    assert {"/api/v1/generate-chapter", "/api/v1/rater-feedback", "/api/v1/tokens/count"} <= set(
        spec["paths"]
    )
