"""Regression metrics: mean squared / absolute / percentage / logarithmic error, their
root, cosine similarity, log-cosh and Huber.

The functions are ``lamina.losses``'s on arrays; the classes average them over batches.
"""
import numpy as np

from lamina import losses as _losses
from lamina.losses.loss import squeeze_or_expand_to_same_rank
from lamina.metrics.metric import Mean, _from_loss, _pred, _true, _Wrapped

mean_squared_error = _from_loss(_losses.mean_squared_error)
mean_absolute_error = _from_loss(_losses.mean_absolute_error)
mean_absolute_percentage_error = _from_loss(_losses.mean_absolute_percentage_error)
mean_squared_logarithmic_error = _from_loss(_losses.mean_squared_logarithmic_error)
log_cosh = _from_loss(_losses.log_cosh)
huber = _from_loss(_losses.huber)
# the metric is the similarity itself (1 for aligned vectors), the loss its negative
cosine_similarity = _from_loss(_losses.cosine_similarity, "cosine_similarity", sign=-1.0)


class MeanSquaredError(_Wrapped):
    """Mean squared error over all samples seen.

    >>> m = MeanSquaredError()
    >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    >>> m.result()
    0.25
    """

    _fn_static = staticmethod(mean_squared_error)

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)


class MeanAbsoluteError(_Wrapped):
    """Mean absolute error over all samples seen."""

    _fn_static = staticmethod(mean_absolute_error)

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(name=name, dtype=dtype)


class MeanAbsolutePercentageError(_Wrapped):
    """Mean absolute percentage error over all samples seen."""

    _fn_static = staticmethod(mean_absolute_percentage_error)

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(name=name, dtype=dtype)


class MeanSquaredLogarithmicError(_Wrapped):
    """Mean squared logarithmic error over all samples seen."""

    _fn_static = staticmethod(mean_squared_logarithmic_error)

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(name=name, dtype=dtype)


class CosineSimilarity(_Wrapped):
    """Mean cosine similarity between labels and predictions (1 when aligned)."""

    _fn_static = staticmethod(cosine_similarity)
    _params = ("axis",)

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(name=name, dtype=dtype, axis=axis)


class LogCoshError(_Wrapped):
    """Mean of ``log(cosh(y_pred - y_true))``."""

    _fn_static = staticmethod(log_cosh)

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(name=name, dtype=dtype)


class RootMeanSquaredError(Mean):
    """``sqrt`` of the mean squared error over all samples seen.

    >>> m = RootMeanSquaredError()
    >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    >>> m.result()
    0.5
    """

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        p = _pred(y_pred)
        t, p = squeeze_or_expand_to_same_rank(_true(y_true, p), p)
        super().update_state(np.square(p - t), sample_weight)

    def result(self):
        return float(np.sqrt(super().result()))
