"""What the IMDB and Reuters loaders share: argument checks, the npz and word
index files, and Keras's re-indexing of word sequences (shift, maxlen, vocabulary)."""
import json
import numbers
import os

import numpy as np

from ._download import get_file
from ._formats import load_npz, local_file, md5_file

ORIGIN_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def _int_or_none(loader, name, value, minimum=None):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) \
            or (minimum is not None and value < minimum):
        bound = f" >= {minimum}" if minimum is not None else ""
        raise ValueError(f"{loader}: `{name}` must be an int{bound} or None, got {value!r}")
    return int(value)


def check_args(loader, num_words, skip_top, maxlen, seed, start_char, oov_char, index_from):
    """Validate the options shared by imdb and reuters; return them as Python ints/None."""
    num_words = _int_or_none(loader, "num_words", num_words, 0)
    maxlen = _int_or_none(loader, "maxlen", maxlen, 0)
    start_char = _int_or_none(loader, "start_char", start_char)
    oov_char = _int_or_none(loader, "oov_char", oov_char)
    for name, value in (("skip_top", skip_top), ("index_from", index_from)):
        if _int_or_none(loader, name, value, 0) is None:
            raise ValueError(f"{loader}: `{name}` must be an int >= 0, got None")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed < 2**32:
        raise ValueError(f"{loader}: `seed` must be an int in [0, 2**32), got {seed!r}")
    return num_words, int(skip_top), maxlen, int(seed), start_char, oov_char, int(index_from)


def load_arrays(path, origin, sha256, keys, loader):
    """The arrays ``keys`` of the npz at ``path`` (an existing file, used as is) or of
    the verified download cached under that name."""
    local = _existing_file(path, loader)
    if local is None:
        local = get_file(path, origin=origin, file_hash=sha256)
    arrays = load_npz(local, keys=keys)
    for key in keys:
        if arrays[key].ndim != 1:
            raise ValueError(f"{loader}: {local} array {key!r} should be 1-D (one entry per "
                             f"sample), got shape {arrays[key].shape}")
    return arrays


def _existing_file(path, loader):
    local = local_file(path, loader)
    if local is not None and not os.path.isfile(local):
        raise IsADirectoryError(f"{loader}: `path` {path!r} is a folder; give the file itself, or "
                                f"a file name to cache the download under")
    return local


def shift(xs, start_char, index_from, loader="load_data"):
    """Prepend ``start_char`` (unless None) and add ``index_from`` to every index."""
    try:
        if start_char is not None:
            return [[start_char] + [w + index_from for w in x] for x in xs]
        return [[w + index_from for w in x] for x in xs]
    except TypeError as e:
        raise ValueError(f"{loader}: the sequences must hold integer word indices: {e}") from None


def remove_long_seq(maxlen, seqs, labels):
    """Keep the samples strictly shorter than ``maxlen`` (Keras's rule: ``len < maxlen``)."""
    kept = [(x, y) for x, y in zip(seqs, labels) if len(x) < maxlen]
    return [x for x, _ in kept], [y for _, y in kept]


def limit_vocabulary(xs, num_words, skip_top, oov_char):
    """Replace (or drop, if ``oov_char`` is None) indices outside ``[skip_top, num_words)``.

    As in Keras, ``num_words`` None or 0 means the largest index present, which
    is therefore itself out of range (Keras's long-standing off-by-one, kept so
    that results match).
    """
    if not num_words:
        num_words = max((max(x) for x in xs if len(x)), default=0)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    return [[w for w in x if skip_top <= w < num_words] for x in xs]


def object_array(seqs):
    """A 1-D object array of lists (np.array would make a 2-D one if all had one length)."""
    out = np.empty(len(seqs), dtype=object)
    for i, s in enumerate(seqs):  # one by one: slice assignment may broadcast nested lists
        out[i] = list(s)
    return out


def as_lists(array, loader, key):
    """The rows of an object array of sequences as Python lists (Keras's files hold lists)."""
    try:
        return [x if type(x) is list else list(x) for x in array]
    except TypeError as e:
        raise ValueError(f"{loader}: array {key!r} must hold sequences of word indices: "
                         f"{e}") from None


def get_word_index(path, origin, md5, loader):
    """The word index JSON at ``path`` (an existing file, used as is) or downloaded.

    Keras publishes only an md5 digest for these files, and ``get_file`` checks
    sha256, so the md5 is checked here: a cached or fresh copy that does not
    match is deleted (and fetched once more), never returned. The JSON is
    parsed with ``json``, which cannot run code.
    """
    local = _existing_file(path, loader)
    if local is None:
        local = get_file(path, origin=origin)
        if md5_file(local) != md5:
            os.remove(local)  # a stale or corrupt cache entry: fetch it again
            local = get_file(path, origin=origin)
            got = md5_file(local)
            if got != md5:
                os.remove(local)
                raise ValueError(f"{loader}: the file downloaded from {origin} has md5 {got}, "
                                 f"not {md5}: the download is corrupt or the file changed "
                                 f"upstream. Nothing was kept.")
    with open(local, encoding="utf-8") as f:
        index = json.load(f)
    if not isinstance(index, dict):
        raise ValueError(f"{loader}: {local} should hold a JSON object mapping words to "
                         f"indices, got a {type(index).__name__}")
    return index
