"""Download, cache and verify dataset files (the machinery behind every loader).

Files are cached under ``~/.lamina/datasets``. Set the environment variable
``LAMINA_HOME`` to move the whole cache: files then live in
``$LAMINA_HOME/datasets``. A cache that cannot be written falls back to
``<tempdir>/.lamina`` (as Keras falls back to ``/tmp/.keras``).

Offline? Copy the file by hand to the path that the error message names (the
full cache path), or pass a local copy to the loader with ``path=``.
"""
import hashlib
import os
import tempfile

from lamina.utils.file_io import atomic_path, remove_stale_temps

DATA_HOME_ENV = "LAMINA_HOME"
_CHUNK = 1 << 20


class DownloadError(OSError):
    """A dataset file could not be fetched. ``url`` failed; ``path`` is where it belongs."""

    def __init__(self, message, url=None, path=None):
        super().__init__(message)
        self.url, self.path = url, path


def lamina_home():
    """The cache root: ``$LAMINA_HOME`` when set, else ``~/.lamina``."""
    env = os.environ.get(DATA_HOME_ENV)
    return os.path.expanduser(env) if env else os.path.join(os.path.expanduser("~"), ".lamina")


def file_digest(path, algorithm="sha256"):
    """Hex digest ('sha256' or 'md5') of the file at ``path``, read in 1 MiB chunks."""
    h = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def sha256_file(path):
    """Hex sha256 of the file at ``path``."""
    return file_digest(path, "sha256")


def hash_algorithm(file_hash):
    """'sha256' for a 64-digit hex digest, 'md5' for a 32-digit one (as Keras's
    ``hash_algorithm='auto'``: Keras publishes md5 digests for some files)."""
    return "md5" if len(file_hash) == 32 else "sha256"


def _check_hash_arg(file_hash):
    if file_hash is None:
        return None
    ok = isinstance(file_hash, str) and len(file_hash) in (32, 64)
    if ok:
        try:
            int(file_hash, 16)
        except ValueError:
            ok = False
    if not ok:
        raise ValueError(
            f"get_file: `file_hash` must be a sha256 hex digest (64 hex characters), an md5 "
            f"one (32) or None, got {file_hash!r}")
    return file_hash.lower()


def _writable_dir(path):
    try:
        os.makedirs(path, exist_ok=True)
    except OSError:
        return False
    return os.access(path, os.W_OK)


def get_file(fname=None, origin=None, file_hash=None, cache_subdir="datasets", cache_dir=None,
             hint="or pass the path of a local copy to the dataset loader as `path=`"):
    """Return the local path of ``fname``, downloading it from ``origin`` if needed.

    The file lives at ``cache_dir/cache_subdir/fname`` (``cache_dir`` defaults to
    ``$LAMINA_HOME`` or ``~/.lamina``; an absolute ``fname`` is used as is). A
    cached file is returned as is when ``file_hash`` is None or matches it;
    otherwise it is (re)downloaded to a temporary ``.part`` file in the same
    folder, its sha256 checked, fsynced and only then renamed into place, so a
    failed or corrupt download never leaves a half-written file behind; the
    ``.part`` files of downloads killed earlier are removed on the next call.

    Args:
        fname: file name in the cache; default: the last part of ``origin``.
        origin: URL of the file (``https://``, ``http://``, ``file://``, ...).
        file_hash: expected sha256 (or md5) hex digest, or None to skip the check.
        cache_subdir: folder under ``cache_dir``.
        cache_dir: cache root; default ``$LAMINA_HOME`` or ``~/.lamina``.
        hint: ends the offline error message (another way to get the file).

    Returns:
        The path of the verified local file.

    Raises:
        DownloadError (an OSError) if the URL cannot be read: the message names
        the URL and the full path to copy the file to by hand.
        ValueError if the downloaded file's digest is not ``file_hash``.

    Example:
        >>> path = get_file("boston_housing.npz",
        ...     origin="https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
        ...            "boston_housing.npz")  # doctest: +SKIP
    """
    if not isinstance(origin, str) or "://" not in origin:
        raise ValueError(f"get_file: `origin` must be a URL string such as 'https://...', "
                         f"got {origin!r}")
    if fname is None:
        fname = origin.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
    if not isinstance(fname, (str, os.PathLike)) or not os.fspath(fname):
        raise ValueError(f"get_file: `fname` must be a non-empty file name, got {fname!r}")
    if not isinstance(cache_subdir, (str, os.PathLike)):
        raise TypeError(f"get_file: `cache_subdir` must be a string, got {cache_subdir!r}")
    file_hash = _check_hash_arg(file_hash)

    root = lamina_home() if cache_dir is None else os.path.expanduser(os.fspath(cache_dir))
    datadir = os.path.join(root, cache_subdir)
    if not _writable_dir(datadir):
        # A read-only home (containers, CI) should not stop a download.
        datadir = os.path.join(tempfile.gettempdir(), ".lamina", cache_subdir)
    fpath = os.path.join(datadir, os.path.expanduser(os.fspath(fname)))
    # `.part` files of downloads killed earlier (a live one of another thread or process
    # stays); done on a cache hit too, which never reaches atomic_path
    remove_stale_temps(fpath)

    stale = ""
    if os.path.isfile(fpath):
        if file_hash is None:
            return fpath
        algorithm = hash_algorithm(file_hash)
        got = file_digest(fpath, algorithm)
        if got == file_hash:
            return fpath
        stale = (f" (the cached file there has {algorithm} {got}, not {file_hash}, so it was "
                 "not used)")
        print(f"The cached file {fpath} does not match its expected {algorithm}; downloading "
              "it again.")

    _download(origin, fpath, file_hash, stale, hint)
    return fpath


def _download(origin, fpath, file_hash, stale="", hint=""):
    import urllib.error
    import urllib.request
    from http.client import HTTPException

    folder = os.path.dirname(fpath)
    os.makedirs(folder, exist_ok=True)
    print(f"Downloading data from {origin}")
    algorithm = hash_algorithm(file_hash) if file_hash else "sha256"
    with atomic_path(fpath, suffix=".part") as tmp:
        h = hashlib.new(algorithm)
        try:
            with open(tmp, "wb") as out, urllib.request.urlopen(origin, timeout=60) as src:
                for chunk in iter(lambda: src.read(_CHUNK), b""):
                    h.update(chunk)
                    out.write(chunk)
        except (OSError, HTTPException) as e:
            reason = f"HTTP {e.code} {e.reason}" if isinstance(e, urllib.error.HTTPError) else (
                getattr(e, "reason", None) or e)
            digest = f" with {algorithm} {file_hash}" if file_hash else ""
            raise DownloadError(
                f"Could not download {origin}: {reason}{stale}. If this machine is offline, "
                f"fetch that URL elsewhere and save the file as {fpath}{digest}"
                + (f"; {hint}." if hint else "."), url=origin, path=fpath) from e
        got = h.hexdigest()
        if file_hash is not None and got != file_hash:
            raise ValueError(
                f"The file downloaded from {origin} has {algorithm} {got}, but {file_hash} was "
                f"expected: the download is corrupt or the file changed upstream. Nothing was "
                f"saved to {fpath}.")
