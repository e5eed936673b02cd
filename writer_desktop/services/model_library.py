"""The model library: GGUF models already on the disk (LM Studio, Ollama, GPT4All, Jan, the
Hugging Face cache and folders the author adds), what their headers say, and a context size
that fits this machine's memory."""

from __future__ import annotations

import json
import logging
import os
import re
import struct
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from gguf import GGUFReader
from gguf.constants import GGMLQuantizationType, GGUFValueType, LlamaFileType

from writer_desktop.domain.model_names import friendly_model_name
from writer_desktop.inference import ModelLoadError, default_model_path

log = logging.getLogger(__name__)

LM_STUDIO = "LM Studio"
OLLAMA = "Ollama"
GPT4ALL = "GPT4All"
JAN = "Jan"
HUGGING_FACE = "Hugging Face"
ADDED = "Added folder"

MAX_DEPTH = 8  # deep enough for every app's layout (HF: hub/models--x/snapshots/rev/file)
MAX_ENTRIES = 50_000  # directory entries looked at per folder: a home folder added by mistake
MAX_MODELS = 1_000
MIN_CONTEXT = 512  # below this llama.cpp is of no use for a chapter
SETTINGS_MAX_CONTEXT = 1_048_576  # LLM_N_CTX's upper bound
RESERVE_BYTES = 512 * 1024**2  # compute buffers, the app itself: not for the KV cache
UNKNOWN_SHAPE_CONTEXT = 4096  # LLM_N_CTX's default, when the header lacks the layer shape

_OLLAMA_MODEL_LAYER = "application/vnd.ollama.image.model"
_SHARD = re.compile(r"^(?P<stem>.+)-(?P<index>\d{5})-of-(?P<count>\d{5})\.gguf$", re.IGNORECASE)
_SHORT_ARRAY = 1024  # arrays longer than this (vocabularies, merges) are stepped over


class ModelLibraryError(Exception):
    """A file could not be read as a GGUF model; the message is meant for the author."""


@dataclass(frozen=True)
class ModelInfo:
    """One GGUF model on the disk and what its header says (0 or "" where it says nothing)."""

    path: Path
    name: str
    size_bytes: int
    quantisation: str
    parameters: int  # counted from the tensor shapes
    size_label: str  # general.size_label ("8x7B"), else the count written short ("135M")
    context_length: int  # the context the model was trained for
    architecture: str
    source: str = ""
    n_layers: int = 0
    n_embd: int = 0
    n_head: int = 0
    n_head_kv: int = 0
    key_length: int = 0
    value_length: int = 0

    @property
    def kv_bytes_per_token(self) -> int:
        """Bytes of f16 KV cache one token of context takes (0 when the header does not say):
        2 (K and V) x layers x KV heads x head size x 2 bytes."""
        if not (self.n_layers and self.n_embd and self.n_head):
            return 0
        head_size = self.n_embd // self.n_head
        kv_heads = self.n_head_kv or self.n_head
        per_layer = kv_heads * ((self.key_length or head_size) + (self.value_length or head_size))
        return self.n_layers * per_layer * 2


@dataclass(frozen=True)
class SkippedFile:
    """A file that looked like a model but was not used, and why."""

    path: Path
    reason: str


@dataclass
class ScanReport:
    """What a scan found: the models, and the files it passed over."""

    models: list[ModelInfo] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)


class _HeaderReader(GGUFReader):
    """gguf's reader, stepping over long arrays instead of making one numpy view per element:
    the stock reader takes ~7 s on the default model's 49k-token vocabulary, this ~0.1 s.
    Tensor data stays in the memory map, never read."""

    def _get_field_parts(self, orig_offs: int, raw_type: int) -> Any:
        if raw_type != GGUFValueType.ARRAY:
            return super()._get_field_parts(orig_offs, raw_type)
        item_type = self._get(orig_offs, np.uint32)
        count = self._get(orig_offs + 4, np.uint64)
        if len(count) != 1:
            raise ValueError("the header ends inside an array")
        if count[0] <= _SHORT_ARRAY:
            return super()._get_field_parts(orig_offs, raw_type)
        gtype = GGUFValueType(int(item_type[0]))
        offs = orig_offs + 12
        if gtype == GGUFValueType.STRING:
            native = sys.byteorder == "little"
            length = struct.Struct("<Q" if native == (self.byte_order == "I") else ">Q")
            raw = memoryview(self.data)
            try:
                for _ in range(int(count[0])):
                    offs += 8 + length.unpack_from(raw, offs)[0]
            except struct.error as exc:
                raise ValueError("the header ends inside an array") from exc
        elif gtype in self.gguf_scalar_to_np:
            offs += int(count[0]) * np.dtype(self.gguf_scalar_to_np[gtype]).itemsize
        else:
            return super()._get_field_parts(orig_offs, raw_type)
        return offs - orig_offs, [item_type, count], [], [GGUFValueType.ARRAY, gtype]


def _open(path: Path) -> GGUFReader:
    try:
        return _HeaderReader(path)
    except (ValueError, IndexError, KeyError, OSError, OverflowError, TypeError) as exc:
        raise ModelLibraryError(f"{path.name} is not a readable GGUF model ({exc})") from exc


def _value(reader: GGUFReader, key: str) -> Any:
    found = reader.get_field(key)
    if found is None:
        return None
    try:
        value = found.contents()
    except (ValueError, IndexError, UnicodeDecodeError):
        return None
    return value


def _int(reader: GGUFReader, key: str) -> int:
    value = _value(reader, key)
    if isinstance(value, list):  # per-layer values (some hybrid models): the largest
        value = max((v for v in value if isinstance(v, int | float)), default=0)
    return int(value) if isinstance(value, int | float) else 0


def _str(reader: GGUFReader, key: str) -> str:
    value = _value(reader, key)
    return value.strip() if isinstance(value, str) else ""


def format_parameters(count: int) -> str:
    """A parameter count the way model names write it: 135M, 7.2B."""
    for unit, scale in (("T", 10**12), ("B", 10**9), ("M", 10**6), ("K", 10**3)):
        if count >= scale:
            short = f"{count / scale:.1f}".removesuffix(".0")
            return f"{short}{unit}" if count / scale < 10 else f"{round(count / scale)}{unit}"
    return str(count)


def _quantisation(reader: GGUFReader) -> str:
    file_type = reader.get_field("general.file_type")
    if file_type is not None:
        try:
            kind = LlamaFileType(int(file_type.contents()))
        except ValueError:
            kind = LlamaFileType.GUESSED
        if kind != LlamaFileType.GUESSED:
            return kind.name.removeprefix("MOSTLY_").removeprefix("ALL_")
    # No file type: the type that holds most of the weights' bytes.
    by_type: dict[GGMLQuantizationType, int] = {}
    for tensor in reader.tensors:
        if len(tensor.shape) >= 2:
            by_type[tensor.tensor_type] = by_type.get(tensor.tensor_type, 0) + tensor.n_bytes
    return max(by_type, key=by_type.__getitem__).name if by_type else ""


def _shards(path: Path) -> list[Path]:
    """The files of a split model, the given one first (one file when it is not split)."""
    match = _SHARD.match(path.name)
    if not match:
        return [path]
    count, stem = int(match["count"]), match["stem"]
    return [path] + [
        path.with_name(f"{stem}-{i:05d}-of-{count:05d}.gguf")
        for i in range(1, count + 1)
        if i != int(match["index"])
    ]


def _general(reader: GGUFReader) -> dict[str, str]:
    keys = ("general.basename", "general.size_label", "general.finetune", "general.name")
    return {key: _str(reader, key) for key in keys}


def default_model_name() -> str:
    """The built-in model's name as the author would say it ("SmolLM2 135M Instruct")."""
    try:
        path = default_model_path()
    except ModelLoadError:
        return "not installed"
    return friendly_model_name(path, {})


def read_gguf_info(path: Path, source: str = "", name: str = "") -> ModelInfo:
    """What the GGUF header at `path` says: reads the metadata and tensor table only, so a
    multi-GB file takes as long as a small one. A split model's first file stands for all.
    Raises ModelLibraryError for anything that is not a complete GGUF model."""
    path = Path(path)
    if not path.is_file():
        raise ModelLibraryError(f"{name or path.name}: {path} is missing (an unfinished download?)")
    reader = _open(path)
    general_type = _str(reader, "general.type")
    arch = _str(reader, "general.architecture")
    if general_type not in ("", "model") or arch == "clip":
        raise ModelLibraryError(
            f"{path.name} is a {general_type or 'vision projector'}, not a model on its own"
        )
    parameters = sum(int(t.n_elements) for t in reader.tensors)
    size = path.stat().st_size
    for shard in _shards(path)[1:]:
        if not shard.is_file():
            raise ModelLibraryError(f"{path.name} is split and {shard.name} is missing")
        parameters += sum(int(t.n_elements) for t in _open(shard).tensors)
        size += shard.stat().st_size
    return ModelInfo(
        path=path,
        name=name or friendly_model_name(path, _general(reader)),
        size_bytes=size,
        quantisation=_quantisation(reader),
        parameters=parameters,
        size_label=_str(reader, "general.size_label") or format_parameters(parameters),
        context_length=_int(reader, f"{arch}.context_length"),
        architecture=arch,
        source=source,
        n_layers=_int(reader, f"{arch}.block_count"),
        n_embd=_int(reader, f"{arch}.embedding_length"),
        n_head=_int(reader, f"{arch}.attention.head_count"),
        n_head_kv=_int(reader, f"{arch}.attention.head_count_kv"),
        key_length=_int(reader, f"{arch}.attention.key_length"),
        value_length=_int(reader, f"{arch}.attention.value_length"),
    )


def known_folders(
    home: Path, env: Mapping[str, str], platform: str = sys.platform
) -> list[tuple[str, Path]]:
    """Where the local-model apps keep their downloads on this platform ("linux", "darwin",
    "win32"), existing or not. KoboldCpp has no folder of its own: its models are wherever
    the author put them, so that folder is one to add."""
    folders: list[tuple[str, Path]] = [
        (LM_STUDIO, home / ".lmstudio" / "models"),
        (LM_STUDIO, home / ".cache" / "lm-studio" / "models"),
    ]
    if env.get("OLLAMA_MODELS"):
        folders.append((OLLAMA, Path(env["OLLAMA_MODELS"])))
    folders.append((OLLAMA, home / ".ollama" / "models"))
    if platform.startswith("linux"):
        folders.append((OLLAMA, Path("/usr/share/ollama/.ollama/models")))  # the system service

    if platform == "darwin":
        support = home / "Library" / "Application Support"
        gpt4all, jan = support / "nomic.ai" / "GPT4All", support / "Jan" / "data"
    elif platform == "win32":
        local = Path(env.get("LOCALAPPDATA") or home / "AppData" / "Local")
        roaming = Path(env.get("APPDATA") or home / "AppData" / "Roaming")
        gpt4all, jan = local / "nomic.ai" / "GPT4All", roaming / "Jan" / "data"
    else:
        data = Path(env.get("XDG_DATA_HOME") or home / ".local" / "share")
        gpt4all, jan = data / "nomic.ai" / "GPT4All", data / "Jan" / "data"
    folders += [
        (GPT4ALL, gpt4all),
        (JAN, home / "jan" / "models"),  # Jan before 0.6
        (JAN, jan / "models"),
        (JAN, jan / "llamacpp" / "models"),
    ]

    if env.get("HF_HUB_CACHE"):
        hub = Path(env["HF_HUB_CACHE"])
    elif env.get("HF_HOME"):
        hub = Path(env["HF_HOME"]) / "hub"
    else:
        cache = Path(env.get("XDG_CACHE_HOME") or home / ".cache")
        hub = cache / "huggingface" / "hub"
    folders.append((HUGGING_FACE, hub))
    return _unique(folders)


def _unique(folders: Iterable[tuple[str, Path]]) -> list[tuple[str, Path]]:
    seen: set[Path] = set()
    kept = []
    for source, folder in folders:
        if folder not in seen:
            seen.add(folder)
            kept.append((source, folder))
    return kept


def _is_ollama(folder: Path) -> bool:
    return (folder / "manifests").is_dir() and (folder / "blobs").is_dir()


def _ollama_models(folder: Path) -> Iterator[tuple[str, Path]]:
    """(name:tag, blob) for each model an Ollama folder's manifests name."""
    for manifest in sorted((folder / "manifests").glob("*/*/*/*")):
        registry, namespace, model, tag = manifest.relative_to(folder / "manifests").parts
        try:
            layers = json.loads(manifest.read_text(encoding="utf-8")).get("layers", [])
        except (OSError, ValueError, AttributeError):
            continue
        digests = [
            layer.get("digest", "")
            for layer in layers
            if isinstance(layer, dict) and layer.get("mediaType") == _OLLAMA_MODEL_LAYER
        ]
        if not digests or not isinstance(digests[0], str):
            continue
        if registry == "registry.ollama.ai":
            name = f"{model}:{tag}" if namespace == "library" else f"{namespace}/{model}:{tag}"
        else:
            name = f"{registry}/{namespace}/{model}:{tag}"
        yield name, folder / "blobs" / digests[0].replace(":", "-")


def _gguf_files(root: Path, should_stop: Callable[[], bool]) -> Iterator[Path]:
    """*.gguf under root, MAX_DEPTH deep and MAX_ENTRIES entries at most, following links to
    folders once each (a link loop ends there), hidden folders skipped."""
    seen: set[str] = set()
    stack = [(root, 0)]
    entries = 0
    while stack:
        folder, depth = stack.pop()
        real = os.path.realpath(folder)
        if real in seen:
            continue
        seen.add(real)
        try:
            children = sorted(os.scandir(folder), key=lambda e: e.name, reverse=True)
        except OSError:
            continue
        for child in children:
            entries += 1
            if entries > MAX_ENTRIES or should_stop():
                return
            try:
                if child.is_dir():
                    if depth < MAX_DEPTH and not child.name.startswith("."):
                        stack.append((Path(child.path), depth + 1))
                elif child.name.lower().endswith(".gguf") and child.is_file():
                    yield Path(child.path)
            except OSError:
                continue


def _candidates(
    source: str, folder: Path, should_stop: Callable[[], bool]
) -> Iterator[tuple[str, Path, str]]:
    """(source, file, name or "") for each possible model in one folder."""
    if _is_ollama(folder):
        for name, blob in _ollama_models(folder):
            yield OLLAMA if source == ADDED else source, blob, name
        return
    for path in _gguf_files(folder, should_stop):
        shard = _SHARD.match(path.name)
        if shard and int(shard["index"]) != 1:
            continue  # the first file of a split model stands for the rest
        yield source, path, ""


def scan_report(
    folders: Iterable[tuple[str, Path]],
    extra_folders: Iterable[Path] = (),
    should_stop: Callable[[], bool] = lambda: False,
) -> ScanReport:
    """Every GGUF model in the known folders and the author's own (source ADDED), each file
    once however many links lead to it, with the files passed over and why. Missing folders
    are no error. Slow (disk): call it off the GUI thread."""
    report = ScanReport()
    seen: set[str] = set()
    all_folders = list(folders) + [(ADDED, Path(f)) for f in extra_folders]
    for source, folder in _unique(all_folders):
        if not folder.is_dir():
            continue
        for found_source, path, name in _candidates(source, folder, should_stop):
            if should_stop() or len(report.models) >= MAX_MODELS:
                return report
            real = os.path.realpath(path)
            if real in seen:
                continue
            seen.add(real)
            try:
                report.models.append(read_gguf_info(path, found_source, name))
            except ModelLibraryError as exc:
                report.skipped.append(SkippedFile(path, str(exc)))
            except OSError as exc:
                report.skipped.append(SkippedFile(path, f"{path.name} could not be read ({exc})"))
    return report


def scan(
    folders: Iterable[tuple[str, Path]], extra_folders: Iterable[Path] = ()
) -> list[ModelInfo]:
    """The models scan_report finds, without the files it passed over."""
    return scan_report(folders, extra_folders).models


def _power_of_two_floor(n: int) -> int:
    return 1 << (n.bit_length() - 1) if n > 0 else 0


def recommended_context(
    info: ModelInfo, memory_bytes: int, reserve_bytes: int = RESERVE_BYTES
) -> int:
    """The largest power-of-two context whose f16 KV cache fits the memory left after the
    weights and a reserve, no longer than the model was trained for; MIN_CONTEXT when even
    that does not fit (fits_in_memory says so)."""
    trained = info.context_length or UNKNOWN_SHAPE_CONTEXT
    per_token = info.kv_bytes_per_token
    if per_token == 0:
        return max(256, min(trained, UNKNOWN_SHAPE_CONTEXT))
    free = memory_bytes - info.size_bytes - reserve_bytes
    fitting = _power_of_two_floor(max(free, 0) // per_token)
    return max(256, min(max(fitting, MIN_CONTEXT), trained, SETTINGS_MAX_CONTEXT))


def fits_in_memory(info: ModelInfo, memory_bytes: int, reserve_bytes: int = RESERVE_BYTES) -> bool:
    """Whether the weights and a MIN_CONTEXT KV cache fit in memory_bytes."""
    needed = info.size_bytes + reserve_bytes + info.kv_bytes_per_token * MIN_CONTEXT
    return needed <= memory_bytes


def available_memory() -> int:
    """Bytes of memory free for a model now (the OS's 'available', page cache included)."""
    try:
        import psutil  # type: ignore[import-not-found]  # not a dependency; used if present

        return int(psutil.virtual_memory().available)
    except ImportError:
        pass
    if sys.platform == "win32":
        return _windows_available()
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    page = os.sysconf("SC_PAGE_SIZE")
    # macOS has no "available pages": half the physical memory is a fair guess there.
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * page
    except (ValueError, OSError):
        return int(os.sysconf("SC_PHYS_PAGES")) * page // 2


def _windows_available() -> int:
    import ctypes

    class MemoryStatus(ctypes.Structure):
        _fields_ = [
            ("dwLength", ctypes.c_ulong),
            ("dwMemoryLoad", ctypes.c_ulong),
            ("ullTotalPhys", ctypes.c_ulonglong),
            ("ullAvailPhys", ctypes.c_ulonglong),
            ("ullTotalPageFile", ctypes.c_ulonglong),
            ("ullAvailPageFile", ctypes.c_ulonglong),
            ("ullTotalVirtual", ctypes.c_ulonglong),
            ("ullAvailVirtual", ctypes.c_ulonglong),
            ("ullAvailExtendedVirtual", ctypes.c_ulonglong),
        ]

    status = MemoryStatus()
    status.dwLength = ctypes.sizeof(MemoryStatus)
    ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status))  # type: ignore[attr-defined]
    return int(status.ullAvailPhys)


__all__ = [
    "ADDED",
    "GPT4ALL",
    "HUGGING_FACE",
    "JAN",
    "LM_STUDIO",
    "OLLAMA",
    "ModelInfo",
    "ModelLibraryError",
    "ScanReport",
    "SkippedFile",
    "available_memory",
    "fits_in_memory",
    "format_parameters",
    "known_folders",
    "read_gguf_info",
    "recommended_context",
    "scan",
    "scan_report",
]
