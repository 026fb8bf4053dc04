"""Regression losses: squared, absolute, percentage, logarithmic, cosine, Huber, log-cosh.

Each is a per-sample function and a ``Loss`` class around it (Keras 3 names and defaults).
"""
import numpy as np

from lamina.autodiff.tensor import Tensor
from lamina.losses.loss import _POINTWISE_MEANS, _prepare, _Wrapped
from lamina.ops import losses as fused


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
