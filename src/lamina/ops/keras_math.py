"""Keras 3's ``keras.ops`` math ops (``keras/src/ops/math.py``) on lamina Tensors:
``erf``, ``rsqrt``, ``logsumexp``, ``top_k`` and ``in_top_k``.

``logsumexp``, ``top_k`` and ``in_top_k`` are served by ``lamina.ops.keras_nn`` as well,
where they were first written; Keras files them under math, so they live here.
"""
import math

import numpy as np

from lamina.autodiff.tensor import Function
from lamina.ops.keras_core import _const, _d, _ft, _t
from lamina.ops.keras_numpy import _elementwise
from lamina.ops.keras_numpy_arrays import take_along_axis

_ERF_SCALE = 2.0 / math.sqrt(math.pi)


def _erf(a):
    from lamina.ops.activations import erf as erf_kernel
    return erf_kernel(a)


rsqrt = _elementwise("rsqrt", lambda a: 1 / np.sqrt(a), lambda a, y: -0.5 * y * y * y)
erf = _elementwise("erf", _erf, lambda a, y: _ERF_SCALE * np.exp(-a * a))


class LogSumExp(Function):
    def forward(self, a):
        m = np.max(a, axis=self.axis, keepdims=True)
        m = np.where(np.isfinite(m), m, 0)
        self.a = a
        self.out = m + np.log(np.sum(np.exp(a - m), axis=self.axis, keepdims=True))
        return self.out if self.keepdims else np.squeeze(self.out, self.axis)

    def backward(self, g):
        if not self.keepdims:
            g = np.expand_dims(g, self.axis)
        return g * np.exp(self.a - self.out)


def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) over ``axis``, without overflow; its gradient is softmax."""
    x = _ft(x)
    axes = tuple(range(x.ndim)) if axis is None else \
        tuple(a % x.ndim for a in ((axis,) if isinstance(axis, int) else axis))
    return LogSumExp.apply(x, axis=axes, keepdims=keepdims)


def top_k(x, k, sorted=True):  # noqa: A002 - Keras's argument name
    """(values, indices) of the ``k`` largest entries along the last axis, largest first
    (lower index first on ties); the values are differentiable.

    >>> top_k([[1.0, 3.0, 2.0]], 2)[1]
    Tensor([[1 2]])
    """
    x = _t(x)
    idx = np.argsort(-x.data, axis=-1, kind="stable")[..., :k]
    return take_along_axis(x, idx, axis=-1), _const(idx.astype(np.int32))


def in_top_k(targets, predictions, k):
    """Whether each target class is among the ``k`` highest predictions of its row."""
    p = _d(predictions)
    t = _d(targets).astype(np.intp).reshape(-1)
    score = np.take_along_axis(p, t[:, None], axis=-1)
    return _const((p > score).sum(axis=-1) < k)


__all__ = [
    "erf", "in_top_k", "logsumexp", "rsqrt", "top_k",
]
