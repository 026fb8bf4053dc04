"""R-to-Python argument coercion shared by the kerasR face.

R stores every number as a double (``units = 50`` arrives as ``50.0``) and writes
vectors as ``c(28, 28, 1)``; kerasR turned both into Python ints and tuples before
calling Keras. These helpers do the same, with an error naming the argument.
"""
import numbers

import numpy as np


def _int(value, what, minimum=None):
    """A whole number (int, numpy int, or a float like R's 50) as an int; else a clear error.

    >>> _int(50.0, "Dense: units")
    50
    """
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if ok:
        ok = float(value).is_integer()
    if not ok or (minimum is not None and value < minimum):
        need = "a whole number" + (f" >= {minimum}" if minimum is not None else "")
        raise ValueError(f"{what} must be {need}, got {value!r}")
    return int(value)


def _shape(shape, what="input_shape"):
    """kerasR's ``input_shape = 13`` or ``c(28, 28)`` as a tuple of ints (None for unknown).

    >>> _shape(13), _shape([28.0, 28.0, 1.0])
    ((13,), (28, 28, 1))
    """
    if shape is None:
        return None
    if isinstance(shape, numbers.Real) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        dims = list(np.asarray(shape, dtype=object).reshape(-1))
    except (TypeError, ValueError):
        dims = None
    if dims is None or isinstance(shape, (str, bytes)):
        raise TypeError(f"{what} must be an int or a sequence of ints, got {shape!r}")
    return tuple(None if d is None else _int(d, what, minimum=1) for d in dims)


def _ints(value, what, minimum=None):
    """A number or an R vector (nested lists too) as an int or a tuple of ints; None stays None.

    Used for ``kernel_size = c(3, 3)``, ``strides = 2``, ``cropping = list(c(1, 1), c(2, 2))``.

    >>> _ints(3.0, "kernel_size"), _ints([3.0, 3.0], "kernel_size")
    (3, (3, 3))
    """
    if value is None:
        return None
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return tuple(_ints(v, what, minimum) for v in value)
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{what} must be a whole number or a vector of them, got {value!r}")
    return _int(value, what, minimum)


def _with_shape(kwargs, input_shape):
    """Add kerasR's ``input_shape`` (an R number or vector) to a layer's keyword arguments."""
    if input_shape is not None:
        kwargs["input_shape"] = _shape(input_shape)
    return kwargs


def _real(value, what, minimum=None):
    """A real number (not a bool) as a float; else a clear error naming ``what``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or \
            (minimum is not None and value < minimum):
        need = "a number" + (f" >= {minimum}" if minimum is not None else "")
        raise ValueError(f"{what} must be {need}, got {value!r}")
    return float(value)


def _missing(what, where, err):
    """The error for a lamina feature that is not available (yet) in this installation."""
    return NotImplementedError(f"{what} needs {where}, which this lamina does not have ({err})")


class RList(dict):
    """An R named list: ``d["X_train"]`` and ``d.X_train`` (R's ``d$X_train``) both work.

    >>> d = RList(X_train=1)
    >>> d.X_train, d["X_train"]
    (1, 1)
    """

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"no element {name!r}; the names are {list(self)}") from None

    def __setattr__(self, name, value):
        self[name] = value

    def __delattr__(self, name):
        try:
            del self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __dir__(self):
        return sorted(set(dir(dict)) | set(self))
