"""What the installers declare, checked without building them: the version everywhere comes
from the package, the .wstory file type is declared the same way on each OS, and the release
workflow keeps its guards (timeouts, current runners)."""

from __future__ import annotations

import importlib.util
import plistlib
import re
import sys
import tomllib
import types
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from writer_desktop import __version__

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
MIME = "application/x-writer-assistant-story"


@pytest.fixture(scope="module")
def metadata():
    spec = importlib.util.spec_from_file_location("wa_metadata", PACKAGING / "metadata.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_one_version_for_the_package_and_the_installers(metadata):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert metadata.package_version() == __version__ == project


def test_windows_version_numbers(metadata):
    assert metadata.numeric_version("0.1.0") == (0, 1, 0, 0)
    assert metadata.numeric_version("2.10.3rc1") == (2, 10, 3, 0)
    assert metadata.numeric_version("1.4") == (1, 4, 0, 0)
    with pytest.raises(ValueError):
        metadata.numeric_version("70000.0.0")


def test_windows_version_file_is_what_pyinstaller_reads(metadata, tmp_path, monkeypatch):
    # PyInstaller's reader is Windows-only through pefile and win32api, which only its
    # writer uses: stand-ins let the real parser run here.
    compat = pytest.importorskip("PyInstaller.compat")

    monkeypatch.setitem(sys.modules, "pefile", types.ModuleType("pefile"))
    monkeypatch.setattr(compat, "win32api", None, raising=False)
    monkeypatch.delitem(sys.modules, "PyInstaller.utils.win32.versioninfo", raising=False)
    from PyInstaller.utils.win32 import versioninfo

    path = tmp_path / "version_info.txt"
    path.write_text(metadata.windows_version_info("1.2.3"), encoding="utf-8")
    info = versioninfo.load_version_info_from_text_file(str(path))
    assert info.ffi.fileVersionMS == (1 << 16) | 2 and info.ffi.fileVersionLS == 3 << 16
    text = str(info)
    assert "StringStruct('ProductVersion', '1.2.3')" in text
    assert "StringStruct('OriginalFilename', 'Writer Assistant.exe')" in text


def test_macos_plist_declares_the_story_type_and_the_minimum_system(metadata):
    plist = plistlib.loads(plistlib.dumps(metadata.macos_info_plist("1.2.3")))
    assert plist["CFBundleShortVersionString"] == plist["CFBundleVersion"] == "1.2.3"
    assert plist["LSMinimumSystemVersion"] == "14.0"
    (exported,) = plist["UTExportedTypeDeclarations"]
    (document,) = plist["CFBundleDocumentTypes"]
    assert exported["UTTypeTagSpecification"]["public.filename-extension"] == ["wstory"]
    assert exported["UTTypeTagSpecification"]["public.mime-type"] == [MIME]
    assert document["LSItemContentTypes"] == [exported["UTTypeIdentifier"]]
    assert document["CFBundleTypeRole"] == "Editor"
    # PyInstaller copies the icon into Resources under its own name.
    assert (PACKAGING / "macos" / document["CFBundleTypeIconFile"]).is_file()


def test_linux_mime_type_matches_the_desktop_entry():
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    tree = ET.parse(PACKAGING / "linux" / "writer-assistant.xml")
    (mime_type,) = tree.getroot().findall("m:mime-type", ns)
    assert mime_type.get("type") == MIME
    assert [g.get("pattern") for g in mime_type.findall("m:glob", ns)] == ["*.wstory"]
    assert mime_type.find("m:icon", ns).get("name") == MIME.replace("/", "-")
    desktop = (ROOT / "resources" / "writer-assistant.desktop").read_text()
    assert f"MimeType={MIME};" in desktop.splitlines()


def test_windows_installer_refreshes_associations_and_types_no_version():
    iss = (PACKAGING / "windows" / "writer-assistant.iss").read_text()
    assert "ChangesAssociations=yes" in iss
    assert not re.search(r'#define MyAppVersion "', iss)  # the workflow passes it
    assert 'Subkey: "Software\\Classes\\.wstory"' in iss


def test_windows_icon_has_every_size_explorer_asks_for():
    data = (PACKAGING / "windows" / "writer-assistant.ico").read_bytes()
    count = int.from_bytes(data[4:6], "little")
    sizes = {(data[6 + 16 * i] or 256) for i in range(count)}
    assert {16, 24, 32, 48, 256} <= sizes


def test_workflow_guards():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "package.yml").read_text())
    text = (ROOT / ".github" / "workflows" / "package.yml").read_text()
    for name, job in workflow["jobs"].items():
        assert "timeout-minutes" in job, f"job {name} has no timeout"
        assert job["runs-on"] not in ("macos-14", "ubuntu-22.04", "ubuntu-20.04"), name
    assert __version__ not in text  # the version comes from the package
    assert workflow["jobs"]["macos"]["env"]["MACOSX_DEPLOYMENT_TARGET"] == "14.0"
    uses = re.findall(r"uses: (\S+)@v(\d+)", text)
    assert uses and all(int(major) >= 6 for action, major in uses if action.startswith("actions/"))
