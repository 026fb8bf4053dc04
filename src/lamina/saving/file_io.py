"""Writing files all at once or not at all, and clear errors for unreadable ones."""
import os

# saving's writers and readers use these
from lamina.utils.file_io import atomic_folder, atomic_path, recover_folder  # noqa: F401


def check_overwrite(filepath, overwrite):
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"'{filepath}' already exists; pass overwrite=True to replace it")


def corrupted(filepath, what, error):
    """The error for a file that cannot be read: names the file and what it should be."""
    return ValueError(f"Cannot read '{os.fspath(filepath)}' as {what}: the file is truncated "
                      f"or corrupted ({type(error).__name__}: {error})")
