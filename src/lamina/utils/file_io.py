"""Writing a file (or a folder) all at once or not at all, durably.

Every writer in lamina goes through ``atomic_path`` (one file) or ``atomic_folder`` (a
folder saved as a whole). Both write a temporary beside the target, fsync it, rename it
into place and fsync the folder holding it, so that after a crash, a ``kill -9`` or a power
cut the target is either the old complete one or the new complete one.

Temporaries are named ``.<target name>.<12 hex>.<pid>-<host tag><suffix>``: hidden, beside
their target, carrying the writing process and machine. A process killed mid-save cannot
remove its own temporary, so the next save of the same target removes the ones whose
writer is gone (``remove_stale_temps``), never one that a live thread or process is
still writing.
"""
import contextlib
import errno
import os
import re
import shutil
import socket
import threading
import time
import uuid
import zlib

# A writer that is alive but whose temporary is this old is taken for a reused pid.
_STALE_AFTER_S = 24 * 3600
# Temporaries whose writer cannot be checked (another machine on a shared folder, a name
# without a pid, a platform without signal 0) are removed only once this old.
_UNKNOWN_WRITER_STALE_AFTER_S = 3600
_HOST = f"{zlib.crc32(socket.gethostname().encode()) & 0xFFFFFFFF:08x}"
# names of the temporaries this process is writing right now (names, not paths: one folder
# may be reached by several paths; the random id makes a name unique)
_live = set()
_live_lock = threading.Lock()
_swap_locks = {}


def _temp_name(filepath, suffix):
    return (f".{os.path.basename(filepath)}.{uuid.uuid4().hex[:12]}."
            f"{os.getpid()}-{_HOST}{suffix}")


def _temp_pattern(basename):
    # the pid/host part is optional: lamina before 0.x wrote `.<name>.<12 hex><suffix>`
    return re.compile(rf"\.{re.escape(basename)}\.[0-9a-f]{{12}}"
                      r"(?:\.(?P<pid>\d+)-(?P<host>[0-9a-f]{8}))?(?P<suffix>\.\w+)?\Z")


@contextlib.contextmanager
def _registered(path):
    name = os.path.basename(path)
    with _live_lock:
        _live.add(name)
    try:
        yield path
    finally:
        with _live_lock:
            _live.discard(name)


def _pid_alive(pid):
    """True/False where the platform can tell, None where it cannot (Windows)."""
    if os.name != "posix":
        return None  # os.kill(pid, 0) would terminate the process on Windows
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by someone else
    except OSError:
        return None
    try:  # a killed child not yet reaped by its parent is a zombie: gone for our purpose
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


def _is_stale(path, match, now):
    try:
        age = now - os.lstat(path).st_mtime
    except OSError:
        return False  # already gone
    pid, host = match.group("pid"), match.group("host")
    if pid is None or host != _HOST:
        return age > _UNKNOWN_WRITER_STALE_AFTER_S
    if int(pid) == os.getpid():
        with _live_lock:
            # another thread of ours may be writing it right now
            return os.path.basename(path) not in _live
    alive = _pid_alive(int(pid))
    if alive is None:
        return age > _UNKNOWN_WRITER_STALE_AFTER_S
    return not alive or age > _STALE_AFTER_S


def remove_stale_temps(filepath):
    """Remove the temporaries of ``filepath`` left by writers that died (a crash, a kill).

    A temporary is removed when its writer (pid and machine in its name) is gone; one
    written by a live thread of this process, or by another live process, stays. Where
    the writer cannot be checked, only temporaries older than an hour go. Returns the
    removed paths.
    """
    filepath = os.path.abspath(os.fspath(filepath))
    folder, base = os.path.split(filepath)
    pattern, now, removed = _temp_pattern(base), time.time(), []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        match = pattern.match(name)
        path = os.path.join(folder, name)
        if not match or not _is_stale(path, match, now):
            continue
        with contextlib.suppress(OSError):
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
            else:
                os.unlink(path)
            removed.append(path)
    return removed


def _fsync_path(path, directory=False):
    """Flush ``path`` to disk. A folder's fsync is best effort (Windows cannot open one;
    some file systems refuse it); a file's failure is real and raised."""
    if directory and os.name != "posix":
        return
    flags = os.O_RDONLY if (directory or os.name == "posix") else os.O_RDWR
    try:
        fd = os.open(path, flags | getattr(os, "O_BINARY", 0))
    except OSError:
        if directory:
            return
        raise
    try:
        os.fsync(fd)
    except OSError as e:
        if not directory and e.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


def _fsync_tree(root):
    for here, _dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(here, name)
            if not os.path.islink(path):
                _fsync_path(path)
        _fsync_path(here, directory=True)


def _target_folder(filepath):
    filepath = os.path.abspath(os.fspath(filepath))
    folder = os.path.dirname(filepath)
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"Cannot save to '{filepath}': the folder '{folder}' does "
                                "not exist")
    return filepath, folder


def _remove(path):
    with contextlib.suppress(OSError):
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.unlink(path)


@contextlib.contextmanager
def atomic_path(filepath, suffix=".tmp"):
    """A temporary path beside ``filepath``; renamed onto it only if the block succeeds.

    A crash or an error while writing leaves the old file (or nothing) in place, never a
    half-written one. The temporary is fsynced before the rename and the folder after it,
    so a power cut cannot lose the file either. Temporaries of ``filepath`` left by
    killed writers are removed first. ``suffix`` ends the temporary name (a writer that
    picks its format from the extension wants the real one, e.g. ``.h5``).

    >>> with atomic_path("m.weights.h5") as tmp:
    ...     write_everything_to(tmp)
    """
    filepath, folder = _target_folder(filepath)
    remove_stale_temps(filepath)
    # a fresh name, created by the writer itself so that it gets the usual permissions
    # (mkstemp's would be 0600)
    tmp = os.path.join(folder, _temp_name(filepath, suffix))
    with _registered(tmp):
        try:
            yield tmp
            _fsync_path(tmp)
            os.replace(tmp, filepath)
        except BaseException:
            _remove(tmp)
            raise
    _fsync_path(folder, directory=True)


# ------------------------------------------------------------------ whole folders
#
# POSIX has no atomic exchange of two folders (short of Linux's renameat2), and a rename
# cannot replace a non-empty folder. So a folder is saved in steps, each leaving a
# complete copy that `recover_folder` finds:
#
#   1. write everything into `.<name>.<id>.part` (incomplete: never used), fsync it all;
#   2. rename it to `.<name>.<id>.new`: from now on it is complete (renames are atomic);
#   3. rename the old target aside to `.<name>.<id>.old` (complete, the previous save);
#   4. rename `.new` onto the target, fsync the parent folder;
#   5. remove `.old`, then the stale temporaries of earlier, killed saves.
#
# A kill before 3 leaves the old target in place; between 3 and 4 the target is missing
# but `.new` (and `.old`) are complete and `recover_folder` loads `.new`; after 4 the new
# target is in place. Stale temporaries are removed only after step 4, so the only
# complete copy is never deleted before the new one is in place.

@contextlib.contextmanager
def atomic_folder(path, replaceable=None):
    """A fresh folder beside ``path``; swapped in for ``path`` as a whole if the block
    succeeds (see the steps above), so ``path`` is never half old and half new.

    ``replaceable(names)`` may veto replacing an existing folder (return an error to
    raise): saving replaces the whole folder, so files someone else keeps there would go.

    >>> with atomic_folder("saved_model") as tmp:
    ...     write_files_into(tmp)
    """
    path, parent = _target_folder(path)
    if os.path.isdir(path) and replaceable is not None:
        error = replaceable(sorted(os.listdir(path)))
        if error is not None:
            raise error
    stem = os.path.join(parent, _temp_name(path, ""))
    part, new = stem + ".part", stem + ".new"
    with _registered(part), _registered(new):
        try:
            os.mkdir(part)
            yield part
            _fsync_tree(part)
            os.rename(part, new)
            _fsync_path(parent, directory=True)
            _swap_in(new, path, parent)
        except BaseException:
            _remove(part)
            _remove(new)
            raise
    remove_stale_temps(path)


def _swap_in(new, path, parent):
    """Steps 3 to 5 for the complete folder ``new``."""
    with _live_lock:
        lock = _swap_locks.setdefault(path, threading.Lock())
    with lock:  # two threads saving the same folder take turns; other processes retry
        for attempt in range(5):
            old = os.path.join(parent, _temp_name(path, ".old"))
            with _registered(old):
                try:
                    os.rename(path, old)
                except FileNotFoundError:
                    old = None
                try:
                    os.rename(new, path)
                except OSError as e:
                    if old is not None:  # put the previous save back where it was
                        with contextlib.suppress(OSError):
                            os.rename(old, path)
                    if e.errno not in (errno.EEXIST, errno.ENOTEMPTY) or attempt == 4:
                        raise
                    continue  # another process put its own save in between: again
                _fsync_path(parent, directory=True)
                if old is not None:
                    _remove(old)
                return


def recover_folder(path):
    """``path`` if it exists; else the complete copy that a save killed mid-swap left
    beside it (``.new`` first, then ``.old``); else ``path`` unchanged."""
    shown = os.fspath(path)
    if os.path.exists(shown):
        return shown
    full = os.path.abspath(shown)
    parent, base = os.path.split(full)
    pattern = _temp_pattern(base)
    try:
        names = os.listdir(parent)
    except OSError:
        return shown
    found = {}
    for name in names:
        match = pattern.match(name)
        if match and match.group("suffix") in (".new", ".old"):
            with contextlib.suppress(OSError):
                candidate = os.path.join(parent, name)
                if os.path.isdir(candidate):
                    found[candidate] = (match.group("suffix") == ".new",
                                        os.stat(candidate).st_mtime)
    if not found:
        return shown
    return max(found, key=found.get)
