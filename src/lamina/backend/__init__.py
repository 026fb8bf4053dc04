"""The array library and global numeric settings.

lamina computes on NumPy arrays. ``floatx`` is the default float type of
weights and data (float32, as in Keras); ``set_floatx('float64')`` is used by
gradient checks.
"""
import numpy as np

_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"


def floatx():
    return _FLOATX


def set_floatx(value):
    global _FLOATX
    if value not in ("float16", "float32", "float64"):
        raise ValueError(f"set_floatx: expected 'float16', 'float32' or 'float64', got {value!r}")
    _FLOATX = value


def epsilon():
    return _EPSILON


def set_epsilon(value):
    global _EPSILON
    _EPSILON = float(value)


def image_data_format():
    return _IMAGE_DATA_FORMAT


def set_image_data_format(value):
    global _IMAGE_DATA_FORMAT
    if value not in ("channels_last", "channels_first"):
        raise ValueError(
            f"set_image_data_format: expected 'channels_last' or 'channels_first', got {value!r}")
    _IMAGE_DATA_FORMAT = value


def to_float_array(x, dtype=None):
    """``x`` as a float NumPy array of ``dtype`` (default floatx), without copying if possible."""
    return np.asarray(x, dtype=dtype or _FLOATX)


_seed_rng = np.random.default_rng()


def set_random_seed(seed):
    """Seed every random source lamina uses (initializers, dropout, shuffling)."""
    global _seed_rng
    _seed_rng = np.random.default_rng(seed)
    np.random.seed(seed)


def rng():
    """The generator behind initializers, dropout and shuffling."""
    return _seed_rng
