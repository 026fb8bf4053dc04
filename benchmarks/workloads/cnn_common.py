"""What every framework's W3 (mnist-cnn) shares: the data, the initial weights, the FLOPs.

Only the standard library and NumPy here, so every framework's interpreter can import it.
The model is the Keras MNIST convnet: Conv2D(32, 3x3, relu) -> MaxPool(2) -> Conv2D(64, 3x3,
relu) -> MaxPool(2) -> Flatten -> Dropout(0.5) -> Dense(10, softmax); categorical
cross-entropy, Adam(1e-3), batch 128 (../shared/benchmarks/WORKLOADS.md).
"""
import gzip
import os
import struct
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_DATA = os.path.normpath(os.path.join(REPO, "..", "shared", "data", "mnist"))

BATCH = 128
LR = 1e-3
EPS = 1e-7            # Keras's Adam epsilon (torch's default is 1e-8; we pass Keras's)
TRAIN, TEST = 8000, 2000  # the accuracy run: train on images 0..7999, test on 8000..9999
ACC_EPOCHS = 3


def _read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not an IDX file of unsigned bytes")
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_mnist_test(folder=None):
    """The 10000 MNIST test images as float32 (n, 28, 28, 1) in [0, 1], labels as int64."""
    folder = folder or DEFAULT_DATA
    names = [("t10k-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte"),
             ("t10k-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte")]
    paths = []
    for gz, plain in names:
        for name in (gz, plain):
            if os.path.isfile(os.path.join(folder, name)):
                paths.append(os.path.join(folder, name))
                break
        else:
            raise FileNotFoundError(f"W3 needs the MNIST test set: {gz} in {folder} "
                                    "(pass --mnist FOLDER)")
    x = _read_idx(paths[0]).astype(np.float32)[..., None] / np.float32(255.0)
    y = _read_idx(paths[1]).astype(np.int64)
    return x, y


def one_hot(y, n=10):
    return np.eye(n, dtype=np.float32)[y]


def initial_weights(seed):
    """Keras's defaults drawn once with NumPy, in Keras's layouts: glorot_uniform kernels
    (a conv kernel's fans count its 3x3 window), zero biases. Conv kernels (kh, kw, in, out),
    Dense kernel (1600, 10) with rows in Keras's (h, w, c) flatten order."""
    rng = np.random.RandomState(seed)

    def glorot(shape, fan_in, fan_out):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, size=shape).astype(np.float32)

    return [glorot((3, 3, 1, 32), 9, 9 * 32), np.zeros(32, np.float32),
            glorot((3, 3, 32, 64), 9 * 32, 9 * 64), np.zeros(64, np.float32),
            glorot((1600, 10), 1600, 10), np.zeros(10, np.float32)]


def train_flops_per_image():
    """Multiply-adds x 2 of one training step per image: each layer's forward product, its
    weight gradient and (but for the first layer) its input gradient; the matrix products
    only (pooling, activations and the optimizer are not counted)."""
    conv1 = 2 * 26 * 26 * 32 * (3 * 3 * 1)
    conv2 = 2 * 11 * 11 * 64 * (3 * 3 * 32)
    dense = 2 * 1600 * 10
    return 2 * conv1 + 3 * conv2 + 3 * dense


def matmul_rate(n=2048, reps=5):
    """This machine's float32 matrix-product rate with NumPy (FLOP/s; best of ``reps``)."""
    rng = np.random.default_rng(0)
    a = rng.random((n, n), dtype=np.float32)
    b = rng.random((n, n), dtype=np.float32)
    a @ b
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t0)
    return 2.0 * n ** 3 / best
