"""Probabilistic losses: the cross-entropies, KL divergence and Poisson.

Each is a per-sample function and a ``Loss`` class around it (Keras 3 names and defaults).
Cross-entropies on the output of a softmax or sigmoid score the logits that output
remembers (``y_pred._logits``), which is exact and stable.
"""
import warnings

import numpy as np

from lamina import ops
from lamina.autodiff.tensor import Tensor
from lamina.losses.loss import (
    _affine,
    _as_pred,
    _check_smoothing,
    _logits_of,
    _prepare,
    _Wrapped,
)
from lamina.ops import losses as fused
from lamina.ops.activations import LogSoftmax, activate


def kl_divergence(y_true, y_pred):
    """Per-sample ``sum(y_true * log(y_true / y_pred), axis=-1)``, both clipped to [eps, 1].

    >>> kl_divergence([[0.5, 0.5]], [[0.25, 0.75]]).data  # doctest: +ELLIPSIS
    array([0.1438...], dtype=float32)
    """
    t, p = _prepare("kl_divergence", y_true, y_pred)
    return fused.pointwise_loss(p, t, "kld", reduce="sum")


def poisson(y_true, y_pred):
    """Per-sample ``mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)``."""
    t, p = _prepare("poisson", y_true, y_pred)
    return fused.pointwise_loss(p, t, "poisson")


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Per-sample mean over ``axis`` of the elementwise binary cross-entropy.

    Labels are smoothed towards 0.5: ``y * (1 - label_smoothing) + 0.5 * label_smoothing``.
    Probabilities are clipped to ``[epsilon, 1 - epsilon]``; a sigmoid output is scored
    from its logits instead (exact and stable).

    >>> binary_crossentropy([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]).data.round(3)
    array([0.916, 0.714], dtype=float32)
    """
    t, p = _prepare("binary_crossentropy", y_true, y_pred, same_shape=True)
    if label_smoothing:
        t = _affine(t, 1.0 - label_smoothing, 0.5 * label_smoothing)
    z = p if from_logits else _logits_of(p, "sigmoid")
    if z is not None:
        return fused.pointwise_loss(z, t, "sigmoid_bce", axis=axis)
    return fused.pointwise_loss(p, t, "bce", axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Per-sample ``-sum(y_true * log(y_pred), axis)`` for one-hot (or soft) labels.

    Labels are smoothed as ``y * (1 - label_smoothing) + label_smoothing / num_classes``.
    Probabilities are first divided by their sum along ``axis``, then clipped to
    ``[epsilon, 1 - epsilon]``; a softmax output is scored from its logits instead.

    >>> y_pred = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
    >>> categorical_crossentropy([[0, 1, 0], [0, 0, 1]], y_pred).data.round(4)
    array([0.0513, 2.3026], dtype=float32)
    """
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        msg = f"categorical_crossentropy: `axis` must be an int, got {axis!r}"
        raise ValueError(msg)  # noqa: TRY004 - the error Keras raises
    t, p = _prepare("categorical_crossentropy", y_true, y_pred, same_shape=True)
    if p.shape and p.shape[-1] == 1:
        warnings.warn("In loss categorical_crossentropy, expected y_pred.shape to be "
                      f"(batch_size, num_classes) with num_classes > 1. Received: "
                      f"y_pred.shape={p.shape}. Consider using 'binary_crossentropy' if you "
                      "only have 2 classes.", SyntaxWarning, stacklevel=2)
    if label_smoothing:
        t = _affine(t, 1.0 - label_smoothing, label_smoothing / p.shape[axis])
    z = p if from_logits else _logits_of(p, "softmax", axis)
    if z is None:
        return fused.CategoricalCrossentropyProbs.apply(p, t, axis=axis)
    if isinstance(t, Tensor):  # a target that needs a gradient: -sum(t * log_softmax(z))
        return ops.negative(ops.sum(ops.multiply(t, activate(z, LogSoftmax(axis))), axis=axis))
    return ops.softmax_cross_entropy(z, t, axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None,
                                    axis=-1):
    """Per-sample cross-entropy for integer labels of shape ``y_pred.shape[:-1]`` (or with a
    trailing 1). Labels equal to ``ignore_class`` get loss 0 and are left out of the mean.

    >>> sparse_categorical_crossentropy([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]).data.round(4)
    array([0.0513, 2.3026], dtype=float32)
    """
    p = _as_pred(y_pred)
    labels = np.asarray(y_true.data if isinstance(y_true, Tensor) else y_true)
    if labels.ndim == p.ndim and labels.shape[-1] == 1:
        labels = labels.reshape(labels.shape[:-1])
    ax = axis % p.ndim
    expected = p.shape[:ax] + p.shape[ax + 1:]
    if labels.shape != expected:
        raise ValueError(f"sparse_categorical_crossentropy: y_true of shape {labels.shape} does "
                         f"not match y_pred of shape {p.shape}; expected labels of shape "
                         f"{expected} (or {expected + (1,)})")
    valid = None
    if ignore_class is not None:
        valid = labels != ignore_class
        labels = np.where(valid, labels, 0)
    labels = labels.astype(np.intp, copy=False)
    n = p.shape[ax]
    if labels.size and (labels.min() < 0 or labels.max() >= n):
        bad = labels.min() if labels.min() < 0 else labels.max()
        raise ValueError(f"sparse_categorical_crossentropy: labels must be integers in [0, {n}) "
                         f"for y_pred with {n} classes; got {bad}")
    if ax != p.ndim - 1:  # classes on another axis: score one-hot labels there
        onehot = np.moveaxis(np.eye(n, dtype=p.dtype)[labels], -1, axis)
        res = categorical_crossentropy(onehot, y_pred, from_logits=from_logits, axis=axis)
    else:
        z = p if from_logits else _logits_of(p, "softmax", -1)
        if z is not None:
            res = ops.sparse_softmax_cross_entropy(z, labels)
        else:
            res = fused.SparseCategoricalCrossentropyProbs.apply(p, labels)
    if valid is not None:
        res = ops.multiply(res, valid.astype(res.dtype))
        res._keras_mask = valid
    return res


class KLDivergence(_Wrapped):
    """``y_true * log(y_true / y_pred)`` summed over the last axis."""

    _fn = staticmethod(kl_divergence)

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class Poisson(_Wrapped):
    """``y_pred - y_true * log(y_pred)``."""

    _fn = staticmethod(poisson)

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class BinaryCrossentropy(_Wrapped):
    """Cross-entropy for 0/1 labels.

    >>> bce = BinaryCrossentropy(from_logits=True)
    >>> round(float(bce(np.array([0, 1, 0, 0]), np.array([-18.6, 0.51, 2.94, -12.8])).data), 3)
    0.865
    """

    _fn = staticmethod(binary_crossentropy)
    _params = ("from_logits", "label_smoothing", "axis")

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="binary_crossentropy", dtype=None):
        _check_smoothing("BinaryCrossentropy", label_smoothing)
        super().__init__(reduction=reduction, name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class CategoricalCrossentropy(_Wrapped):
    """Cross-entropy for one-hot labels.

    >>> cce = CategoricalCrossentropy()
    >>> round(float(cce([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]).data), 3)
    1.177
    """

    _fn = staticmethod(categorical_crossentropy)
    _params = ("from_logits", "label_smoothing", "axis")

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_crossentropy", dtype=None):
        _check_smoothing("CategoricalCrossentropy", label_smoothing)
        super().__init__(reduction=reduction, name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(_Wrapped):
    """Cross-entropy for integer labels.

    >>> scce = SparseCategoricalCrossentropy()
    >>> round(float(scce([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]).data), 3)
    1.177
    """

    _fn = staticmethod(sparse_categorical_crossentropy)
    _params = ("from_logits", "ignore_class")

    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size",
                 name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype, from_logits=from_logits,
                         ignore_class=ignore_class)
