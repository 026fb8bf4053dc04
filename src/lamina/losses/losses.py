"""The built-in losses: per-sample functions and the ``Loss`` classes around them.

Regression (squared, absolute, percentage, logarithmic, cosine, Huber, log-cosh), hinge,
then probabilistic (KL divergence, Poisson, the cross-entropies); each function maps
``(y_true, y_pred)`` to per-sample losses, each class wraps one with Keras 3's name and
defaults. Cross-entropies on the output of a softmax or sigmoid score the logits that
output remembers (``y_pred._logits``), which is exact and stable.
"""
import warnings

import numpy as np

from lamina import ops
from lamina.autodiff.tensor import Tensor
from lamina.losses.loss import (
    _POINTWISE_MEANS,
    _affine,
    _as_pred,
    _check_smoothing,
    _logits_of,
    _prepare,
    _Wrapped,
)
from lamina.ops import losses as fused
from lamina.ops.activations import LogSoftmax, activate

# --- loss functions (per-sample) ----------------------------------------------------------

def mean_squared_error(y_true, y_pred):
    """Per-sample ``mean(square(y_true - y_pred), axis=-1)``.

    >>> mean_squared_error([[0.0, 1.0]], [[1.0, 1.0]]).data
    array([0.5], dtype=float32)
    """
    t, p = _prepare("mean_squared_error", y_true, y_pred)
    return fused.pointwise_loss(p, t, "mse")


def mean_absolute_error(y_true, y_pred):
    """Per-sample ``mean(abs(y_true - y_pred), axis=-1)``.

    >>> mean_absolute_error([[0.0, 1.0]], [[1.0, 1.0]]).data
    array([0.5], dtype=float32)
    """
    t, p = _prepare("mean_absolute_error", y_true, y_pred)
    return fused.pointwise_loss(p, t, "mae")


def mean_absolute_percentage_error(y_true, y_pred):
    """Per-sample ``100 * mean(abs((y_true - y_pred) / maximum(abs(y_true), epsilon)))``.

    >>> mean_absolute_percentage_error([[2.0, 4.0]], [[1.0, 4.0]]).data
    array([25.], dtype=float32)
    """
    t, p = _prepare("mean_absolute_percentage_error", y_true, y_pred)
    return fused.pointwise_loss(p, t, "mape")


def mean_squared_logarithmic_error(y_true, y_pred):
    """Per-sample ``mean(square(log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1)))``."""
    t, p = _prepare("mean_squared_logarithmic_error", y_true, y_pred)
    return fused.pointwise_loss(p, t, "msle")


def cosine_similarity(y_true, y_pred, axis=-1):
    """Per-sample ``-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)``; 0 for zero vectors.

    >>> cosine_similarity([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]]).data.round(4)
    array([-0., -1.], dtype=float32)
    """
    t, p = _prepare("cosine_similarity", y_true, y_pred)
    if not isinstance(t, Tensor) and t.shape != p.shape:
        t = np.broadcast_to(t, p.shape)
    return fused.CosineSimilarity.apply(p, t, axis=axis)


def huber(y_true, y_pred, delta=1.0):
    """Per-sample mean of ``0.5 x^2`` where ``|x| <= delta`` else ``delta |x| - 0.5 delta^2``,
    with ``x = y_pred - y_true``.

    >>> float(huber([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]).data.mean())  # doctest: +ELLIPSIS
    0.155...
    """
    t, p = _prepare("huber", y_true, y_pred)
    return fused.pointwise_loss(p, t, "huber", delta=float(delta))


def log_cosh(y_true, y_pred):
    """Per-sample ``mean(log(cosh(y_pred - y_true)), axis=-1)``, computed stably.

    >>> float(log_cosh([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]]).data.mean())
    ... # doctest: +ELLIPSIS
    0.108...
    """
    t, p = _prepare("log_cosh", y_true, y_pred)
    return fused.pointwise_loss(p, t, "log_cosh")


# these are the mean of an elementwise kernel: the wrapper scores them in one fused op
_POINTWISE_MEANS.update({mean_squared_error: "mse", mean_absolute_error: "mae",
                         mean_absolute_percentage_error: "mape",
                         mean_squared_logarithmic_error: "msle", log_cosh: "log_cosh"})


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


# --- Loss classes ----------------------------------------------------------------------------

class MeanSquaredError(_Wrapped):
    """``mean(square(y_true - y_pred))``.

    >>> float(MeanSquaredError()([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]).data)
    0.5
    """

    _fn = staticmethod(mean_squared_error)

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class MeanAbsoluteError(_Wrapped):
    """``mean(abs(y_true - y_pred))``.

    >>> float(MeanAbsoluteError()([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]).data)
    0.5
    """

    _fn = staticmethod(mean_absolute_error)

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class MeanAbsolutePercentageError(_Wrapped):
    """``100 * mean(abs((y_true - y_pred) / y_true))``, dividing by at least epsilon."""

    _fn = staticmethod(mean_absolute_percentage_error)

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_percentage_error",
                 dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(_Wrapped):
    """``mean(square(log(y_true + 1) - log(y_pred + 1)))``, inputs floored at epsilon."""

    _fn = staticmethod(mean_squared_logarithmic_error)

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_logarithmic_error",
                 dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class CosineSimilarity(_Wrapped):
    """``-sum(l2_norm(y_true) * l2_norm(y_pred), axis)``: -1 for aligned vectors."""

    _fn = staticmethod(cosine_similarity)
    _params = ("axis",)

    def __init__(self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity",
                 dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype, axis=axis)


class Huber(_Wrapped):
    """Quadratic for ``|error| <= delta``, linear beyond.

    >>> float(Huber()([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]).data)  # doctest: +ELLIPSIS
    0.155...
    """

    _fn = staticmethod(huber)
    _params = ("delta",)

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss", dtype=None):
        if not delta > 0:
            raise ValueError(f"Huber: `delta` must be > 0, got {delta!r}")
        super().__init__(reduction=reduction, name=name, dtype=dtype, delta=delta)


class LogCosh(_Wrapped):
    """``mean(log(cosh(y_pred - y_true)))``."""

    _fn = staticmethod(log_cosh)

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


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
