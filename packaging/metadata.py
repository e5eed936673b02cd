"""What the installers say about the app, made from the package's own version: the Windows
version resource and the macOS Info.plist (the spec loads this file; nothing is typed twice).

Windows: https://pyinstaller.org/en/stable/usage.html#capturing-windows-version-data and
https://learn.microsoft.com/en-us/windows/win32/menurc/versioninfo-resource
macOS: https://developer.apple.com/documentation/bundleresources/information-property-list
(CFBundleDocumentTypes, UTExportedTypeDeclarations, LSMinimumSystemVersion).
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = "Writer Assistant"
PUBLISHER = "Writer Assistant developers"
BUNDLE_ID = "org.writerassistant.app"
STORY_UTI = "org.writerassistant.story"
STORY_MIME = "application/x-writer-assistant-story"
# onnxruntime 1.31 has macOS wheels for arm64 and macOS 14+ only: the app is built for that.
MACOS_MINIMUM = "14.0"


def package_version(root: Path = ROOT) -> str:
    """writer_desktop.__version__, read from its source so nothing needs importing."""
    text = (root / "writer_desktop" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', text, re.M)
    if not match:
        raise ValueError("writer_desktop/__init__.py has no __version__")
    return match.group(1)


def numeric_version(version: str) -> tuple[int, int, int, int]:
    """'1.2.3rc1' -> (1, 2, 3, 0): the four 16-bit numbers of a Windows VERSIONINFO."""
    numbers = [int(part) for part in re.findall(r"\d+", version.split("+")[0])[:3]]
    numbers += [0] * (4 - len(numbers))
    if any(n > 0xFFFF for n in numbers):
        raise ValueError(f"{version}: Windows version numbers are at most 65535")
    return tuple(numbers)  # type: ignore[return-value]


def windows_version_info(version: str) -> str:
    """A PyInstaller version file (the text form of VSVersionInfo that EXE(version=) reads):
    Explorer's Details tab and SmartScreen show these names and numbers."""
    numbers = numeric_version(version)
    strings = {
        "CompanyName": PUBLISHER,
        "FileDescription": NAME,
        "FileVersion": version,
        "InternalName": NAME,
        "LegalCopyright": f"Copyright {PUBLISHER}. MIT License.",
        "OriginalFilename": f"{NAME}.exe",
        "ProductName": NAME,
        "ProductVersion": version,
    }
    structs = ",\n".join(f"          StringStruct({k!r}, {v!r})" for k, v in strings.items())
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={numbers},
    prodvers={numbers},
    mask=0x3f,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0)
  ),
  kids=[
    StringFileInfo([
      StringTable('040904B0', [
{structs}
      ])
    ]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])])
  ]
)
"""


def macos_info_plist(version: str) -> dict:
    """Info.plist entries for PyInstaller's BUNDLE: the version, the minimum macOS, and the
    .wstory type (exported, since the app owns it) that Finder opens in the app."""
    return {
        "CFBundleName": NAME,
        "CFBundleDisplayName": NAME,
        "CFBundleShortVersionString": version,
        "CFBundleVersion": version,
        "LSMinimumSystemVersion": MACOS_MINIMUM,
        "LSApplicationCategoryType": "public.app-category.productivity",
        "NSHighResolutionCapable": True,
        "NSHumanReadableCopyright": f"Copyright {PUBLISHER}. MIT License.",
        "CFBundleDocumentTypes": [
            {
                "CFBundleTypeName": "Writer Assistant story",
                "CFBundleTypeRole": "Editor",
                "LSHandlerRank": "Owner",
                "LSItemContentTypes": [STORY_UTI],
                "CFBundleTypeIconFile": "writer-assistant.icns",
            }
        ],
        "UTExportedTypeDeclarations": [
            {
                "UTTypeIdentifier": STORY_UTI,
                "UTTypeDescription": "Writer Assistant story",
                "UTTypeConformsTo": ["public.data", "public.database"],
                "UTTypeIconFile": "writer-assistant.icns",
                "UTTypeTagSpecification": {
                    "public.filename-extension": ["wstory"],
                    "public.mime-type": [STORY_MIME],
                },
            }
        ],
    }


if __name__ == "__main__":  # the workflow asks: `python packaging/metadata.py [--numeric]`
    import sys

    version = package_version()
    numeric = ".".join(map(str, numeric_version(version)))
    print(numeric if sys.argv[1:] == ["--numeric"] else version)
