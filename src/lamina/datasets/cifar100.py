"""The CIFAR-100 small images dataset, as ``keras.datasets.cifar100``.

50,000 training and 10,000 test 32x32 colour images labelled over 100 fine
classes grouped into 20 coarse superclasses.
"""
from . import _cifar

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
SHA256 = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"
FOLDER = "cifar-100-python"


def load_data(label_mode="fine", path=None):
    """Load CIFAR-100 as ``(x_train, y_train), (x_test, y_test)``, like Keras.

    Keras's archive (the "python version") is cached as
    ``$LAMINA_HOME/datasets/cifar-100-python.tar.gz`` (default ``~/.lamina``),
    downloaded and verified by sha256 when missing; offline, the error names
    the URL and the exact path to copy it to. The ``train`` and ``test``
    batches are read with a restricted unpickler that rebuilds only NumPy
    arrays and plain data, so a tampered file cannot run code.

    Args:
        label_mode: ``"fine"`` (100 classes) or ``"coarse"`` (20 superclasses).
        path: a lamina extension: an existing ``cifar-100-python.tar.gz``, or
            the extracted ``cifar-100-python`` folder (or its parent), used as is.

    Returns:
        ``x_train`` uint8 (50000, 32, 32, 3), ``y_train`` (50000, 1),
        ``x_test`` uint8 (10000, 32, 32, 3), ``y_test`` (10000, 1). The labels
        are int64, as Keras actually returns them (it reshapes the pickled list
        of ints). Images are (n, 3, 32, 32) under ``"channels_first"``.

    Example:
        >>> (x_train, y_train), _ = load_data(label_mode="coarse")  # doctest: +SKIP
        >>> int(y_train.max())  # doctest: +SKIP
        19
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError(f'cifar100.load_data: `label_mode` must be one of "fine", "coarse", '
                         f"got {label_mode!r}")
    parts = _cifar.load(path, ORIGIN, SHA256, "cifar-100-python.tar.gz", FOLDER,
                        {"train": ["train"], "test": ["test"]}, f"{label_mode}_labels",
                        "cifar100.load_data")
    return parts["train"], parts["test"]
