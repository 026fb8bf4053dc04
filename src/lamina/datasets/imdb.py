"""The IMDB movie review sentiment dataset, as ``keras.datasets.imdb``.

25,000 training and 25,000 test reviews labelled 1 (positive) or 0 (negative),
each a sequence of word indices; a word's index is its frequency rank.
"""
import numpy as np

from . import _text_data as td

ORIGIN = td.ORIGIN_FOLDER + "imdb.npz"
SHA256 = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
WORD_INDEX_ORIGIN = td.ORIGIN_FOLDER + "imdb_word_index.json"
WORD_INDEX_MD5 = "bfafd718b763782e994055a2d397834f"  # Keras publishes an md5 for this file


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113,
              start_char=1, oov_char=2, index_from=3):
    """Load IMDB as ``(x_train, y_train), (x_test, y_test)``, exactly as Keras does.

    Keras's algorithm, step by step: the training and then the test set are
    shuffled with one ``np.random.RandomState(seed)``; every index ``w``
    becomes ``w + index_from`` and ``start_char`` is put in front; with
    ``maxlen``, samples of length ``>= maxlen`` are dropped (not truncated);
    then indices outside ``[skip_top, num_words)`` become ``oov_char`` (or are
    dropped if it is None). With ``num_words`` None, the bound is the largest
    index in the data, so that one word also becomes ``oov_char``, as in Keras.

    The file: ``path`` if it names an existing file, else Keras's
    ``imdb.npz`` cached under that name in ``$LAMINA_HOME/datasets`` (default
    ``~/.lamina/datasets``), downloaded and verified by sha256 when missing.
    Its ragged sequences are stored as pickled object arrays; they are read
    with a restricted unpickler that rebuilds only NumPy arrays and lists of
    numbers, never with ``np.load(allow_pickle=True)``, so even a file of
    unknown origin cannot run code.

    Args:
        path: a local npz (``x_train``, ``y_train``, ``x_test``, ``y_test``), or
            the name to cache the download as.
        num_words: keep only indices below this (the ``num_words - 1`` most
            frequent words after the shift); None or 0: keep all (see above).
        skip_top: indices below this become ``oov_char``.
        maxlen: drop samples whose length (``start_char`` included) is at
            least this; None or 0: keep all.
        seed: seed of the shuffle.
        start_char: index put at the start of each sequence; None: none.
        oov_char: index that replaces cut words; None: cut words are dropped.
        index_from: offset added to every word index.

    Returns:
        ``x_train``, ``x_test``: 1-D object arrays of lists of ints;
        ``y_train``, ``y_test``: arrays of 0/1 labels.

    Raises:
        ValueError: if ``maxlen`` leaves the training or the test set empty.

    Example:
        >>> (x_train, y_train), _ = load_data(num_words=10000)  # doctest: +SKIP
        >>> x_train[0][:3]  # doctest: +SKIP
        [1, 14, 22]
    """
    loader = "imdb.load_data"
    num_words, skip_top, maxlen, seed, start_char, oov_char, index_from = td.check_args(
        loader, num_words, skip_top, maxlen, seed, start_char, oov_char, index_from)
    f = td.load_arrays(path, ORIGIN, SHA256, ("x_train", "y_train", "x_test", "y_test"), loader)
    x_train, labels_train = f["x_train"], f["y_train"]
    x_test, labels_test = f["x_test"], f["y_test"]

    rng = np.random.RandomState(seed)
    indices = np.arange(len(x_train))
    rng.shuffle(indices)
    x_train, labels_train = x_train[indices], labels_train[indices]
    indices = np.arange(len(x_test))
    rng.shuffle(indices)
    x_test, labels_test = x_test[indices], labels_test[indices]

    x_train = td.shift(td.as_lists(x_train, loader, "x_train"), start_char, index_from, loader)
    x_test = td.shift(td.as_lists(x_test, loader, "x_test"), start_char, index_from, loader)
    if maxlen:
        x_train, labels_train = td.remove_long_seq(maxlen, x_train, labels_train)
        x_test, labels_test = td.remove_long_seq(maxlen, x_test, labels_test)
        if not x_train or not x_test:
            raise ValueError(f"{loader}: after dropping the sequences of length >= maxlen="
                             f"{maxlen}, no sequence was kept. Increase maxlen.")
    # Lists after maxlen filtering: back to the file's label dtype, even when empty.
    labels = np.concatenate([np.asarray(labels_train, dtype=f["y_train"].dtype),
                             np.asarray(labels_test, dtype=f["y_test"].dtype)])
    xs = td.limit_vocabulary(x_train + x_test, num_words, skip_top, oov_char)

    idx = len(x_train)
    return (td.object_array(xs[:idx]), labels[:idx]), (td.object_array(xs[idx:]), labels[idx:])


def get_word_index(path="imdb_word_index.json"):
    """The dict mapping each word to its index in the IMDB data (before ``index_from``).

    ``path`` is used as is if it names an existing file; else Keras's JSON is
    cached under that name and checked against Keras's md5 digest.

    Example:
        >>> index = get_word_index()  # doctest: +SKIP
        >>> words = {i + 3: w for w, i in index.items()}  # doctest: +SKIP
    """
    return td.get_word_index(path, WORD_INDEX_ORIGIN, WORD_INDEX_MD5, "imdb.get_word_index")
