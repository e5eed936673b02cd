"""The processor check before llama.cpp loads: /proc/cpuinfo parsing and the message."""

from __future__ import annotations

import platform
import time
from pathlib import Path

import pytest

from writer_desktop.config import Settings
from writer_desktop.inference import LlamaBackend, ModelLoadError, cpu
from writer_desktop.inference.worker import InferenceWorker

# Two processors as the kernel lists them: a Sandy Bridge Xeon (AVX, no AVX2) and a Zen 3.
SANDY_BRIDGE = """\
processor\t: 0
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R) CPU E5-2670 0 @ 2.60GHz
flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush \
mmx fxsr sse sse2 ss ht syscall nx pdpe1gb rdtscp lm constant_tsc pni pclmulqdq ssse3 cx16 \
sse4_1 sse4_2 x2apic popcnt tsc_deadline_timer aes xsave avx hypervisor lahf_lm
bugs\t\t: cpu_meltdown spectre_v1

processor\t: 1
flags\t\t: fpu sse sse2 avx
"""
ZEN3 = """\
processor\t: 0
vendor_id\t: AuthenticAMD
flags\t\t: fpu sse sse2 ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt aes xsave avx f16c \
rdrand lahf_lm bmi1 avx2 smep bmi2 sha_ni
"""


def test_flags_come_from_the_first_processor():
    flags = cpu.cpuinfo_flags(SANDY_BRIDGE)
    assert "avx" in flags and "sse4_2" in flags and "avx2" not in flags
    assert "cpu_meltdown" not in flags  # the 'bugs' line is not a feature line
    assert cpu.cpuinfo_flags("processor : 0\nmodel name : ARMv8\n") == set()


def test_missing_features_are_named_in_build_order():
    assert cpu.missing_x86_features(cpu.cpuinfo_flags(SANDY_BRIDGE)) == ["avx2", "fma", "f16c"]
    assert cpu.missing_x86_features(cpu.cpuinfo_flags(ZEN3)) == []


def test_linux_reads_proc_cpuinfo(tmp_path: Path):
    old = tmp_path / "cpuinfo"
    old.write_text(SANDY_BRIDGE)
    assert cpu.missing_features("linux", "x86_64", old) == ["avx2", "fma", "f16c"]
    new = tmp_path / "zen3"
    new.write_text(ZEN3)
    assert cpu.missing_features("linux", "x86_64", new) == []


def test_unknown_answers_let_loading_go_ahead(tmp_path: Path):
    # No cpuinfo, no flags line (some emulators), ARM and Apple Silicon: nothing to check.
    assert cpu.missing_features("linux", "x86_64", tmp_path / "absent") == []
    blank = tmp_path / "blank"
    blank.write_text("processor : 0\n")
    assert cpu.missing_features("linux", "x86_64", blank) == []
    assert cpu.missing_features("darwin", "arm64") == []
    assert cpu.missing_features("linux", "aarch64", tmp_path / "absent") == []


def test_windows_answers():
    def features(*present: int):
        return lambda feature: feature in present

    sse42 = cpu.PF_SSE4_2_INSTRUCTIONS_AVAILABLE
    avx, avx2 = cpu.PF_AVX_INSTRUCTIONS_AVAILABLE, cpu.PF_AVX2_INSTRUCTIONS_AVAILABLE
    assert cpu.windows_missing(features(sse42, avx, avx2)) == []
    assert cpu.windows_missing(features(sse42, avx)) == ["avx2"]
    assert cpu.windows_missing(features(sse42)) == ["avx", "avx2"]
    # An old Windows that knows none of these numbers: nothing can be said.
    assert cpu.windows_missing(features()) == []


def test_message_says_what_is_missing_and_what_still_works():
    text = cpu.describe_missing(["avx2", "fma"])
    assert "AVX2, FMA" in text and "Writing" in text and "LLM_BACKEND=openai" in text


@pytest.mark.skipif(
    platform.machine().lower() not in cpu.X86_MACHINES or not cpu.CPUINFO.exists(),
    reason="the check reads /proc/cpuinfo on x86-64 Linux",
)
def test_this_machine_passes_the_check():
    # The test suite loads the model elsewhere, so this machine must have what it needs.
    assert cpu.cpu_problem() is None


@pytest.mark.skipif(platform.machine().lower() not in cpu.X86_MACHINES, reason="x86-64 builds only")
def test_old_processor_gets_a_message_not_a_crash(tmp_path: Path, monkeypatch):
    fake = tmp_path / "cpuinfo"
    fake.write_text(SANDY_BRIDGE)
    monkeypatch.setattr(cpu, "CPUINFO", fake)
    monkeypatch.setattr(cpu.sys, "platform", "linux")
    with pytest.raises(ModelLoadError, match="lacks AVX2, FMA, F16C"):
        LlamaBackend(Settings()).load()
    states: list[tuple[str, str]] = []
    worker = InferenceWorker(Settings(), lambda state, detail: states.append((state, detail)))
    worker.start()
    try:
        deadline = time.monotonic() + 30
        while worker.state == "loading" and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        worker.shutdown()
    assert states[-1][0] == "failed" and "lacks AVX2" in states[-1][1]
