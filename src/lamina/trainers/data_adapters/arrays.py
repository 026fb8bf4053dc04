"""User data as arrays: one NumPy array, or ``Arrays`` (one array per input or output of
a model with several), plus the checks and conversions every array adapter shares.

``Arrays`` is sliced and shuffled like one array, so the training loop is the same code
for one input as for several.
"""
import numpy as np

from lamina import backend
from lamina.autodiff.tensor import Tensor


class Arrays:
    """Several arrays with the same number of samples (entries may be None): indexing with
    a slice or an index array takes those samples from each; ``part(i)`` is array i."""

    __slots__ = ("arrays",)

    def __init__(self, arrays):
        self.arrays = list(arrays)

    def __getitem__(self, key):
        return Arrays([None if a is None else a[key] for a in self.arrays])

    def __len__(self):
        return next((len(a) for a in self.arrays if a is not None), 0)

    def part(self, i):
        return self.arrays[i]

    @property
    def size(self):
        return sum(a.size for a in self.arrays if a is not None)

    @property
    def shape(self):
        return [None if a is None else a.shape for a in self.arrays]


def part(data, i):
    """Output i's share of targets or sample weights (one array serves every output)."""
    return data.arrays[i] if isinstance(data, Arrays) else data


def user_data(d):
    """What a user's ``train_step(data)`` sees: a list for several arrays, else the array."""
    return d.arrays if isinstance(d, Arrays) else d


def check_lengths(data, what):
    counts = {len(a) for a in data.arrays if a is not None}
    if len(counts) > 1:
        shapes = [None if a is None else a.shape for a in data.arrays]
        raise ValueError(f"{what}: the arrays have different numbers of samples: shapes {shapes}")


def structure_to_list(data, names, what, allow_missing=False):
    """A list or dict (keyed by ``names``) of per-input/-output data as a list in model order."""
    n = len(names)
    if isinstance(data, dict):
        extra = [k for k in data if k not in names]
        missing = [k for k in names if k not in data]
        if extra or (missing and not allow_missing):
            raise ValueError(
                f"{what}: dict keys {list(data)} do not match the model's names {names}"
                + (f"; unexpected {extra}" if extra else "")
                + (f"; missing {missing}" if missing and not allow_missing else ""))
        return [data.get(k) for k in names]
    if isinstance(data, (list, tuple)):
        if len(data) != n:
            raise ValueError(f"{what}: expected {n} arrays (one for each of {names}), got a "
                             f"{type(data).__name__} of {len(data)}")
        return list(data)
    raise ValueError(f"{what}: the model has {n} {'inputs' if 'x' in what else 'outputs'} "
                     f"{names}; pass a list or a dict of {n} arrays, got {type(data).__name__}")


def unwrap_single(data, names, what="data"):
    """The one array of a one-input (or one-output) model given as ``[a]`` or ``{name: a}``."""
    if isinstance(data, (list, tuple)) and len(data) == 1 and getattr(data[0], "ndim", 0) >= 1:
        return data[0]
    if isinstance(data, dict):
        if len(data) != 1 or next(iter(data)) not in names:
            raise ValueError(f"{what}: dict keys {list(data)} do not match the model's names "
                             f"{names}")
        return next(iter(data.values()))
    return data


def to_array(x, what):
    """User data as a NumPy array: float64 becomes floatx, integers stay integers."""
    if isinstance(x, Tensor):
        x = x.data
    if hasattr(x, "to_numpy") and not isinstance(x, np.ndarray):  # pandas
        x = x.to_numpy()
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as e:
        raise TypeError(f"{what}: expected a numeric array, got {type(x).__name__} ({e})") from e
    if arr.dtype == object or arr.dtype.kind in "USV":
        raise TypeError(f"{what}: expected numeric data, got an array of dtype {arr.dtype}")
    if arr.dtype.kind == "b":
        arr = arr.astype(backend.floatx())
    elif arr.dtype.kind == "f" and arr.dtype != np.dtype(backend.floatx()):
        arr = arr.astype(backend.floatx())
    return arr


def align_target(y, shape):
    """Targets of shape (n,) for an output (None, 1) become (n, 1), once per fit, as the
    loss would reshape them on every batch."""
    if (isinstance(shape, tuple) and y.ndim == len(shape) - 1 and shape[-1] == 1
            and y.dtype.kind == "f"):
        return y.reshape(y.shape + (1,))
    return y


def num_samples(arrays, names):
    """The common number of samples of ``arrays`` (None entries skipped), or a clear error."""
    counts = {name: len(a) for a, name in zip(arrays, names) if a is not None}
    if len(set(counts.values())) > 1:
        desc = ", ".join(f"{k} has {v}" for k, v in counts.items())
        raise ValueError(f"Data cardinality is ambiguous: {desc} samples. Make sure all arrays "
                         "contain the same number of samples.")
    return next(iter(counts.values()))


def concat_outputs(batches):
    """Per-batch lists of output arrays joined along the sample axis, per output."""
    return [np.concatenate([b[i] for b in batches], axis=0) for i in range(len(batches[0]))]
