"""Journal mode by folder (WAL locally, DELETE on network filesystems) and a .wstory file that
is complete on its own whenever the app is not writing."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from writer_desktop.storage import StoryStore, filesystems
from writer_desktop.storage.filesystems import (
    filesystem_type,
    is_network_folder,
    is_network_mount,
    is_unc_path,
    journal_mode_for,
    mounts_from_mountinfo,
    mounts_from_proc_mounts,
)

MOUNTINFO = r"""
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
25 22 0:23 / /proc rw,nosuid - proc proc rw
40 22 0:35 / /mnt/share rw,relatime shared:20 - nfs4 srv:/export rw,vers=4.2
41 40 0:36 / /mnt/share/scratch rw,relatime shared:21 - tmpfs tmpfs rw
42 22 0:37 / /media/my\040books rw,relatime - cifs //nas/books rw,vers=3.0
43 22 0:38 / /home/ann/remote rw,nosuid - fuse.sshfs ann@host:/home/ann rw
44 22 0:39 / /srv/9p rw - 9p hostshare rw
45 22 0:40 / /srv/ceph rw - ceph 10.0.0.1:/ rw
"""

PROC_MOUNTS = """
/dev/sda1 / ext4 rw,relatime 0 0
//nas/books /media/my\\040books cifs rw 0 0
"""


@pytest.mark.parametrize(
    ("folder", "network"),
    [
        ("/home/ann/novels", False),
        ("/mnt/share", True),
        ("/mnt/share/novels/book one", True),
        ("/mnt/shared", False),  # a prefix of the name, not a parent folder
        ("/mnt/share/scratch/novel", False),  # a local tmpfs mounted over the share
        ("/media/my books/novel", True),  # \040 in mountinfo is a space
        ("/home/ann/remote/drafts", True),
        ("/srv/9p/x", True),
        ("/srv/ceph", True),
        ("/proc/self", False),
    ],
)
def test_network_detection_from_mountinfo_text(folder, network):
    assert is_network_mount(MOUNTINFO, folder) is network


def test_mountinfo_and_proc_mounts_parse_to_the_same_mounts():
    assert ("/media/my books", "cifs") in mounts_from_mountinfo(MOUNTINFO)
    assert ("/media/my books", "cifs") in mounts_from_proc_mounts(PROC_MOUNTS)
    assert filesystem_type(mounts_from_proc_mounts(PROC_MOUNTS), "/media/my books/x") == "cifs"
    assert filesystem_type([], "/anywhere") is None
    assert mounts_from_mountinfo("garbage line\n\n") == []


def test_unc_paths_are_remote_and_device_paths_are_not():
    assert is_unc_path(r"\\server\share\novel.wstory")
    assert is_unc_path("//server/share/novel.wstory")
    assert is_unc_path(r"\\?\UNC\server\share\novel.wstory")
    assert not is_unc_path(r"\\?\C:\novels\novel.wstory")
    assert not is_unc_path(r"C:\novels\novel.wstory")
    assert not is_unc_path("/home/ann/novel.wstory")


def test_the_test_folder_is_local_and_its_stories_use_wal(tmp_path):
    assert is_network_folder(tmp_path) is False
    assert journal_mode_for(tmp_path / "s.wstory") == "WAL"
    store = StoryStore.create(tmp_path / "s.wstory")
    try:
        assert store.journal_mode == "wal"
    finally:
        store.close()


def test_story_on_a_network_folder_uses_a_rollback_journal(tmp_path, monkeypatch):
    # No NFS server here: the detection itself is tested above on real mountinfo text.
    monkeypatch.setattr(filesystems, "is_network_folder", lambda folder: True)
    path = tmp_path / "shared.wstory"
    store = StoryStore.create(path)
    try:
        assert store.journal_mode == "delete"
        store.add_chapter("One", "Words on the share.")
        assert not (tmp_path / "shared.wstory-wal").exists()
        probe = sqlite3.connect(path)
        assert probe.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        probe.close()
    finally:
        store.close()
    # An existing WAL story moved to a share is switched over when opened there.
    monkeypatch.setattr(filesystems, "is_network_folder", lambda folder: False)
    with StoryStore.open(path) as local:
        assert local.journal_mode == "wal"
    monkeypatch.setattr(filesystems, "is_network_folder", lambda folder: True)
    with StoryStore.open(path) as shared:
        assert shared.journal_mode == "delete"
        assert shared.chapters()[0].content == "Words on the share."


def _chapters_in_file_alone(story, folder):
    """Copy only the .wstory file (no -wal) elsewhere and read its chapters."""
    folder.mkdir()
    copy = folder / story.name
    shutil.copyfile(story, copy)
    connection = sqlite3.connect(copy)
    try:
        return [row[0] for row in connection.execute("SELECT title FROM chapters ORDER BY id")]
    finally:
        connection.close()


def test_checkpoint_and_close_leave_every_chapter_in_the_wstory_file(tmp_path):
    story = tmp_path / "novel.wstory"
    store = StoryStore.create(story)
    titles = [f"Chapter {i}" for i in range(1, 6)]
    for title in titles:
        store.add_chapter(title, "word " * 200)
    wal = tmp_path / "novel.wstory-wal"
    assert wal.stat().st_size > 0
    # Without a checkpoint the file alone lacks the newest chapters: that is what to fix.
    assert _chapters_in_file_alone(story, tmp_path / "before") != titles

    assert store.checkpoint() is True
    assert wal.stat().st_size == 0
    assert _chapters_in_file_alone(story, tmp_path / "after-checkpoint") == titles

    store.add_chapter("Chapter 6")
    store.close()
    assert not wal.exists()
    assert _chapters_in_file_alone(story, tmp_path / "after-close") == [*titles, "Chapter 6"]


def test_checkpoint_is_a_no_op_outside_wal(tmp_path, monkeypatch):
    monkeypatch.setattr(filesystems, "is_network_folder", lambda folder: True)
    with StoryStore.create(tmp_path / "s.wstory") as store:
        store.add_chapter("One")
        assert store.checkpoint() is True
    with StoryStore.open(tmp_path / "s.wstory", read_only=True) as reader:
        assert reader.checkpoint() is True
