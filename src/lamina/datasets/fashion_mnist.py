"""The Fashion-MNIST dataset, as ``keras.datasets.fashion_mnist``.

60,000 training and 10,000 test 28x28 grayscale images of 10 kinds of clothing:
0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt,
7 Sneaker, 8 Bag, 9 Ankle boot.
"""
import os

from ._download import get_file
from ._formats import local_file, read_idx
from .mnist import check_images, idx_paths

ORIGIN_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
# Keras's order: train labels, train images, test labels, test images.
FILE_HASHES = {
    "train-labels-idx1-ubyte.gz":
        "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
    "train-images-idx3-ubyte.gz":
        "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
    "t10k-labels-idx1-ubyte.gz":
        "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
    "t10k-images-idx3-ubyte.gz":
        "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
}
CACHE_SUBDIR = os.path.join("datasets", "fashion-mnist")


def load_data(path=None):
    """Load Fashion-MNIST as ``(x_train, y_train), (x_test, y_test)``, like Keras.

    The four gzipped IDX files Keras publishes are cached in
    ``$LAMINA_HOME/datasets/fashion-mnist/`` (default ``~/.lamina/...``), each
    downloaded and verified by sha256 when missing; offline, the error names
    the URL and the exact path to copy each file to. The IDX headers are
    checked, not skipped.

    Args:
        path: a lamina extension (Keras's ``load_data`` takes no argument): a
            folder that already holds the four files (``train-images-idx3-ubyte.gz``,
            ``train-labels-idx1-ubyte.gz``, ``t10k-images-idx3-ubyte.gz``,
            ``t10k-labels-idx1-ubyte.gz``, gzipped or not), used as is.

    Returns:
        ``x_train`` uint8 (60000, 28, 28), ``y_train`` uint8 (60000,),
        ``x_test`` uint8 (10000, 28, 28), ``y_test`` uint8 (10000,).

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
        >>> x_test.shape  # doctest: +SKIP
        (10000, 28, 28)
    """
    names = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
             "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
    if path is None:
        paths = [get_file(n + ".gz", origin=ORIGIN_FOLDER + n + ".gz",
                          file_hash=FILE_HASHES[n + ".gz"], cache_subdir=CACHE_SUBDIR)
                 for n in names]
        source = os.path.dirname(paths[0])
    else:
        source = local_file(path, "fashion_mnist.load_data")
        if source is None or not os.path.isdir(source):
            raise FileNotFoundError(f"fashion_mnist.load_data: `path` must be an existing folder "
                                    f"holding the four IDX files, got {path!r}")
        paths = idx_paths(source, names, "fashion_mnist")
    arrays = dict(zip(("x_train", "y_train", "x_test", "y_test"), (read_idx(p) for p in paths)))
    return check_images(arrays, "fashion_mnist", source)
