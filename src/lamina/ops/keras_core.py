"""Keras 3's ``keras.ops`` core ops (``keras/src/ops/core.py``) on lamina Tensors.

Conversion to and from Tensors, ``cast``, ``stop_gradient``, ``shape``, ``dtype``,
``slice`` and ``unstack``. The private helpers here (``_t``, ``_ft``, ``_d``, ``_raw``,
``_const``, ``_np_dtype``) turn Tensors, NumPy arrays and Python scalars into what an op
needs; every other Keras-namespace module (``keras_numpy``, ``keras_numpy_arrays``,
``keras_math``, ``keras_linalg``, ``keras_nn``) builds on them. The modules are split by
Keras's own ops namespaces (``keras/src/ops/*.py``) so a name is found where Keras's
source has it; ``lamina.ops.keras_ops`` gathers the numpy, core, math and linalg names.

>>> cast(Tensor([1.7, -2.2]), "int32")
Tensor([ 1 -2])
"""
import builtins

import numpy as np

from lamina.autodiff.tensor import Function, Tensor
from lamina.backend import floatx
from lamina.ops import math as M

# --- conversion -----------------------------------------------------------------------------

def _np_dtype(dtype):
    if dtype is None:
        return None
    try:
        return np.dtype(getattr(dtype, "name", dtype) if not isinstance(dtype, str) else dtype)
    except TypeError:
        raise ValueError(f"Invalid dtype {dtype!r}: expected a NumPy dtype name such as "
                         "'float32', 'int32' or 'bool'") from None


def _d(x):
    """The raw array behind ``x``."""
    return x.data if isinstance(x, Tensor) else np.asarray(x)


def _raw(x):
    """``_d``, but Python numbers stay weak so they do not widen float32 results (NEP 50)."""
    if isinstance(x, (int, float, bool)):
        return x
    return _d(x)


def _const(array):
    """A constant Tensor (no gradient) around an array result."""
    return Tensor._wrap(np.asarray(array), None)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """``x`` as a Tensor: Tensors pass through (cast when ``dtype`` differs), Python floats
    become floatx.

    >>> convert_to_tensor([1.0, 2.0]).dtype
    dtype('float32')
    """
    dtype = _np_dtype(dtype)
    if isinstance(x, Tensor):
        return x if dtype is None or x.dtype == dtype else cast(x, dtype)
    return Tensor(x, dtype=dtype)


def _t(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def _ft(x):
    """A float Tensor: integer and bool inputs become floatx constants (as Keras's sqrt, log)."""
    x = _t(x)
    if x.data.dtype.kind != "f":
        return _const(x.data.astype(floatx()))
    return x


def convert_to_numpy(x):
    return np.asarray(_d(x))


def is_tensor(x):
    return isinstance(x, Tensor)


def stop_gradient(variable):
    """The same values, as a constant: no gradient flows back through it.

    >>> x = Tensor([2.0], requires_grad=True)
    >>> stop_gradient(x).requires_grad
    False
    """
    return _const(_d(variable))


def shape(x):
    return tuple(_d(x).shape)


def dtype(x):
    return _d(x).dtype.name


# --- cast -----------------------------------------------------------------------------------

class Cast(Function):
    def forward(self, a):
        self.in_dtype = a.dtype
        return a.astype(self.dtype)

    def backward(self, g):
        return g.astype(self.in_dtype)


class CastToDiscrete(Function):
    """A cast to an integer or bool dtype: its output has no gradient to give back."""

    def forward(self, a):
        self.in_dtype = a.dtype
        return a.astype(self.dtype)

    def backward(self, g):
        raise TypeError(
            f"ops.cast: cannot backpropagate through a cast from {self.in_dtype} to "
            f"{self.dtype}: integer and bool tensors carry no gradient. Cast "
            "ops.stop_gradient(x) instead if the integer value is not meant to be "
            "differentiated.")


def cast(x, dtype):
    """``x`` converted to ``dtype``; float casts pass the gradient back, integer casts
    refuse to.

    >>> cast(Tensor([1.7, -2.2]), "int32")
    Tensor([ 1 -2])
    """
    dtype = _np_dtype(dtype)
    x = _t(x)
    if x.data.dtype == dtype:
        return x
    cls = Cast if dtype.kind in "fc" else CastToDiscrete
    return cls.apply(x, dtype=dtype)


# --- slicing ------------------------------------------------------------------------------

def slice(inputs, start_indices, shape):  # noqa: A001 - Keras's name
    """The block of ``shape`` starting at ``start_indices``, differentiable."""
    start = [int(s) for s in _d(start_indices).reshape(-1)]
    key = tuple(builtins.slice(s, s + n) for s, n in zip(start, shape))
    return M.getitem(_t(inputs), key)


def unstack(x, num=None, axis=0):
    x = _t(x)
    n = x.shape[axis]
    if num is not None and num != n:
        raise ValueError(f"unstack: num={num} does not match the size {n} of axis {axis}")
    lead = (builtins.slice(None),) * (axis % x.ndim)
    return [M.getitem(x, lead + (i,)) for i in range(n)]


__all__ = [
    "cast", "convert_to_numpy", "convert_to_tensor", "dtype", "is_tensor", "shape", "slice",
    "stop_gradient", "unstack",
]
