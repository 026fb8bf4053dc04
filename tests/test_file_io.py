"""lamina.utils.file_io: atomic, durable writes of files and folders; the temporaries of
killed writers are removed by the next save, never those of a live writer."""
import os
import stat
import subprocess
import sys
import threading
import time

import pytest

from lamina.utils import file_io
from lamina.utils.file_io import atomic_folder, atomic_path, recover_folder, remove_stale_temps


def _record_fsyncs(monkeypatch):
    """Patch os.fsync / os.replace / os.rename to log (event, inode, is_dir) in order."""
    log = []
    real_fsync, real_replace, real_rename = os.fsync, os.replace, os.rename

    def fsync(fd):
        st = os.fstat(fd)
        log.append(("fsync", st.st_ino, stat.S_ISDIR(st.st_mode)))
        return real_fsync(fd)

    def mover(real, event):
        def move(src, dst, *args, **kwargs):
            log.append((event, os.lstat(src).st_ino, os.path.isdir(src)))
            return real(src, dst, *args, **kwargs)
        return move
    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", mover(real_replace, "replace"))
    monkeypatch.setattr(os, "rename", mover(real_rename, "rename"))
    return log


def _dead_pid():
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _temp(folder, target, pid=None, host=None, suffix=".tmp", hexid="0123456789ab"):
    tag = "" if pid is None else f".{pid}-{host or file_io._HOST}"
    path = folder / f".{target}.{hexid}{tag}{suffix}"
    path.write_bytes(b"half written")
    return path


def _age(path, seconds):
    t = time.time() - seconds
    os.utime(path, (t, t))


@pytest.mark.skipif(os.name != "posix", reason="fsync of a folder is POSIX")
def test_atomic_path_fsyncs_the_file_before_the_rename_and_the_folder_after(
        tmp_path, monkeypatch):
    log = _record_fsyncs(monkeypatch)
    target = tmp_path / "m.bin"
    with atomic_path(target) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(b"new contents")
    assert target.read_bytes() == b"new contents"
    file_ino, dir_ino = target.stat().st_ino, tmp_path.stat().st_ino
    events = [e for e in log if e[1] in (file_ino, dir_ino)]
    assert events == [("fsync", file_ino, False), ("replace", file_ino, False),
                      ("fsync", dir_ino, True)]


@pytest.mark.skipif(os.name != "posix", reason="fsync of a folder is POSIX")
def test_atomic_folder_fsyncs_every_file_the_folder_and_its_parent(tmp_path, monkeypatch):
    target = tmp_path / "saved"
    with atomic_folder(target) as tmp:  # an old version, to be swapped out
        open(os.path.join(tmp, "a"), "wb").close()
    log = _record_fsyncs(monkeypatch)
    with atomic_folder(target) as tmp:
        for name in ("a", "b"):
            with open(os.path.join(tmp, name), "wb") as fh:
                fh.write(name.encode() * 10)
    assert sorted(os.listdir(tmp_path)) == ["saved"]
    assert (target / "b").read_bytes() == b"b" * 10
    inos = {(target / n).stat().st_ino for n in ("a", "b")}
    folder_ino, parent_ino = target.stat().st_ino, tmp_path.stat().st_ino
    synced = [e[1] for e in log if e[0] == "fsync"]
    assert inos <= set(synced) and folder_ino in synced and parent_ino in synced
    # every file and the folder are on disk before the folder is renamed to `.new`, and
    # the parent is synced after the swap
    first_rename = next(i for i, e in enumerate(log) if e[0] == "rename")
    assert {e[1] for e in log[:first_rename] if e[0] == "fsync"} >= inos | {folder_ino}
    last_rename = max(i for i, e in enumerate(log) if e[0] == "rename")
    assert ("fsync", parent_ino, True) in log[last_rename:]


def test_stale_temps_of_dead_writers_go_live_ones_stay(tmp_path):
    target = "m.keras"
    dead = _temp(tmp_path, target, pid=_dead_pid(), hexid="aaaaaaaaaaaa")
    live_other = _temp(tmp_path, target, pid=os.getppid(), hexid="bbbbbbbbbbbb")
    live_old = _temp(tmp_path, target, pid=os.getppid(), hexid="cccccccccccc")
    _age(live_old, 2 * 24 * 3600)  # a pid this old is taken for a reused one
    own_unregistered = _temp(tmp_path, target, pid=os.getpid(), hexid="dddddddddddd")
    foreign = _temp(tmp_path, target, pid=_dead_pid(), host="ffffffff", hexid="eeeeeeeeeeee")
    foreign_old = _temp(tmp_path, target, pid=1, host="ffffffff", hexid="abababababab")
    _age(foreign_old, 2 * 3600)
    legacy = _temp(tmp_path, target, hexid="cdcdcdcdcdcd")  # no pid: lamina before
    legacy_old = _temp(tmp_path, target, hexid="efefefefefef", suffix=".part")
    _age(legacy_old, 2 * 3600)
    other_target = _temp(tmp_path, "m.keras2", pid=_dead_pid())
    not_a_temp = tmp_path / ".m.keras.notes.txt"
    not_a_temp.write_text("mine")
    folder = tmp_path / f".{target}.121212121212.{_dead_pid()}-{file_io._HOST}.part"
    folder.mkdir()
    (folder / "config.json").write_text("{}")

    removed = remove_stale_temps(tmp_path / target)
    assert sorted(removed) == sorted(str(p) for p in (
        dead, live_old, own_unregistered, foreign_old, legacy_old, folder))
    for kept in (live_other, foreign, legacy, other_target, not_a_temp):
        assert kept.exists()


def test_a_live_temp_of_another_thread_is_never_removed(tmp_path):
    target = tmp_path / "m.bin"
    inside, release, seen = threading.Event(), threading.Event(), {}

    def slow_writer():
        with atomic_path(target) as tmp:
            with open(tmp, "wb") as fh:
                fh.write(b"slow")
            seen["tmp"] = tmp
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert inside.wait(10)
    with atomic_path(target) as tmp:  # the same target, meanwhile, in this thread
        with open(tmp, "wb") as fh:
            fh.write(b"fast")
    assert os.path.exists(seen["tmp"]) and target.read_bytes() == b"fast"
    release.set()
    thread.join(10)
    assert target.read_bytes() == b"slow"
    assert sorted(os.listdir(tmp_path)) == ["m.bin"]


def test_a_live_temp_folder_of_another_thread_is_never_removed(tmp_path):
    target = tmp_path / "saved"
    inside, release, seen = threading.Event(), threading.Event(), {}

    def slow_writer():
        with atomic_folder(target) as tmp:
            open(os.path.join(tmp, "slow"), "wb").close()
            seen["tmp"] = tmp
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert inside.wait(10)
    with atomic_folder(target) as tmp:
        open(os.path.join(tmp, "fast"), "wb").close()
    assert os.path.isdir(seen["tmp"]) and os.listdir(target) == ["fast"]
    release.set()
    thread.join(10)
    assert os.listdir(target) == ["slow"]
    assert sorted(os.listdir(tmp_path)) == ["saved"]


def test_concurrent_folder_saves_in_threads_end_complete(tmp_path):
    target, errors = tmp_path / "saved", []

    def saver(tag):
        try:
            for i in range(5):
                with atomic_folder(target) as tmp:
                    for name in ("a", "b"):
                        with open(os.path.join(tmp, name), "w") as fh:
                            fh.write(f"{tag}{i}")
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=saver, args=(t,)) for t in "xyz"]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert sorted(os.listdir(tmp_path)) == ["saved"]
    a, b = ((target / n).read_text() for n in ("a", "b"))
    assert a == b and a[1:] == "4"


def test_failed_folder_save_leaves_the_old_folder_and_no_temporaries(tmp_path):
    target = tmp_path / "saved"
    with atomic_folder(target) as tmp:
        with open(os.path.join(tmp, "a"), "w") as fh:
            fh.write("old")
    with pytest.raises(RuntimeError, match="disk full"):
        with atomic_folder(target) as tmp:
            open(os.path.join(tmp, "a"), "w").close()
            raise RuntimeError("disk full")
    assert sorted(os.listdir(tmp_path)) == ["saved"]
    assert (target / "a").read_text() == "old"


def test_folder_holding_other_files_is_not_replaced(tmp_path):
    target = tmp_path / "saved"
    target.mkdir()
    (target / "my_data.csv").write_text("precious")

    def refuse(names):
        return FileExistsError(f"foreign: {names}") if "my_data.csv" in names else None
    with pytest.raises(FileExistsError, match="my_data.csv"):
        with atomic_folder(target, replaceable=refuse):
            pass
    assert (target / "my_data.csv").read_text() == "precious"
    assert sorted(os.listdir(tmp_path)) == ["saved"]


def test_recover_folder_prefers_the_complete_new_copy(tmp_path):
    target = tmp_path / "saved"
    assert recover_folder(target) == os.fspath(target)  # nothing at all: unchanged
    old = tmp_path / f".saved.aaaaaaaaaaaa.{_dead_pid()}-{file_io._HOST}.old"
    new = tmp_path / f".saved.bbbbbbbbbbbb.{_dead_pid()}-{file_io._HOST}.new"
    part = tmp_path / f".saved.cccccccccccc.{_dead_pid()}-{file_io._HOST}.part"
    for p in (old, part):
        p.mkdir()
    assert recover_folder(target) == os.fspath(old)  # an incomplete .part never
    new.mkdir()
    assert recover_folder(target) == os.fspath(new)
    target.mkdir()
    assert recover_folder(target) == os.fspath(target)


def test_atomic_path_needs_an_existing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        with atomic_path(tmp_path / "nope" / "m.bin"):
            pass
    with pytest.raises(FileNotFoundError, match="does not exist"):
        with atomic_folder(tmp_path / "nope" / "saved"):
            pass
