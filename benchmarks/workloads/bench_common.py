"""What every framework's workload shares: the W1 data, the initial weights, timing helpers.

Only the standard library and NumPy are used here, so every framework's interpreter can
import it. The data is prepared once per benchmark run (``prepare_w1``) and handed to each
framework's subprocess as an .npz file, so all frameworks see exactly the same numbers.
"""
import csv
import os
import statistics
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_DATA = os.path.normpath(os.path.join(REPO, "..", "shared", "data", "boston",
                                             "BostonHousing.csv"))

# W1 / W5 settings, from shared/benchmarks/WORKLOADS.md
SPLIT_SEED = 113
N_TRAIN = 404
HIDDEN = 50
BATCH_SIZE = 32
EPOCHS = 200
VALIDATION_SPLIT = 0.1
LR, RHO, EPS = 1e-3, 0.9, 1e-7
W5_CALLS = 1000
W5_WARMUP = 50


def read_boston_csv(path):
    """``(x, y)`` float64 from BostonHousing.csv: a header row, 13 features, medv last."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = [r for r in csv.reader(f) if r]  # csv drops the quotes around chas
    try:
        [float(v) for v in rows[0]]
    except ValueError:
        rows = rows[1:]
    data = np.array([[float(v) for v in r] for r in rows], dtype=np.float64)
    if data.shape != (506, 14):
        raise ValueError(f"{path}: expected 506 rows of 14 columns, got {data.shape}")
    return data[:, :13], data[:, 13]


def prepare_w1(path=None):
    """The W1 arrays (float32): z-scored x_train/x_test, y_train/y_test of shape (n, 1).

    Keras's split: rows shuffled with RandomState(113), the first 404 train, the rest test.
    Returns ``(arrays, source)`` where source says where the data came from.
    """
    path = path or DEFAULT_DATA
    if os.path.isfile(path):
        x, y = read_boston_csv(path)
        idx = np.arange(len(x))
        np.random.RandomState(SPLIT_SEED).shuffle(idx)
        x, y = x[idx], y[idx]
        x_train, y_train, x_test, y_test = x[:N_TRAIN], y[:N_TRAIN], x[N_TRAIN:], y[N_TRAIN:]
        source = os.path.abspath(path)
    else:
        # No local copy: lamina's Keras-compatible loader does the same split itself.
        from lamina.datasets import boston_housing
        (x_train, y_train), (x_test, y_test) = boston_housing.load_data()
        source = f"lamina.datasets.boston_housing ({path} not found)"
    x_train = np.asarray(x_train, np.float64)
    x_test = np.asarray(x_test, np.float64)
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    arrays = {
        "x_train": ((x_train - mean) / std).astype(np.float32),
        "y_train": np.asarray(y_train, np.float32).reshape(-1, 1),
        "x_test": ((x_test - mean) / std).astype(np.float32),
        "y_test": np.asarray(y_test, np.float32).reshape(-1, 1),
    }
    return arrays, source


def initial_weights(seed):
    """Keras's Dense defaults drawn once with NumPy: glorot_uniform kernels, zero biases.

    Every framework starts from these same weights (Keras layout: kernel (in, out)), so the
    test scores compare the training, not the luck of the initialisation.
    """
    rng = np.random.RandomState(seed)

    def glorot(fan_in, fan_out):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, size=(fan_in, fan_out)).astype(np.float32)

    return [glorot(13, HIDDEN), np.zeros(HIDDEN, np.float32),
            glorot(HIDDEN, 1), np.zeros(1, np.float32)]


def score(pred, y):
    """The W1 test score std(pred - y) / std(y): lower is better."""
    pred = np.asarray(pred, np.float64).reshape(-1)
    y = np.asarray(y, np.float64).reshape(-1)
    return float(np.std(pred - y) / np.std(y))


def time_call(fn):
    """``(seconds, result)`` of one call of fn, on the monotonic high-resolution clock."""
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def per_call_us(fn, calls=W5_CALLS, warmup=W5_WARMUP):
    """Median (and min, p90) microseconds of ``fn()`` over ``calls`` individually timed calls."""
    for _ in range(warmup):
        fn()
    clock = time.perf_counter_ns
    samples = []
    for _ in range(calls):
        t0 = clock()
        fn()
        samples.append(clock() - t0)
    samples.sort()
    return {"median_us": statistics.median(samples) / 1e3, "min_us": samples[0] / 1e3,
            "p90_us": samples[int(0.9 * len(samples))] / 1e3}


def load_impl(framework, modules, frameworks):
    """The workload module for ``framework`` (its framework imported here, untimed).

    ``modules`` maps a family ("keras", "torch", "lamina") to a module name; keras-X sets
    KERAS_BACKEND=X first and checks that Keras honoured it.
    """
    import importlib
    if framework not in frameworks:
        raise ValueError(f"--framework: expected one of {', '.join(frameworks)}, "
                         f"got {framework!r}")
    family = framework.split("-", 1)[0]
    if family == "keras":
        backend = framework.split("-", 1)[1]
        os.environ["KERAS_BACKEND"] = backend
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    impl = importlib.import_module(modules[family])
    if family == "keras" and impl.keras.backend.backend() != backend:
        raise RuntimeError(f"KERAS_BACKEND={backend} was not honoured: keras runs on "
                           f"{impl.keras.backend.backend()}")
    return impl


def write_result(result, out):
    """The worker's JSON to ``out`` (or stdout); the exit status: 1 if anything failed."""
    import json
    text = json.dumps(result, indent=1)
    if out:
        with open(out, "w") as f:
            f.write(text)
    else:
        print(text)
    return 1 if result["errors"] else 0
