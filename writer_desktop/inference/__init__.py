"""llama-cpp-python behind one worker thread: jobs in, tokens and results out by callback."""

from writer_desktop.inference.backend import (
    GenerationJob,
    GenerationResult,
    LlamaBackend,
    ModelLoadError,
    default_model_path,
    resolve_model_path,
)
from writer_desktop.inference.blocking import BlockingRunner
from writer_desktop.inference.runner import JobCallbacks, JobRunner
from writer_desktop.inference.worker import InferenceWorker

__all__ = [
    "BlockingRunner",
    "GenerationJob",
    "GenerationResult",
    "InferenceWorker",
    "JobCallbacks",
    "JobRunner",
    "LlamaBackend",
    "ModelLoadError",
    "default_model_path",
    "resolve_model_path",
]
