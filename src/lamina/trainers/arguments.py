"""Up-front checks of the numeric arguments of fit, evaluate, predict and ``*_on_batch``.

A wrong value (``batch_size=-1``, ``steps_per_epoch=-2``, ``validation_split=1.5``) must
fail before any step runs, with a ValueError naming the argument, the value and what is
expected: in a loop it would give a silent wrong number (a loss of 0.0) or an internal
error far from its cause.

>>> batch_size = positive_int(batch_size, "batch_size", "fit", default=32)
"""
import numbers

import numpy as np


def _is_int(value):
    return type(value) is int or (isinstance(value, numbers.Integral)  # fast path first
                                  and not isinstance(value, (bool, np.bool_)))


def positive_int(value, name, what, default=None):
    """``value`` as an int >= 1; None gives ``default``."""
    if value is None:
        return default
    if not _is_int(value) or value < 1:
        raise ValueError(f"{what}: {name} must be a positive integer (or None), got "
                         f"{value!r}")
    return int(value)


def nonnegative_int(value, name, what):
    if not _is_int(value) or value < 0:
        raise ValueError(f"{what}: {name} must be an integer >= 0, got {value!r}")
    return int(value)


def verbose_level(value, what):
    """``verbose``: "auto" (1), 0 (silent), 1 (progress bar) or 2 (one line per epoch)."""
    if type(value) is int and 0 <= value <= 2:  # the usual case, checked cheaply
        return value
    if isinstance(value, str) and value == "auto":
        return 1
    if not _is_int(value) or value not in (0, 1, 2):
        raise ValueError(f"{what}: verbose must be 'auto', 0, 1 or 2, got {value!r}")
    return int(value)


def fraction(value, name, what):
    """A float in [0, 1) (``validation_split``)."""
    if (not isinstance(value, numbers.Real) or isinstance(value, (bool, np.bool_))
            or not 0 <= value < 1):
        raise ValueError(f"{what}: {name} must be a float in [0, 1), got {value!r}")
    return float(value)


def class_weight(value, what):
    """``class_weight``: a dict {class index (int >= 0): weight (finite number >= 0)}."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError(f"{what}: class_weight must be a dict {{class index: weight}}, got "
                         f"{type(value).__name__}")
    if not value:
        raise ValueError(f"{what}: class_weight is an empty dict; give a weight per class "
                         "index, e.g. {0: 1.0, 1: 5.0}, or None")
    for k, w in value.items():
        if not _is_int(k) or k < 0:
            raise ValueError(f"{what}: the keys of class_weight must be class indices "
                             f"(integers >= 0), got {k!r}")
        if (not isinstance(w, numbers.Real) or isinstance(w, (bool, np.bool_))
                or not np.isfinite(w) or w < 0):
            raise ValueError(f"{what}: class_weight[{k}] must be a finite number >= 0, got "
                             f"{w!r}")
    return value


def check_sample_weight(sample_weight, n, what):
    """Sample weights: one finite weight >= 0 per sample (shape (n,) or (n, ...))."""
    if sample_weight is None or not isinstance(sample_weight, np.ndarray):
        return
    sw = sample_weight
    if sw.ndim == 0 or len(sw) != n:
        raise ValueError(f"{what}: sample_weight must have one weight per sample, i.e. shape "
                         f"({n},), got shape {sw.shape}")
    if sw.size and not np.all(np.isfinite(sw)):
        raise ValueError(f"{what}: sample_weight contains NaN or infinite values")


def check_not_empty(n, what):
    if n == 0:
        raise ValueError(f"{what}: the data is empty (x has 0 samples); give at least one "
                         "sample")


def fit_arguments(batch_size, epochs, verbose, validation_split, initial_epoch,
                  steps_per_epoch, validation_steps, validation_batch_size, validation_freq,
                  class_weight_):
    """fit's numeric arguments checked; (batch_size, epochs, verbose, validation_split,
    initial_epoch, steps_per_epoch, validation_steps, validation_batch_size,
    validation_freq)."""
    w = "fit"
    batch_size = positive_int(batch_size, "batch_size", w, default=32)
    if not _is_int(epochs) or epochs < 0:
        raise ValueError(f"fit: epochs must be an integer >= 0, got {epochs!r}")
    initial_epoch = nonnegative_int(initial_epoch, "initial_epoch", w)
    if initial_epoch > epochs:
        raise ValueError(f"fit: initial_epoch ({initial_epoch}) is beyond epochs ({epochs}); "
                         "epochs is the index of the last epoch, not a count from "
                         "initial_epoch")
    class_weight(class_weight_, w)
    return (batch_size, int(epochs), verbose_level(verbose, w),
            fraction(validation_split, "validation_split", w), initial_epoch,
            positive_int(steps_per_epoch, "steps_per_epoch", w),
            positive_int(validation_steps, "validation_steps", w),
            positive_int(validation_batch_size, "validation_batch_size", w),
            positive_int(validation_freq, "validation_freq", w, default=1))
