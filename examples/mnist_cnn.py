"""The Keras MNIST convnet, with lamina: two Conv2D + MaxPooling2D blocks, Dropout, softmax.

Keras's example trains on the 60000 MNIST training images; here the run measured in
benchmarks/ (W3 of ../shared/benchmarks/WORKLOADS.md): 3 epochs on images 0..7999 of
the MNIST *test* set, accuracy on images 8000..9999 (lamina >= 96.5 %; measured here for
the peers: PyTorch 96.8 %, Keras 3 97.0-97.3 %).

Run: python examples/mnist_cnn.py [--data FOLDER] [--epochs 3]
FOLDER holds t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz (default
../shared/data/mnist); with all four MNIST files (or Keras's mnist.npz) there,
lamina.datasets.mnist.load_data(path=...) reads them the Keras way.
"""
import argparse
import gzip
import os
import struct
import time

import numpy as np

import lamina
from lamina import layers, optimizers


def read_idx(path):
    """An IDX file (MNIST's format, gzipped or not) as a uint8 array."""
    with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_test_set(folder):
    files = os.listdir(folder)
    if "mnist.npz" in files or {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"} <= set(
            files):
        from lamina.datasets import mnist
        path = os.path.join(folder, "mnist.npz") if "mnist.npz" in files else folder
        _, (x, y) = mnist.load_data(path=path)
        return x, y
    pick = {name: next(os.path.join(folder, f) for f in (name + ".gz", name) if f in files)
            for name in ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}
    return read_idx(pick["t10k-images-idx3-ubyte"]), read_idx(pick["t10k-labels-idx1-ubyte"])


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default=os.path.join(here, "..", "..", "shared", "data", "mnist"))
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--seed", type=int, default=1234)
    args = p.parse_args()

    x, y = load_test_set(args.data)
    x = (x.astype("float32") / 255.0)[..., None]          # (10000, 28, 28, 1) in [0, 1]
    y_onehot = np.eye(10, dtype="float32")[y]
    x_train, y_train, x_test, y_test = x[:8000], y_onehot[:8000], x[8000:], y[8000:]

    lamina.backend.set_random_seed(args.seed)
    model = lamina.Sequential([
        layers.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=optimizers.Adam(learning_rate=1e-3),
                  loss="categorical_crossentropy", metrics=["accuracy"])
    model.summary()
    t0 = time.perf_counter()
    model.fit(x_train, y_train, batch_size=128, epochs=args.epochs, verbose=2)
    seconds = time.perf_counter() - t0
    pred = model.predict(x_test, verbose=0).argmax(axis=1)
    print(f"trained {args.epochs} epochs on images 0..7999 in {seconds:.1f} s; "
          f"accuracy on images 8000..9999: {np.mean(pred == y_test):.4f}")


if __name__ == "__main__":
    main()
