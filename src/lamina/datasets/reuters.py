"""The Reuters newswire topic dataset, as ``keras.datasets.reuters``.

11,228 newswires labelled over 46 topics, each a sequence of word indices; a
word's index is its frequency rank.
"""
import numbers

import numpy as np

from . import _text_data as td

ORIGIN = td.ORIGIN_FOLDER + "reuters.npz"
SHA256 = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
WORD_INDEX_ORIGIN = td.ORIGIN_FOLDER + "reuters_word_index.json"
WORD_INDEX_MD5 = "4d44cc38712099c9e383dc6e5f11a921"  # Keras publishes an md5 for this file

LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing",
    "money-supply", "coffee", "sugar", "trade", "reserves", "ship", "cotton", "carcass",
    "crude", "nat-gas", "cpi", "money-fx", "interest", "gnp", "meal-feed", "alum",
    "oilseed", "gold", "tin", "strategic-metal", "livestock", "retail", "ipi",
    "iron-steel", "rubber", "heat", "jobs", "lei", "bop", "zinc", "orange", "pet-chem",
    "dlr", "gas", "silver", "wpi", "hog", "lead",
)


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2,
              seed=113, start_char=1, oov_char=2, index_from=3):
    """Load Reuters as ``(x_train, y_train), (x_test, y_test)``, exactly as Keras does.

    Keras's algorithm: the samples are shuffled with
    ``np.random.RandomState(seed)``; every index ``w`` becomes
    ``w + index_from`` and ``start_char`` is put in front; with ``maxlen``,
    samples of length ``>= maxlen`` are dropped; indices outside
    ``[skip_top, num_words)`` become ``oov_char`` (or are dropped if it is
    None), where ``num_words`` None means the largest index present (so that
    word too becomes ``oov_char``, as in Keras); the first
    ``int(n * (1 - test_split))`` samples are the training set.

    The file: ``path`` if it names an existing file, else Keras's
    ``reuters.npz`` cached under that name in ``$LAMINA_HOME/datasets``,
    downloaded and verified by sha256 when missing. Its pickled object arrays
    are read with a restricted unpickler (NumPy arrays and lists of numbers
    only), never with ``np.load(allow_pickle=True)``, so even a file of unknown
    origin cannot run code.

    Args:
        path: a local npz (arrays ``x`` and ``y``), or the name to cache the
            download as.
        num_words, skip_top, maxlen, seed, start_char, oov_char, index_from:
            as in ``lamina.datasets.imdb.load_data``.
        test_split: fraction of the samples in the test set, in [0, 1].

    Returns:
        ``x_train``, ``x_test``: 1-D object arrays of lists of ints;
        ``y_train``, ``y_test``: integer topic labels (0-45).

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_data(num_words=10000)  # doctest: +SKIP
        >>> len(x_train), len(x_test)  # doctest: +SKIP
        (8982, 2246)
    """
    loader = "reuters.load_data"
    num_words, skip_top, maxlen, seed, start_char, oov_char, index_from = td.check_args(
        loader, num_words, skip_top, maxlen, seed, start_char, oov_char, index_from)
    if isinstance(test_split, bool) or not isinstance(test_split, numbers.Real) \
            or not 0 <= test_split <= 1:
        raise ValueError(f"{loader}: `test_split` must be a number in [0, 1], got {test_split!r}")
    f = td.load_arrays(path, ORIGIN, SHA256, ("x", "y"), loader)
    xs, labels = f["x"], f["y"]

    rng = np.random.RandomState(seed)
    indices = np.arange(len(xs))
    rng.shuffle(indices)
    xs, labels = xs[indices], labels[indices]

    xs = td.shift(td.as_lists(xs, loader, "x"), start_char, index_from, loader)
    if maxlen:
        xs, labels = td.remove_long_seq(maxlen, xs, labels)
    xs = td.limit_vocabulary(xs, num_words, skip_top, oov_char)

    labels = np.asarray(labels, dtype=f["y"].dtype)  # a list after maxlen filtering
    idx = int(len(xs) * (1 - test_split))
    return ((td.object_array(xs[:idx]), labels[:idx].copy()),
            (td.object_array(xs[idx:]), labels[idx:].copy()))


def get_word_index(path="reuters_word_index.json"):
    """The dict mapping each word to its index in the Reuters data (before ``index_from``).

    Index 1 is the most frequent word; in the loaded sequences it is
    ``1 + index_from`` (0, 1 and 2 are kept for padding, start and OOV).
    ``path`` is used as is if it names an existing file; else Keras's JSON is
    cached under that name and checked against Keras's md5 digest.

    Example:
        >>> index = get_word_index()  # doctest: +SKIP
    """
    return td.get_word_index(path, WORD_INDEX_ORIGIN, WORD_INDEX_MD5, "reuters.get_word_index")


def get_label_names():
    """The 46 topic names, indexed like the labels (a tuple, as in Keras).

    Example:
        >>> get_label_names()[3]
        'earn'
    """
    return LABEL_NAMES
