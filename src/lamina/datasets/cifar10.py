"""The CIFAR-10 small images dataset, as ``keras.datasets.cifar10``.

50,000 training and 10,000 test 32x32 colour images in 10 classes:
0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog, 7 horse,
8 ship, 9 truck.
"""
import numpy as np

from . import _cifar

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
FOLDER = "cifar-10-batches-py"


def load_data(path=None):
    """Load CIFAR-10 as ``(x_train, y_train), (x_test, y_test)``, like Keras.

    Keras's archive (the "python version") is cached as
    ``$LAMINA_HOME/datasets/cifar-10-python.tar.gz`` (default ``~/.lamina``),
    downloaded and verified by sha256 when missing; offline, the error names
    the URL and the exact path to copy it to. The batches are read from the
    archive with a restricted unpickler that rebuilds only NumPy arrays and
    plain data, so a tampered file cannot run code (Keras 2 used plain pickle).

    Args:
        path: a lamina extension (Keras's ``load_data`` takes no argument): an
            existing ``cifar-10-python.tar.gz``, or the extracted
            ``cifar-10-batches-py`` folder (or its parent), used as is.

    Returns:
        ``x_train`` uint8 (50000, 32, 32, 3), ``y_train`` uint8 (50000, 1),
        ``x_test`` uint8 (10000, 32, 32, 3), ``y_test`` uint8 (10000, 1).
        Images are (n, 3, 32, 32) when ``lamina.backend.image_data_format()``
        is ``"channels_first"``.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
        >>> x_train.shape, y_train.shape  # doctest: +SKIP
        ((50000, 32, 32, 3), (50000, 1))
    """
    parts = _cifar.load(path, ORIGIN, SHA256, "cifar-10-python.tar.gz", FOLDER,
                        {"train": [f"data_batch_{i}" for i in range(1, 6)],
                         "test": ["test_batch"]}, "labels", "cifar10.load_data")
    (x_train, y_train), (x_test, y_test) = parts["train"], parts["test"]
    # Keras collects the labels in a uint8 array.
    return (x_train, y_train.astype(np.uint8)), (x_test, y_test.astype(np.uint8))
