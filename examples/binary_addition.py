"""The rnn package's binary-addition example, line for line in Python with lamina.rnn.

The R original (``example(trainr)`` in the rnn package)::

    X1 = sample(0:127, 10000, replace=TRUE)
    X2 = sample(0:127, 10000, replace=TRUE)
    Y <- X1 + X2
    X1 <- int2bin(X1, length=8)
    X2 <- int2bin(X2, length=8)
    Y  <- int2bin(Y,  length=8)
    X <- array( c(X1,X2), dim=c(dim(X1),2) )
    model <- trainr(Y=Y, X=X, learningrate = 1, hidden_dim = 16)

The network reads two numbers bit by bit, least significant bit first, and writes their
sum's bits: to get them right it must learn to carry. After the R lines, the trained model
adds 7,000 pairs it has not seen (``predictr`` then ``bin2int``).

``c``, ``array`` and ``dim`` are R's, column-major like R; in plain NumPy the same array is
``np.stack([X1, X2], axis=2)``.

Run: python examples/binary_addition.py [--seed N]   (offline; about 2 seconds)
"""
import argparse
import time

import numpy as np

from lamina import backend
from lamina.rnn import array, bin2int, c, dim, int2bin, predictr, sample, trainr


def main(seed=1):
    backend.set_random_seed(seed)  # R: set.seed(seed)
    start = time.perf_counter()

    # --- the R example, line for line -----------------------------------------------
    X1 = sample(range(0, 128), 10000, replace=True)
    X2 = sample(range(0, 128), 10000, replace=True)
    Y = X1 + X2
    X1 = int2bin(X1, length=8)
    X2 = int2bin(X2, length=8)
    Y = int2bin(Y, length=8)
    X = array(c(X1, X2), dim=c(dim(X1), 2))
    model = trainr(Y=Y, X=X, learningrate=1, hidden_dim=16)
    trained = time.perf_counter() - start

    # --- then: add numbers it has not seen --------------------------------------------
    A1 = sample(range(0, 128), 7000, replace=True)
    A2 = sample(range(0, 128), 7000, replace=True)
    A = array(c(int2bin(A1), int2bin(A2)), dim=c(7000, 8, 2))
    B = bin2int(predictr(model, A))
    accuracy = float(np.mean(B == A1 + A2))
    print(f"Trained on 10,000 pairs in {trained:.1f} s; exact sums on 7,000 new pairs: "
          f"{accuracy:.2%}")
    for a1, a2, b in list(zip(A1, A2, B))[:5]:
        print(f"  {a1:3d} + {a2:3d} = {b:3d}" + ("" if b == a1 + a2 else f"  (not {a1 + a2})"))
    return accuracy


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    main(parser.parse_args().seed)
