"""Safe by default: loopback only unless a token is set, and then a token on every request."""

from __future__ import annotations

import httpx
import pytest

from tests.test_api.conftest import Server
from writer_desktop.api.serve import ServeRefused, check_exposure, is_loopback
from writer_desktop.config import AppPaths, Settings


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("10.1.2.3", False),
    ],
)
def test_loopback_is_told_apart(host, loopback):
    assert is_loopback(host) is loopback


def test_an_open_address_without_a_token_is_refused():
    with pytest.raises(ServeRefused, match="API_TOKEN"):
        check_exposure(Settings.model_validate({"api_host": "0.0.0.0"}))
    check_exposure(Settings.model_validate({"api_host": "0.0.0.0", "api_token": "s3cret"}))


def test_serve_command_refuses_to_expose_without_a_token(monkeypatch, capsys):
    from writer_desktop.__main__ import main

    monkeypatch.setenv("API_HOST", "0.0.0.0")
    assert main(["serve"]) == 2
    assert "API_TOKEN" in capsys.readouterr().out


def test_with_a_token_every_request_needs_it(tmp_path):
    settings = Settings.model_validate({"api_token": "s3cret", "model_path": str(tmp_path / "x")})
    with Server(settings, AppPaths.under(tmp_path / "home")) as server:
        assert httpx.get(f"{server.url}/health").status_code == 401
        assert httpx.get(f"{server.url}/docs").status_code == 401
        wrong = httpx.get(f"{server.url}/health", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401 and wrong.json()["field"] == "Authorization"
        right = httpx.get(f"{server.url}/health", headers={"Authorization": "Bearer s3cret"})
        assert right.status_code == 200
        # A missing model is a 503 with the reason, never a 500.
        chat = httpx.post(
            f"{server.url}/api/v1/llm-chat",
            json={"messages": [{"role": "user", "content": "hi"}]},
            headers={"Authorization": "Bearer s3cret"},
            timeout=30,
        )
        assert chat.status_code == 503 and "not found" in chat.json()["detail"]
