"""A real API server (uvicorn on a free port, in a thread) over a real Core and model."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from writer_desktop.config import AppPaths, Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """uvicorn serving create_app(build_core(...)) until stopped."""

    def __init__(self, settings: Settings, paths: AppPaths) -> None:
        import uvicorn

        from writer_desktop.api import create_app
        from writer_desktop.services import build_core

        self.core = build_core(settings, paths)
        self.port = free_port()
        config = uvicorn.Config(
            create_app(self.core), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="api-server", daemon=True)
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code in (200, 401):
                    return self
            except httpx.TransportError:
                time.sleep(0.05)
        raise TimeoutError("the API server did not start")

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(30)


@pytest.fixture(scope="module")
def api(tmp_path_factory) -> Iterator[Server]:
    """One server for the module, with the real default model."""
    root = tmp_path_factory.mktemp("api")
    settings = Settings.model_validate({"api_max_body_bytes": 200_000, "llm_seed": 5})
    with Server(settings, AppPaths.under(root / "home")) as server:
        yield server


@pytest.fixture
def client(api) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api.url, timeout=300) as client:
        yield client
