"""Writing a file all at once or not at all."""
import contextlib
import os
import uuid


@contextlib.contextmanager
def atomic_path(filepath, suffix=".tmp"):
    """A temporary path beside ``filepath``; renamed onto it only if the block succeeds.

    A crash or an error while writing leaves the old file (or nothing) in place, never a
    half-written one. ``suffix`` ends the temporary name (a writer that picks its format
    from the extension wants the real one, e.g. ``.h5``).

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
    tmp = os.path.join(folder,
                       f".{os.path.basename(filepath)}.{uuid.uuid4().hex[:12]}{suffix}")
    try:
        yield tmp
        os.replace(tmp, filepath)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
