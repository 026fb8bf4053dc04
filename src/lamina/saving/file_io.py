"""Writing files all at once or not at all, and clear errors for unreadable ones."""
import contextlib
import os
import uuid


@contextlib.contextmanager
def atomic_path(filepath):
    """A temporary path beside ``filepath``; renamed onto it only if the block succeeds.

    A crash or an error while writing leaves the old file (or nothing) in place, never a
    half-written one.

    >>> with atomic_path("m.weights.h5") as tmp:
    ...     write_everything_to(tmp)
    """
    filepath = os.fspath(filepath)
    folder = os.path.dirname(os.path.abspath(filepath))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"Cannot save to '{filepath}': the folder '{folder}' does "
                                "not exist")
    # a fresh name, created by the writer itself so that it gets the usual permissions
    # (mkstemp's would be 0600)
    tmp = os.path.join(folder, f".{os.path.basename(filepath)}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        yield tmp
        os.replace(tmp, filepath)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def check_overwrite(filepath, overwrite):
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"'{filepath}' already exists; pass overwrite=True to replace it")


def corrupted(filepath, what, error):
    """The error for a file that cannot be read: names the file and what it should be."""
    return ValueError(f"Cannot read '{os.fspath(filepath)}' as {what}: the file is truncated "
                      f"or corrupted ({type(error).__name__}: {error})")
