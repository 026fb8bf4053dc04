"""Fetch, check and cache the files the applications need (weights, the class index).

Files live in ``$LAMINA_HOME/models`` (default ``~/.lamina/models``), next to the datasets
cache, and are fetched with the datasets' downloader (``get_file``: atomic writes, offline
hints). Keras publishes md5 digests for these files; ``get_file`` checks a 32-digit hash
as md5 and a 64-digit one as sha256.
"""
from lamina.datasets._download import get_file

CACHE_SUBDIR = "models"


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
    return get_file(fname, origin, file_hash=file_hash, cache_subdir=CACHE_SUBDIR, hint=hint)
