"""Fetch, check and cache the files the applications need (weights, the class index).

Files live in ``$LAMINA_HOME/models`` (default ``~/.lamina/models``), next to the datasets
cache, and are fetched with the datasets' downloader (atomic writes, offline hints). Keras
publishes md5 digests for these files, so a 32-digit hash is checked as md5 and a
64-digit one as sha256.
"""
import hashlib
import os
import tempfile

from lamina.datasets._download import DownloadError, _writable_dir, get_file, lamina_home

CACHE_SUBDIR = "models"
_CHUNK = 1 << 20


def file_digest(path, algorithm):
    """Hex digest of the file at ``path`` ('md5' or 'sha256'), read in 1 MiB chunks."""
    h = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def cache_dir():
    """The folder model files are cached in (a temp folder if the home is read-only)."""
    folder = os.path.join(lamina_home(), CACHE_SUBDIR)
    if not _writable_dir(folder):
        folder = os.path.join(tempfile.gettempdir(), ".lamina", CACHE_SUBDIR)
    return folder


def get_model_file(fname, origin, file_hash, hint=None):
    """Local path of ``fname``, downloaded from ``origin`` unless a checked copy is cached.

    The download goes to a temporary name in the cache folder, is checked against
    ``file_hash`` (md5 or sha256 hex digest) and only then renamed to ``fname``, so a
    broken download never takes the place of a good file. ``hint`` ends the offline
    error message (another way to get the file).

    >>> get_model_file("imagenet_class_index.json",
    ...                "https://storage.googleapis.com/download.tensorflow.org/data/"
    ...                "imagenet_class_index.json",
    ...                "c2c37ea517e94d9795004a39431a14cb")  # doctest: +SKIP
    """
    algorithm = "sha256" if len(file_hash) == 64 else "md5"
    folder = cache_dir()
    path = os.path.join(folder, fname)
    if os.path.isfile(path):
        if file_digest(path, algorithm) == file_hash:
            return path
        print(f"The cached file {path} does not match its expected {algorithm}; "
              "downloading it again.")
    partial = os.path.join(folder, f".{fname}.download")
    _remove(partial)  # left by an interrupted run; never trust it
    try:
        get_file(partial, origin, cache_subdir=CACHE_SUBDIR, file_hash=None)
    except DownloadError as e:
        raise DownloadError(
            f"Could not download {origin} ({e.__cause__ or e}). If this machine is offline, "
            f"fetch that URL elsewhere and save the file as {path} ({algorithm} {file_hash})"
            + (f"; {hint}." if hint else "."),
            url=origin, path=path) from e
    try:
        got = file_digest(partial, algorithm)
        if got != file_hash:
            raise ValueError(
                f"The file downloaded from {origin} has {algorithm} {got}, but {file_hash} was "
                f"expected: the download is corrupt or the file changed upstream. Nothing was "
                f"saved to {path}.")
        os.replace(partial, path)
    finally:
        _remove(partial)
    return path


def _remove(path):
    if os.path.exists(path):
        os.remove(path)
