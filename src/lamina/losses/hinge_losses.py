"""Hinge losses for -1/1 (or 0/1) labels: hinge, squared hinge, categorical hinge.

Each is a per-sample function and a ``Loss`` class around it (Keras 3 names and defaults).
"""
import numpy as np

from lamina.autodiff.tensor import Tensor
from lamina.losses.loss import _affine, _prepare, _Wrapped
from lamina.ops import losses as fused


def _hinge_labels(t):
    """Binary labels {0, 1} become {-1, 1}; other labels are used as given (as Keras)."""
    data = t.data if isinstance(t, Tensor) else t
    if np.all((data == 0) | (data == 1)):
        return _affine(t, 2.0, -1.0)
    return t


def hinge(y_true, y_pred):
    """Per-sample ``mean(maximum(1 - y_true * y_pred, 0), axis=-1)``; 0/1 labels become -1/1.

    >>> hinge([[0.0, 1.0]], [[-0.5, 0.5]]).data
    array([0.5], dtype=float32)
    """
    t, p = _prepare("hinge", y_true, y_pred)
    return fused.pointwise_loss(p, _hinge_labels(t), "hinge")


def squared_hinge(y_true, y_pred):
    """Per-sample ``mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)``."""
    t, p = _prepare("squared_hinge", y_true, y_pred)
    return fused.pointwise_loss(p, _hinge_labels(t), "hinge", squared=True)


def categorical_hinge(y_true, y_pred):
    """Per-sample ``maximum(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)``.

    >>> categorical_hinge([[0.0, 1.0]], [[0.3, 0.6]]).data
    array([0.7], dtype=float32)
    """
    t, p = _prepare("categorical_hinge", y_true, y_pred, same_shape=True)
    return fused.CategoricalHinge.apply(p, t)


class Hinge(_Wrapped):
    """``maximum(1 - y_true * y_pred, 0)``; labels 0/1 are converted to -1/1."""

    _fn = staticmethod(hinge)

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class SquaredHinge(_Wrapped):
    """``square(maximum(1 - y_true * y_pred, 0))``; labels 0/1 are converted to -1/1."""

    _fn = staticmethod(squared_hinge)

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class CategoricalHinge(_Wrapped):
    """``maximum(neg - pos + 1, 0)`` with ``neg = max((1 - y_true) * y_pred)``,
    ``pos = sum(y_true * y_pred)``."""

    _fn = staticmethod(categorical_hinge)

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)
