"""kerasR's datasets and preprocessing helpers.

Every ``load_*`` returns an ``RList`` with kerasR's names ``X_train``, ``Y_train``,
``X_test``, ``Y_test`` (R's ``mnist$X_train`` is ``mnist.X_train`` or
``mnist["X_train"]``). kerasR's loaders always download; these take a trailing
``path=`` as well, for a local copy of Keras's file (see ``lamina.datasets``).
"""
import numpy as np

from lamina.kerasr._coerce import RList, _int, _ints


def _rlist(splits):
    (x_train, y_train), (x_test, y_test) = splits
    return RList(X_train=x_train, Y_train=y_train, X_test=x_test, Y_test=y_test)


def _opt_int(value, what, minimum=None):
    return None if value is None else _int(value, what, minimum)


# --- datasets --------------------------------------------------------------------------------
def load_boston_housing(path="boston_housing.npz", test_split=0.2, seed=113):
    """The Boston Housing data (404 training, 102 test rows, Keras's split).

    ``path``, ``test_split`` and ``seed`` go to ``lamina.datasets.boston_housing.load_data``
    (kerasR takes no arguments; these defaults are Keras's). Offline, pass a local copy.

    >>> boston = load_boston_housing()  # doctest: +SKIP
    >>> boston.X_train.shape, boston["Y_test"].shape  # doctest: +SKIP
    ((404, 13), (102,))
    """
    from lamina.datasets import boston_housing
    return _rlist(boston_housing.load_data(path=path, test_split=test_split,
                                           seed=_int(seed, "load_boston_housing: seed")))


def load_mnist(path="mnist.npz"):
    """MNIST digits: X_train (60000, 28, 28) uint8, Y_train (60000,), and 10000 test images.

    >>> mnist = load_mnist()  # doctest: +SKIP
    """
    from lamina.datasets import mnist
    return _rlist(mnist.load_data(path=path))


def load_cifar10(path=None):
    """CIFAR-10: X_train (50000, 32, 32, 3) uint8, Y_train (50000, 1), and 10000 test images.

    >>> cifar = load_cifar10()  # doctest: +SKIP
    """
    from lamina.datasets import cifar10
    return _rlist(cifar10.load_data(path=path))


def load_cifar100(label_mode="fine", path=None):
    """CIFAR-100 with 100 ``"fine"`` or 20 ``"coarse"`` labels.

    >>> cifar = load_cifar100(label_mode="coarse")  # doctest: +SKIP
    """
    from lamina.datasets import cifar100
    return _rlist(cifar100.load_data(label_mode=label_mode, path=path))


def load_imdb(num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1, oov_char=2,
              index_from=3, path="imdb.npz"):
    """IMDB reviews as lists of word indexes, with 0/1 sentiment labels.

    >>> imdb = load_imdb(num_words=500, maxlen=100)  # doctest: +SKIP
    """
    from lamina.datasets import imdb
    return _rlist(imdb.load_data(
        path=path, num_words=_opt_int(num_words, "load_imdb: num_words", 1),
        skip_top=_int(skip_top, "load_imdb: skip_top", 0),
        maxlen=_opt_int(maxlen, "load_imdb: maxlen", 1), seed=_int(seed, "load_imdb: seed"),
        start_char=_opt_int(start_char, "load_imdb: start_char"),
        oov_char=_opt_int(oov_char, "load_imdb: oov_char"),
        index_from=_int(index_from, "load_imdb: index_from")))


def load_reuters(num_words=None, skip_top=0, maxlen=1000, test_split=0.2, seed=113,
                 start_char=1, oov_char=2, index_from=3, path="reuters.npz"):
    """Reuters newswires as lists of word indexes, with 46 topic labels.

    kerasR's default ``maxlen = 1000`` drops the few longer wires (Keras's default is None).

    >>> reuters = load_reuters(num_words=1000)  # doctest: +SKIP
    """
    from lamina.datasets import reuters
    return _rlist(reuters.load_data(
        path=path, num_words=_opt_int(num_words, "load_reuters: num_words", 1),
        skip_top=_int(skip_top, "load_reuters: skip_top", 0),
        maxlen=_opt_int(maxlen, "load_reuters: maxlen", 1), test_split=test_split,
        seed=_int(seed, "load_reuters: seed"),
        start_char=_opt_int(start_char, "load_reuters: start_char"),
        oov_char=_opt_int(oov_char, "load_reuters: oov_char"),
        index_from=_int(index_from, "load_reuters: index_from")))


# --- arrays ----------------------------------------------------------------------------------
def normalize(x, axis=-1, order=2):
    """Divide each row (by default) by its L2 norm.

    >>> normalize([[3.0, 4.0]]).tolist()
    [[0.6, 0.8]]
    """
    from lamina.preprocessing import normalize as _normalize
    return _normalize(x, axis=_int(axis, "normalize: axis"),
                      order=_int(order, "normalize: order", minimum=1))


def to_categorical(y, num_classes=None):
    """One-hot rows for class labels 0..num_classes-1 (R's doubles like 2.0 are accepted).

    >>> to_categorical([0, 2], num_classes=3).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    from lamina.preprocessing import to_categorical as _to_categorical
    labels = np.asarray(y)
    if labels.dtype.kind == "f":  # kerasR converts R's doubles with int32()
        if not np.all(np.isfinite(labels)) or np.any(labels != np.round(labels)):
            raise ValueError("to_categorical: `y` must hold whole-number class labels, got "
                             f"non-integer values such as {labels[labels != np.round(labels)][:3]}")
        labels = labels.astype("int64")
    num_classes = None if num_classes is None else _int(num_classes,
                                                        "to_categorical: num_classes", 1)
    return _to_categorical(labels, num_classes=num_classes)


def expand_dims(a, axis=0):
    """Insert a new axis at ``axis``, e.g. to predict on a single sample.

    >>> expand_dims(np.zeros((28, 28))).shape
    (1, 28, 28)
    """
    return np.expand_dims(np.asarray(a), _int(axis, "expand_dims: axis"))


# --- text and sequences ----------------------------------------------------------------------
_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'


def text_to_word_sequence(text, filters=_FILTERS, lower=True, split=" "):
    """Split a sentence into a list of words, dropping the ``filters`` characters.

    >>> text_to_word_sequence("Hello, world!")
    ['hello', 'world']
    """
    from lamina.preprocessing import text_to_word_sequence as _split
    return _split(text, filters=filters, lower=lower, split=split)


def one_hot(text, n, filters=_FILTERS, lower=True, split=" "):
    """Word indexes in 1..n-1 from a hash of each word (Keras's ``one_hot``).

    >>> len(one_hot("the cat sat", n=10))
    3
    """
    from lamina.preprocessing import one_hot as _one_hot
    return _one_hot(text, _int(n, "one_hot: n", minimum=2), filters=filters, lower=lower,
                    split=split)


def Tokenizer(num_words=None, filters=_FILTERS, lower=True, split=" "):
    """A word tokenizer: ``fit_on_texts``, then ``texts_to_sequences`` / ``texts_to_matrix``.

    >>> tok = Tokenizer(num_words=100)
    >>> tok.fit_on_texts(["the cat", "the dog"])
    >>> tok.texts_to_sequences(["the dog"])
    [[1, 3]]
    """
    from lamina.preprocessing import Tokenizer as _Tokenizer
    return _Tokenizer(num_words=None if num_words is None else
                      _int(num_words, "Tokenizer: num_words", 1),
                      filters=filters, lower=lower, split=split)


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre",
                  value=0):
    """Pad (or cut) sequences to one length: a (samples, maxlen) array.

    >>> pad_sequences([[1, 2], [3]], maxlen=3).tolist()
    [[0, 1, 2], [0, 0, 3]]
    """
    from lamina.preprocessing import pad_sequences as _pad
    return _pad(sequences, maxlen=None if maxlen is None else
                _int(maxlen, "pad_sequences: maxlen", 1),
                dtype=dtype, padding=padding, truncating=truncating, value=value)


# --- images ----------------------------------------------------------------------------------
def load_img(path, grayscale=False, target_size=None):
    """Load an image file as a PIL Image (needs ``lamina[image]``, i.e. Pillow).

    >>> img = load_img("cat.jpg", target_size=[224, 224])  # doctest: +SKIP
    """
    from lamina.preprocessing import load_img as _load_img
    if target_size is not None:
        target_size = _ints(target_size, "load_img: target_size", minimum=1)
        if not isinstance(target_size, tuple) or len(target_size) != 2:
            raise ValueError(f"load_img: target_size must be c(height, width), got "
                             f"{target_size!r}")
    return _load_img(path, color_mode="grayscale" if grayscale else "rgb",
                     target_size=target_size)


def img_to_array(img, data_format=None):
    """A PIL Image as a float32 (height, width, channels) array.

    >>> x = img_to_array(load_img("cat.jpg"))  # doctest: +SKIP
    """
    from lamina.preprocessing import img_to_array as _img_to_array
    return _img_to_array(img, data_format=data_format)
