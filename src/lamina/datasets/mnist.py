"""The MNIST handwritten digits dataset, as ``keras.datasets.mnist``.

60,000 training and 10,000 test grayscale images of 28x28 pixels, labelled 0-9.
"""
import os

from ._download import get_file
from ._formats import load_npz, local_file, read_idx

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
KEYS = ("x_train", "y_train", "x_test", "y_test")
# The original IDX files' names, as LeCun published them (Fashion-MNIST uses the same).
IDX_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
             "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


def load_data(path="mnist.npz"):
    """Load MNIST as ``(x_train, y_train), (x_test, y_test)``, like Keras.

    Where the data comes from:
    1. ``path``, if it names an existing file: an npz with Keras's arrays
       ``x_train``, ``y_train``, ``x_test``, ``y_test`` (read with pickling
       off). A lamina extension: an existing folder holding the four IDX files
       (``train-images-idx3-ubyte[.gz]``, ``train-labels-idx1-ubyte[.gz]``,
       ``t10k-images-idx3-ubyte[.gz]``, ``t10k-labels-idx1-ubyte[.gz]``).
    2. Else Keras's ``mnist.npz``, cached under ``path`` in
       ``$LAMINA_HOME/datasets`` (default ``~/.lamina/datasets``), downloaded
       and verified by sha256 when missing. Offline, the error names the URL
       and the exact path to copy the file to.

    Args:
        path: a local file (or IDX folder), or the name to cache the download as.

    Returns:
        ``x_train`` uint8 (60000, 28, 28), ``y_train`` uint8 (60000,),
        ``x_test`` uint8 (10000, 28, 28), ``y_test`` uint8 (10000,).

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
        >>> x_train.shape, y_train.dtype  # doctest: +SKIP
        ((60000, 28, 28), dtype('uint8'))
    """
    local = local_file(path, "mnist.load_data")
    if local is not None and os.path.isdir(local):
        arrays = dict(zip(KEYS, (read_idx(p) for p in idx_paths(local, IDX_FILES, "mnist"))))
    else:
        if local is None:
            local = get_file(path, origin=ORIGIN, file_hash=SHA256)
        arrays = load_npz(local, keys=KEYS)
    return check_images(arrays, "mnist", local)


def idx_paths(folder, names, loader):
    """The paths of ``names`` in ``folder``, each gzipped (``.gz``) or not."""
    paths = []
    for name in names:
        for candidate in (name + ".gz", name):
            if os.path.isfile(os.path.join(folder, candidate)):
                paths.append(os.path.join(folder, candidate))
                break
        else:
            raise FileNotFoundError(f"{loader}.load_data: the folder {folder} has no {name}.gz "
                                    f"(nor {name}); it needs {', '.join(names)}")
    return paths


def check_images(arrays, loader, source):
    """Check (x_train, y_train, x_test, y_test) fit together; return Keras's nesting."""
    x_train, y_train, x_test, y_test = (arrays[k] for k in KEYS)
    for x, y, part in ((x_train, y_train, "train"), (x_test, y_test, "test")):
        if x.ndim != 3 or y.ndim != 1 or len(x) != len(y):
            raise ValueError(f"{loader}: {source} should hold {part} images of shape (n, 28, 28) "
                             f"and labels of shape (n,), got {x.shape} and {y.shape}")
    return (x_train, y_train), (x_test, y_test)
