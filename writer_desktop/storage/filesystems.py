"""Is a story's folder on a network filesystem? SQLite's WAL mode needs shared memory that
network filesystems do not provide, so there the story uses journal_mode=DELETE.

Linux reads /proc/self/mountinfo (or /proc/mounts); Windows asks GetDriveTypeW and treats
UNC paths (\\\\server\\share) as remote; macOS reads statfs's f_fstypename through ctypes.
Where the question cannot be answered the folder counts as local (WAL), as before.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from pathlib import Path, PurePosixPath

# Filesystem types (as Linux and macOS name them) where WAL is unsafe.
NETWORK_FS_TYPES: frozenset[str] = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "smb2",
        "ncpfs",
        "afs",
        "9p",
        "ceph",
        "glusterfs",
        "lustre",
        "gpfs",
        "beegfs",
        "davfs",
        "webdav",
        "afpfs",
        "fuse.sshfs",
        "fuse.rclone",
        "fuse.s3fs",
        "fuse.gcsfuse",
        "fuse.glusterfs",
        "fuse.cephfs",
        "fuse.davfs2",
        "fuse.smbnetfs",
        "fuse.curlftpfs",
    }
)

_DRIVE_REMOTE = 4  # GetDriveTypeW's answer for a network drive


def _unescape_mount_point(field: str) -> str:
    # The kernel writes space, tab, newline and backslash in mount points as octal escapes.
    for escape, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(escape, char)
    return field


def mounts_from_mountinfo(text: str) -> list[tuple[str, str]]:
    """(mount point, filesystem type) pairs from /proc/self/mountinfo text."""
    mounts = []
    for line in text.splitlines():
        left, sep, right = line.partition(" - ")
        fields, tail = left.split(), right.split()
        if not sep or len(fields) < 5 or not tail:
            continue
        mounts.append((_unescape_mount_point(fields[4]), tail[0]))
    return mounts


def mounts_from_proc_mounts(text: str) -> list[tuple[str, str]]:
    """(mount point, filesystem type) pairs from /proc/mounts (fstab format) text."""
    mounts = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            mounts.append((_unescape_mount_point(fields[1]), fields[2]))
    return mounts


def filesystem_type(mounts: list[tuple[str, str]], folder: str) -> str | None:
    """The type of the filesystem `folder` (absolute, resolved) is on: the last-mounted of
    the longest mount points containing it. None when no mount point contains it."""
    target = PurePosixPath(folder)
    best: tuple[int, str] | None = None
    for mount_point, fs_type in mounts:
        point = PurePosixPath(mount_point)
        if target == point or point in target.parents:
            depth = len(point.parts)
            # A later line for the same mount point is mounted over the earlier one.
            if best is None or depth >= best[0]:
                best = (depth, fs_type)
    return best[1] if best else None


def is_network_mount(mountinfo_text: str, folder: str) -> bool:
    """Whether `folder` lies on a network filesystem, by the given mountinfo text."""
    fs_type = filesystem_type(mounts_from_mountinfo(mountinfo_text), folder)
    return fs_type is not None and fs_type.lower() in NETWORK_FS_TYPES


def is_unc_path(path: str) -> bool:
    """A Windows UNC path (\\\\server\\share\\...), which is always on another machine.
    The local-device forms \\\\?\\C:\\ and \\\\.\\ are not; \\\\?\\UNC\\server is."""
    normal = path.replace("/", "\\")
    if normal.upper().startswith("\\\\?\\UNC\\"):
        return True
    return normal.startswith("\\\\") and not normal.startswith(("\\\\?\\", "\\\\.\\"))


def _linux_is_network(folder: Path) -> bool:
    for source, parse in (
        ("/proc/self/mountinfo", mounts_from_mountinfo),
        ("/proc/mounts", mounts_from_proc_mounts),
    ):
        try:
            text = Path(source).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        fs_type = filesystem_type(parse(text), str(folder))
        return fs_type is not None and fs_type.lower() in NETWORK_FS_TYPES
    return False


def _windows_is_network(folder: Path) -> bool:  # pragma: no cover - Windows only
    text = str(folder)
    if is_unc_path(text):
        return True
    drive = os.path.splitdrive(text)[0]
    if not drive:
        return False
    get_drive_type = ctypes.windll.kernel32.GetDriveTypeW  # type: ignore[attr-defined]
    get_drive_type.argtypes = [ctypes.c_wchar_p]
    get_drive_type.restype = ctypes.c_uint
    return get_drive_type(drive + "\\") == _DRIVE_REMOTE


# macOS struct statfs (64-bit inodes): f_fstypename is 16 bytes at offset 72.
_MAC_FSTYPENAME_OFFSET = 72
_MAC_NETWORK_TYPES = frozenset({"smbfs", "nfs", "afpfs", "webdav", "cifs", "ftp", "macfuse"})


def _mac_is_network(folder: Path) -> bool:  # pragma: no cover - macOS only
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    statfs = getattr(libc, "statfs$INODE64", None) or libc.statfs
    buffer = ctypes.create_string_buffer(4096)  # larger than struct statfs (2168 bytes)
    if statfs(os.fsencode(folder), buffer) != 0:
        return False
    raw = buffer.raw[_MAC_FSTYPENAME_OFFSET : _MAC_FSTYPENAME_OFFSET + 16]
    fs_type = raw.split(b"\0", 1)[0].decode("ascii", "replace").lower()
    return fs_type in _MAC_NETWORK_TYPES or fs_type.startswith("fuse.")


def is_network_folder(folder: Path) -> bool:
    """Whether `folder` is on a network filesystem (False when it cannot be told)."""
    folder = Path(folder)
    try:
        folder = folder.resolve()
        if sys.platform == "win32":  # pragma: no cover - Windows only
            return _windows_is_network(folder)
        if sys.platform == "darwin":  # pragma: no cover - macOS only
            return _mac_is_network(folder)
        return _linux_is_network(folder)
    except (OSError, AttributeError, ValueError):
        return False


def journal_mode_for(story: Path) -> str:
    """SQLite journal mode for a story: DELETE on a network folder, WAL elsewhere."""
    return "DELETE" if is_network_folder(Path(story).parent) else "WAL"
