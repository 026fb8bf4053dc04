"""Keras 3's ``keras.ops`` linear-algebra ops (``keras/src/ops/linalg.py``) on lamina
Tensors: ``norm``, vector and matrix norms as ``numpy.linalg.norm``.

>>> norm([[3.0, 4.0]], axis=-1)
Tensor([5.])
"""
import numpy as np

from lamina.autodiff.tensor import Function
from lamina.ops import math as M
from lamina.ops.keras_core import _const, _ft


class VectorNorm(Function):
    """(sum |x|^p)^(1/p) over ``axes`` (kept), p >= 1 finite.

    The gradient, sign(x) |x|^(p-1) / norm^(p-1), is taken as 0 where the norm is 0 (as
    PyTorch does): the chain sqrt(sum(x^2)) would give 0/0 = NaN at the zero vector.
    """

    def forward(self, x):
        if self.p == 2:
            n = np.sqrt(np.sum(x * x, axis=self.axes, keepdims=True))
        else:
            n = np.sum(np.abs(x) ** self.p, axis=self.axes, keepdims=True) ** (1.0 / self.p)
        self.x, self.n = x, n
        return n

    def backward(self, g):
        x, n, p = self.x, self.n, self.p
        zero = n == 0
        safe = np.where(zero, 1, n)
        if p == 2:
            d = x / safe
        elif p == 1:
            d = np.sign(x)
        else:
            d = np.sign(x) * np.abs(x) ** (p - 1) / safe ** (p - 1)
        return (np.where(zero, 0, d * g).astype(x.dtype, copy=False),)


def norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002 - Keras's argument name
    """Vector or matrix norm, as ``numpy.linalg.norm``; differentiable; the gradient at
    the zero vector is 0, as in PyTorch.

    >>> norm([[3.0, 4.0]], axis=-1)
    Tensor([5.])
    """
    x = _ft(x)
    if axis is None:
        axes = tuple(range(x.ndim))
        if ord is not None and x.ndim > 2:
            raise ValueError(f"norm: ord={ord!r} needs axis for a {x.ndim}-D input")
    else:
        axes = (axis,) if isinstance(axis, int) else tuple(axis)
    if ord is None or (ord == "fro" and len(axes) == 2):
        out = VectorNorm.apply(x, p=2, axes=axes)
    elif len(axes) == 1:
        out = _vector_norm(x, ord, axes)
    elif len(axes) == 2:
        out = _matrix_norm(x, ord, axes)
    else:
        raise ValueError(f"norm: axis must be an int or a pair of ints, got {axis!r}")
    return out if keepdims else M.squeeze(out, axes)


def _vector_norm(x, ord, axes):  # noqa: A002
    a = M.abs(x)
    if ord == np.inf:
        return M.max(a, axis=axes, keepdims=True)
    if ord == -np.inf:
        return M.min(a, axis=axes, keepdims=True)
    if ord == 0:
        return _const(np.sum(x.data != 0, axis=axes, keepdims=True).astype(x.dtype))
    if ord == 1:
        return M.sum(a, axis=axes, keepdims=True)
    if isinstance(ord, str):
        raise ValueError(f"norm: ord={ord!r} is a matrix norm; give axis as a pair of ints")
    p = float(ord)
    if p >= 1:
        return VectorNorm.apply(x, p=p, axes=axes)
    return M.power(M.sum(M.power(a, p), axis=axes, keepdims=True), 1.0 / p)


def _matrix_norm(x, ord, axes):  # noqa: A002
    row, col = (a % x.ndim for a in axes)
    red = {1: (row, col, M.max), -1: (row, col, M.min),
           np.inf: (col, row, M.max), -np.inf: (col, row, M.min)}.get(ord)
    if red is None:
        raise NotImplementedError(f"norm: the matrix norm ord={ord!r} is not supported; "
                                  "supported: None, 'fro', 1, -1, inf, -inf")
    inner, outer, pick = red
    return pick(M.sum(M.abs(x), axis=inner, keepdims=True), axis=outer, keepdims=True)


__all__ = ["norm"]
