"""schemathesis over /openapi.json: whatever a client sends, the API answers with a 4xx or a
success, never a 500. The model is left unloaded (a missing file) so that requests the
schema allows end quickly in a 503 that names the reason, instead of generating."""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.test_api.conftest import Server
from writer_desktop.config import AppPaths, Settings


@pytest.fixture(scope="module")
def no_model_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    config = Settings.model_validate(
        {"model_path": str(root / "missing.gguf"), "api_max_body_bytes": 100_000}
    )
    with Server(config, AppPaths.under(root / "home")) as server:
        yield server


def test_no_request_gets_a_server_error(no_model_server):
    schema = schemathesis.openapi.from_url(f"{no_model_server.url}/openapi.json")
    checked: list[tuple[str, int]] = []
    for operation in schema.get_all_operations():
        op = operation.ok()

        @settings(
            max_examples=25,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            derandomize=True,
        )
        @given(case=op.as_strategy())
        def run(case):
            response = case.call(base_url=no_model_server.url, timeout=30)
            assert response.status_code != 500, (case.path, response.text[:300])
            if response.status_code >= 400:
                body = response.json()
                assert "detail" in body, body
            checked.append((case.path, response.status_code))

        run()
    print("schemathesis:", len(checked), "requests,", Counter(status for _, status in checked))
    paths = {path for path, _ in checked}
    assert {"/api/v1/llm-chat", "/api/v1/rater-feedback", "/api/v1/tokens/count"} <= paths
    assert any(status == 422 for _, status in checked)
