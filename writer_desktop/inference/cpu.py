"""cpu_problem(): whether this processor can run the bundled llama.cpp, asked before it loads.

The released x86-64 builds compile llama.cpp for AVX2 (with AVX, FMA and F16C): on a
processor without them the library dies on an illegal instruction, with no message. Asking
first lets the app say so and keep working without the embedded model.
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Callable
from pathlib import Path

# What the x86-64 build of llama.cpp is compiled for (CMAKE_ARGS in the Makefile and the
# release workflow). /proc/cpuinfo spells them so.
REQUIRED_X86_FLAGS = ("avx", "avx2", "fma", "f16c")
X86_MACHINES = {"x86_64", "amd64", "x64", "i386", "i686"}
# winnt.h: IsProcessorFeaturePresent's feature numbers.
PF_SSE4_2_INSTRUCTIONS_AVAILABLE = 38
PF_AVX_INSTRUCTIONS_AVAILABLE = 39
PF_AVX2_INSTRUCTIONS_AVAILABLE = 40
CPUINFO = Path("/proc/cpuinfo")


def cpuinfo_flags(text: str) -> set[str]:
    """The feature flags of the first processor in a /proc/cpuinfo text ('flags' line)."""
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() == "flags":
            return set(value.split())
    return set()


def missing_x86_features(flags: set[str]) -> list[str]:
    """Which of REQUIRED_X86_FLAGS the flags lack, in that order."""
    return [flag for flag in REQUIRED_X86_FLAGS if flag not in flags]


def windows_missing(present: Callable[[int], bool]) -> list[str]:
    """From IsProcessorFeaturePresent: AVX and AVX2 if absent. A Windows too old to know
    these numbers says no to all of them, SSE4.2 included: then nothing is known."""
    if not present(PF_SSE4_2_INSTRUCTIONS_AVAILABLE):
        return []
    missing = []
    if not present(PF_AVX_INSTRUCTIONS_AVAILABLE):
        missing.append("avx")
    if not present(PF_AVX2_INSTRUCTIONS_AVAILABLE):
        missing.append("avx2")
    return missing


def _windows_missing() -> list[str]:
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    return windows_missing(lambda feature: bool(kernel32.IsProcessorFeaturePresent(feature)))


def missing_features(
    system: str | None = None, machine: str | None = None, cpuinfo: Path | None = None
) -> list[str]:
    """The instruction sets this computer lacks for the bundled llama.cpp; [] when it has
    them all or when they cannot be known (then loading is tried as before). Only x86-64
    builds need them: Apple Silicon and other ARM builds have no such requirement."""
    system = system or sys.platform
    machine = (machine or platform.machine()).lower()
    if machine not in X86_MACHINES:
        return []
    if system.startswith("linux"):
        try:
            text = (cpuinfo or CPUINFO).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return []
        flags = cpuinfo_flags(text)
        return missing_x86_features(flags) if flags else []
    if system == "win32":
        try:
            return _windows_missing()
        except (OSError, AttributeError):
            return []
    return []


def describe_missing(missing: list[str]) -> str:
    """The message the author sees: what is missing, what still works, what to do."""
    names = ", ".join(flag.upper() for flag in missing)
    return (
        f"This computer's processor lacks {names}, which the built-in AI engine needs "
        "(most Intel Core processors since 2013 and AMD processors since 2015 have it). "
        "Writing, stories and backups work as usual; for the AI agents, use an AI server "
        "on another computer (LLM_BACKEND=openai, see CONFIGURATION.md)."
    )


def cpu_problem(cpuinfo: Path | None = None) -> str | None:
    """A message if the processor cannot run the bundled llama.cpp, else None."""
    missing = missing_features(cpuinfo=cpuinfo)
    return describe_missing(missing) if missing else None
