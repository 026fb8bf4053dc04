"""Stateful metrics with Keras 3 names and semantics, computed on NumPy arrays outside the graph.

A metric accumulates over batches and reports the running value::

    from lamina import metrics
    m = metrics.get("accuracy", loss="binary_crossentropy")   # a BinaryAccuracy named "accuracy"
    m.update_state(y_true, y_pred)          # NumPy arrays (Tensors are read as arrays)
    m.result()                              # a Python float
    m.reset_state()

``get`` resolves ``"accuracy"``/``"acc"`` from the loss (or, failing that, from the shapes)
and names every metric as Keras reports it in logs: the string the user wrote, else the
metric's own name.
"""
import inspect

import numpy as np

from lamina import losses as _losses
from lamina.autodiff.tensor import Tensor, no_grad
from lamina.backend import epsilon, floatx
from lamina.losses import _snake, squeeze_or_expand_to_same_rank
from lamina.utils.serialization import function_config, object_config

NEG_INF = -1e10


def _arr(x):
    return x.data if isinstance(x, Tensor) else np.asarray(x)


def _pred(y_pred):
    p = _arr(y_pred)
    return p if p.dtype.kind == "f" else p.astype(floatx())


def _true(y_true, p):
    t = _arr(y_true)
    return t if t.dtype == p.dtype else t.astype(p.dtype)


def _mean_last(x):
    return x.mean(axis=-1) if x.ndim else x


# --- metric functions (per-sample values, on arrays) -----------------------------------------

def accuracy(y_true, y_pred):
    """Per-sample fraction of exact matches over the last axis.

    >>> accuracy([[1], [2]], [[1], [3]])
    array([1., 0.], dtype=float32)
    """
    p = _pred(y_pred)
    t, p = squeeze_or_expand_to_same_rank(_true(y_true, p), p)
    return _mean_last((t == p).astype(floatx()))


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """Per-sample fraction of ``(y_pred > threshold) == y_true`` over the last axis.

    >>> binary_accuracy([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
    array([1., 1., 1., 0.], dtype=float32)
    """
    p = _pred(y_pred)
    t, p = squeeze_or_expand_to_same_rank(_true(y_true, p), p)
    return _mean_last((t == (p > threshold).astype(t.dtype)).astype(floatx()))


def categorical_accuracy(y_true, y_pred):
    """1 where ``argmax(y_true) == argmax(y_pred)`` (one-hot labels), per sample.

    >>> categorical_accuracy([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    array([0., 1.], dtype=float32)
    """
    p = _pred(y_pred)
    t = np.argmax(_arr(y_true), axis=-1)
    shape = t.shape
    if t.ndim == p.ndim:  # labels came with an extra axis
        t = t.reshape(t.shape[:-1]) if t.shape[-1] == 1 else t
    matches = (t == np.argmax(p, axis=-1)).astype(floatx())
    return matches.reshape(shape) if matches.size == int(np.prod(shape)) else matches


def sparse_categorical_accuracy(y_true, y_pred):
    """1 where the integer label equals ``argmax(y_pred)``, per sample.

    >>> sparse_categorical_accuracy([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
    array([0., 1.], dtype=float32)
    """
    p = _pred(y_pred)
    t = _true(y_true, p)
    if t.ndim == p.ndim and t.shape and t.shape[-1] == 1:
        t = t.reshape(t.shape[:-1])
    return (t == np.argmax(p, axis=-1)).astype(floatx())


def _in_top_k(targets, pred, k):
    """Whether each target's score is among the ``k`` largest (ties at the boundary count)."""
    n = pred.shape[-1]
    targets = targets.astype(np.intp)
    if k <= 0:
        return np.zeros(targets.shape, bool)
    if np.any((targets < 0) | (targets >= n)):
        raise ValueError(f"top-k accuracy: labels must be in [0, {n}); got {targets.min()} .. "
                         f"{targets.max()}")
    score = np.take_along_axis(pred, targets[:, None], -1)[:, 0]
    if k >= n:
        return np.ones(targets.shape, bool)
    kth = np.partition(pred, n - k, axis=-1)[:, n - k]
    return score >= kth


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1 where the one-hot label's class is among the ``k`` highest predictions.

    >>> top_k_categorical_accuracy([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], k=1)
    array([0., 1.], dtype=float32)
    """
    p = _pred(y_pred)
    t = np.argmax(_arr(y_true), axis=-1)
    return _in_top_k(t.reshape(-1), p.reshape(-1, p.shape[-1]), k).astype(floatx()).reshape(t.shape)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1 where the integer label is among the ``k`` highest predictions.

    >>> sparse_top_k_categorical_accuracy([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], k=1)
    array([0., 1.], dtype=float32)
    """
    p = _pred(y_pred)
    t = _arr(y_true)
    return _in_top_k(t.reshape(-1), p.reshape(-1, p.shape[-1]), k).astype(floatx()).reshape(t.shape)


def _from_loss(loss_fn, name=None, sign=1.0):
    """A metric function on arrays from a loss function on Tensors (no graph recorded)."""
    def fn(y_true, y_pred, **kwargs):
        with no_grad():
            out = loss_fn(_arr(y_true), _pred(y_pred), **kwargs).data
        return -out if sign < 0 else out
    fn.__name__ = fn.__qualname__ = name or loss_fn.__name__
    fn.__doc__ = f"``lamina.losses.{loss_fn.__name__}`` on arrays, returning an array."
    return fn


mean_squared_error = _from_loss(_losses.mean_squared_error)
mean_absolute_error = _from_loss(_losses.mean_absolute_error)
mean_absolute_percentage_error = _from_loss(_losses.mean_absolute_percentage_error)
mean_squared_logarithmic_error = _from_loss(_losses.mean_squared_logarithmic_error)
log_cosh = _from_loss(_losses.log_cosh)
huber = _from_loss(_losses.huber)
hinge = _from_loss(_losses.hinge)
squared_hinge = _from_loss(_losses.squared_hinge)
categorical_hinge = _from_loss(_losses.categorical_hinge)
kl_divergence = _from_loss(_losses.kl_divergence)
poisson = _from_loss(_losses.poisson)
binary_crossentropy = _from_loss(_losses.binary_crossentropy)
categorical_crossentropy = _from_loss(_losses.categorical_crossentropy)
sparse_categorical_crossentropy = _from_loss(_losses.sparse_categorical_crossentropy)
# the metric is the similarity itself (1 for aligned vectors), the loss its negative
cosine_similarity = _from_loss(_losses.cosine_similarity, "cosine_similarity", sign=-1.0)
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh


# --- base classes ------------------------------------------------------------------------------

class Metric:
    """Base class: ``update_state(...)`` accumulates, ``result()`` reports, ``reset_state()``
    clears. Calling a metric updates it and returns the result."""

    def __init__(self, name=None, dtype=None):
        self.name = name or _snake(type(self).__name__)
        self._dtype = dtype or floatx()

    @property
    def dtype(self):
        return self._dtype

    def update_state(self, *args, **kwargs):
        raise NotImplementedError

    def result(self):
        raise NotImplementedError

    def add_variable(self, shape=(), initializer="zeros", dtype=None, aggregation="sum",
                     name=None):
        """A state variable, as Keras 3's ``Metric.add_variable``; the default
        ``reset_state`` sets every one back to its initial value.

        >>> self.true_positives = self.add_variable(shape=(), name="tp")  # in __init__
        """
        from lamina import initializers
        from lamina.autodiff.variable import Variable
        dtype = dtype or self._dtype
        init = initializers.get(initializer)
        var = Variable(init(tuple(int(d) for d in shape), dtype=dtype), name=name,
                       trainable=False, dtype=dtype)
        self.__dict__.setdefault("_state", []).append((var, init))
        return var

    add_weight = add_variable

    @property
    def variables(self):
        return [var for var, _ in self.__dict__.get("_state", [])]

    def reset_state(self):
        state = self.__dict__.get("_state")
        if not state:
            raise NotImplementedError(f"{type(self).__name__}: define reset_state(), or create "
                                      "the metric's state with self.add_variable(...)")
        for var, init in state:
            var.assign(init(var.shape, dtype=var.data.dtype))

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        return {"name": self.name, "dtype": self._dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


def _samplewise(values, sample_weight, reduce_fn):
    """Keras's reduce_to_samplewise_values: (per-sample values, per-sample weights or None)."""
    v = np.asarray(_arr(values), dtype=np.float64)
    sw = None
    if sample_weight is not None:
        sw = np.asarray(_arr(sample_weight), dtype=np.float64)
        v, sw = squeeze_or_expand_to_same_rank(v, sw)
        if v.ndim > sw.ndim:
            v = reduce_fn(v, axis=tuple(range(sw.ndim, v.ndim)))
        try:
            v, sw = np.broadcast_arrays(v, sw)
        except ValueError:
            raise ValueError(f"sample_weight of shape {sw.shape} does not match values of shape "
                             f"{v.shape}") from None
        v = v * sw
        if sw.ndim > 1:
            sw = reduce_fn(sw, axis=tuple(range(1, sw.ndim)))
    if v.ndim > 1:
        v = reduce_fn(v, axis=tuple(range(1, v.ndim)))
    return v, sw


class Mean(Metric):
    """The (weighted) mean of the values given.

    >>> m = Mean()
    >>> m.update_state([1, 3, 5, 7])
    >>> m.result()
    4.0
    >>> m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])  # adds 4 / 2
    >>> m.result()
    3.3333333333333335
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.reset_state()

    def reset_state(self):
        self.total = 0.0
        self.count = 0.0

    def update_state(self, values, sample_weight=None):
        v, sw = _samplewise(values, sample_weight, np.mean)
        self.total += float(v.sum())
        if sw is not None:
            self.count += float(sw.sum())
        else:
            self.count += v.shape[0] if v.ndim else 1

    def result(self):
        return self.total / self.count if self.count else 0.0


class Sum(Metric):
    """The (weighted) sum of the values given.

    >>> m = Sum()
    >>> m.update_state([1, 3, 5, 7])
    >>> m.result()
    16.0
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.reset_state()

    def reset_state(self):
        self.total = 0.0

    def update_state(self, values, sample_weight=None):
        v, _ = _samplewise(values, sample_weight, np.sum)
        self.total += float(v.sum())

    def result(self):
        return self.total


class MeanMetricWrapper(Mean):
    """The mean of ``fn(y_true, y_pred, **kwargs)`` (per-sample values) over all samples seen.

    >>> m = MeanMetricWrapper(mean_absolute_error, name="mae")
    >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    >>> m.result()
    0.25
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        if not callable(fn):
            raise TypeError(f"MeanMetricWrapper: `fn` must be callable, got {fn!r}")
        super().__init__(name=name or getattr(fn, "__name__", None) or "mean_metric_wrapper",
                         dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        mask = getattr(y_pred, "_keras_mask", None)
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        if mask is not None:  # masked steps count with weight 0
            mask = _arr(mask).astype(np.float64)
            sample_weight = mask if sample_weight is None else \
                np.multiply(*np.broadcast_arrays(_arr(sample_weight), mask))
        super().update_state(values, sample_weight)

    def get_config(self):
        config = super().get_config()
        config["fn"] = getattr(self._fn, "__name__", None)
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("fn"), str):
            config["fn"] = _function(config["fn"])
        return cls(**config)


class _Wrapped(MeanMetricWrapper):
    """A built-in metric over a fixed function; its config is name, dtype and its arguments."""

    _fn_static = None
    _params = ()

    def __init__(self, name=None, dtype=None, **kwargs):
        super().__init__(type(self)._fn_static, name=name, dtype=dtype, **kwargs)
        for k, v in kwargs.items():
            setattr(self, k, v)

    def get_config(self):
        config = Metric.get_config(self)
        config.update({k: getattr(self, k) for k in self._params})
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class Accuracy(_Wrapped):
    """How often predictions equal labels.

    >>> m = Accuracy()
    >>> m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]])
    >>> m.result()
    0.75
    """

    _fn_static = staticmethod(accuracy)

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(name=name, dtype=dtype)


class BinaryAccuracy(_Wrapped):
    """How often ``y_pred > threshold`` matches 0/1 labels.

    >>> m = BinaryAccuracy()
    >>> m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
    >>> m.result()
    0.75
    """

    _fn_static = staticmethod(binary_accuracy)
    _params = ("threshold",)

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        # any float, as in Keras: threshold=0.0 is the usual one for logits
        super().__init__(name=name, dtype=dtype, threshold=threshold)


class CategoricalAccuracy(_Wrapped):
    """How often ``argmax(y_pred)`` matches one-hot labels.

    >>> m = CategoricalAccuracy()
    >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]],
    ...                sample_weight=[0.7, 0.3])
    >>> round(m.result(), 6)
    0.3
    """

    _fn_static = staticmethod(categorical_accuracy)

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(name=name, dtype=dtype)


class SparseCategoricalAccuracy(_Wrapped):
    """How often ``argmax(y_pred)`` matches integer labels."""

    _fn_static = staticmethod(sparse_categorical_accuracy)

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(name=name, dtype=dtype)


class TopKCategoricalAccuracy(_Wrapped):
    """How often the one-hot label is among the ``k`` highest predictions."""

    _fn_static = staticmethod(top_k_categorical_accuracy)
    _params = ("k",)

    def __init__(self, name="top_k_categorical_accuracy", dtype=None, k=5):
        super().__init__(name=name, dtype=dtype, k=k)


class SparseTopKCategoricalAccuracy(_Wrapped):
    """How often the integer label is among the ``k`` highest predictions."""

    _fn_static = staticmethod(sparse_top_k_categorical_accuracy)
    _params = ("k",)

    def __init__(self, name="sparse_top_k_categorical_accuracy", dtype=None, k=5):
        super().__init__(name=name, dtype=dtype, k=k)


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


class Hinge(_Wrapped):
    """Mean hinge loss."""

    _fn_static = staticmethod(hinge)

    def __init__(self, name="hinge", dtype=None):
        super().__init__(name=name, dtype=dtype)


class SquaredHinge(_Wrapped):
    """Mean squared hinge loss."""

    _fn_static = staticmethod(squared_hinge)

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(name=name, dtype=dtype)


class CategoricalHinge(_Wrapped):
    """Mean categorical hinge loss."""

    _fn_static = staticmethod(categorical_hinge)

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(name=name, dtype=dtype)


class KLDivergence(_Wrapped):
    """Mean Kullback-Leibler divergence."""

    _fn_static = staticmethod(kl_divergence)

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(name=name, dtype=dtype)


class Poisson(_Wrapped):
    """Mean Poisson loss."""

    _fn_static = staticmethod(poisson)

    def __init__(self, name="poisson", dtype=None):
        super().__init__(name=name, dtype=dtype)


class BinaryCrossentropy(_Wrapped):
    """Mean binary cross-entropy."""

    _fn_static = staticmethod(binary_crossentropy)
    _params = ("from_logits", "label_smoothing")

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0):
        super().__init__(name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)


class CategoricalCrossentropy(_Wrapped):
    """Mean categorical cross-entropy."""

    _fn_static = staticmethod(categorical_crossentropy)
    _params = ("from_logits", "label_smoothing", "axis")

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0, axis=-1):
        super().__init__(name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(_Wrapped):
    """Mean sparse categorical cross-entropy."""

    _fn_static = staticmethod(sparse_categorical_crossentropy)
    _params = ("from_logits", "axis")

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False,
                 axis=-1):
        super().__init__(name=name, dtype=dtype, from_logits=from_logits, axis=axis)


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


# --- confusion-matrix metrics ------------------------------------------------------------------

def _thresholds_arg(thresholds, default):
    if thresholds is None:
        return [default]
    values = list(np.ravel(thresholds).tolist()) if not np.isscalar(thresholds) else [thresholds]
    bad = [t for t in values if t is None or not 0 <= t <= 1]
    if bad:
        raise ValueError(f"Threshold values must be in [0, 1]. Received: {bad}")
    return [float(t) for t in values]


def _evenly_distributed(thresholds):
    n = len(thresholds)
    if n < 3:
        return False
    return bool(np.allclose(thresholds, np.arange(n, dtype=np.float32) / (n - 1), atol=epsilon()))


def _filter_top_k(x, k):
    """Keep the ``k`` largest values of the last axis (lower index wins ties); others NEG_INF."""
    idx = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    keep = np.zeros(x.shape, bool)
    np.put_along_axis(keep, idx, True, -1)
    return np.where(keep, x, np.float32(NEG_INF)).astype(x.dtype)


def confusion_counts(y_true, y_pred, thresholds, evenly=False, top_k=None, class_id=None,
                     sample_weight=None, multi_label=False, label_weights=None):
    """Weighted (tp, fp, tn, fn) at each threshold (a prediction is positive if ``> t``).

    Arrays of shape ``(len(thresholds),)``, or ``(len(thresholds), labels)`` with
    ``multi_label``. With ``evenly`` (thresholds ``i / (n - 1)``, the ends possibly nudged
    by epsilon) predictions are bucketed as Keras does: O(N + T) instead of O(N * T).
    """
    p = _arr(y_pred).astype(np.float32)
    t = _arr(y_true).astype(np.float32)
    p, t = squeeze_or_expand_to_same_rank(p, t)
    if p.shape != t.shape:
        raise ValueError(f"y_true of shape {t.shape} does not match y_pred of shape {p.shape}")
    sw = None
    if sample_weight is not None:
        sw = np.expand_dims(_arr(sample_weight).astype(np.float64), -1)
        _, sw = squeeze_or_expand_to_same_rank(t, sw, expand_rank_1=False)
    if top_k is not None:
        p = _filter_top_k(p, top_k)
    if class_id is not None:
        if p.ndim == 1:
            raise ValueError("When class_id is provided, y_pred must be a 2D array with shape "
                             f"(num_samples, num_classes), found shape: {p.shape}")
        if sw is not None and sw.ndim == p.ndim and sw.shape[-1] == p.shape[-1] > 1:
            sw = sw[..., class_id, None]
        t, p = t[..., class_id, None], p[..., class_id, None]
    try:
        w = np.ones(p.shape) if sw is None else np.broadcast_to(sw, p.shape).astype(np.float64)
    except ValueError:
        raise ValueError(f"sample_weight of shape {np.shape(sample_weight)} cannot be broadcast "
                         f"to y_pred of shape {p.shape}") from None
    if label_weights is not None:
        w = w * np.broadcast_to(np.asarray(label_weights, np.float64), p.shape)
    th = np.asarray(thresholds, np.float32)
    n_th = len(th)
    if evenly:
        b = np.ceil(np.clip(p, 0, 1) * np.float32(n_th - 1)) - 1
        if th[0] < 0 or th[-1] > 1:  # epsilon-nudged ends: every prediction beats the first
            b = np.maximum(b, 0)
        above = (b + 1).astype(np.intp)  # how many thresholds (from the lowest) p exceeds
        order = None
    else:
        order = np.argsort(th, kind="stable")
        above = np.searchsorted(th[order], p, side="left")
    pos = t != 0
    wp, wn = w * pos, w * ~pos
    if multi_label:
        if p.ndim != 2:
            raise ValueError(f"`y_pred` must have rank 2 when `multi_label=True`; got {p.shape}")
        n_lab = p.shape[1]
        bins = (above + (n_th + 1) * np.arange(n_lab)).ravel()
        size = (n_th + 1) * n_lab
        hp = np.bincount(bins, wp.ravel(), size).reshape(n_lab, n_th + 1)
        hn = np.bincount(bins, wn.ravel(), size).reshape(n_lab, n_th + 1)
        tp = np.cumsum(hp[:, ::-1], axis=1)[:, ::-1][:, 1:].T
        fp = np.cumsum(hn[:, ::-1], axis=1)[:, ::-1][:, 1:].T
        total_p, total_n = wp.sum(axis=0), wn.sum(axis=0)
    else:
        above = above.ravel()
        tp = np.cumsum(np.bincount(above, wp.ravel(), n_th + 1)[::-1])[::-1][1:]
        fp = np.cumsum(np.bincount(above, wn.ravel(), n_th + 1)[::-1])[::-1][1:]
        total_p, total_n = wp.sum(), wn.sum()
    if order is not None:  # back to the order the thresholds were given in
        inv = np.empty_like(order)
        inv[order] = np.arange(n_th)
        tp, fp = tp[inv], fp[inv]
    return tp, fp, total_n - fp, total_p - tp


def _div_no_nan(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return np.divide(a, b, out=np.zeros(np.broadcast(a, b).shape), where=b != 0)


def _scalar_or_array(x):
    x = np.asarray(x, np.float64)
    return float(x[0]) if x.shape == (1,) else x


class _ConfusionMetric(Metric):
    """Accumulates tp/fp/tn/fn at ``self.thresholds`` over batches."""

    _default_threshold = 0.5

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default = self._default_threshold if top_k is None else NEG_INF
        self.thresholds = _thresholds_arg(thresholds, default)
        self._evenly = _evenly_distributed(self.thresholds)
        self.reset_state()

    def reset_state(self):
        n = len(self.thresholds)
        self.true_positives = np.zeros(n)
        self.false_positives = np.zeros(n)
        self.true_negatives = np.zeros(n)
        self.false_negatives = np.zeros(n)

    def update_state(self, y_true, y_pred, sample_weight=None):
        tp, fp, tn, fn = confusion_counts(y_true, y_pred, self.thresholds, self._evenly,
                                          self.top_k, self.class_id, sample_weight)
        self.true_positives += tp
        self.false_positives += fp
        self.true_negatives += tn
        self.false_negatives += fn

    def get_config(self):
        config = super().get_config()
        config.update({"thresholds": self.init_thresholds, "top_k": self.top_k,
                       "class_id": self.class_id})
        return config


class _Count(_ConfusionMetric):
    _which = None

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(thresholds=thresholds, name=name, dtype=dtype)

    def result(self):
        return _scalar_or_array(getattr(self, self._which))

    def get_config(self):
        return {**Metric.get_config(self), "thresholds": self.init_thresholds}


class TruePositives(_Count):
    """Weighted count of true positives (prediction ``> threshold``, label nonzero)."""
    _which = "true_positives"


class FalsePositives(_Count):
    """Weighted count of false positives."""
    _which = "false_positives"


class TrueNegatives(_Count):
    """Weighted count of true negatives."""
    _which = "true_negatives"


class FalseNegatives(_Count):
    """Weighted count of false negatives."""
    _which = "false_negatives"


class Precision(_ConfusionMetric):
    """``tp / (tp + fp)``: a float, or an array with one value per threshold.

    >>> m = Precision()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    >>> round(m.result(), 4)
    0.6667
    """

    def result(self):
        return _scalar_or_array(_div_no_nan(self.true_positives,
                                            self.true_positives + self.false_positives))


class Recall(_ConfusionMetric):
    """``tp / (tp + fn)``: a float, or an array with one value per threshold.

    >>> m = Recall()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    >>> round(m.result(), 4)
    0.6667
    """

    def result(self):
        return _scalar_or_array(_div_no_nan(self.true_positives,
                                            self.true_positives + self.false_negatives))


class AUC(Metric):
    """Area under the ROC or PR curve, from tp/fp/tn/fn at ``num_thresholds`` thresholds.

    Thresholds are ``i / (num_thresholds - 1)`` with the ends moved out by epsilon; the
    ROC area uses the trapezoid rule, PR uses Davis & Goadrich interpolation (as Keras).

    >>> m = AUC(num_thresholds=3)
    >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    >>> m.result()
    0.75
    """

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name=None, dtype=None, thresholds=None, multi_label=False, num_labels=None,
                 label_weights=None, from_logits=False):
        curve_key = str(curve).upper()
        if curve_key not in ("ROC", "PR"):
            raise ValueError(f'Invalid AUC curve value: "{curve}". Expected values are '
                             '["PR", "ROC"]')
        method = str(summation_method).lower()
        if method not in ("interpolation", "majoring", "minoring"):
            raise ValueError(f'Invalid AUC summation method value: "{summation_method}". '
                             'Expected values are ["interpolation", "majoring", "minoring"]')
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(_thresholds_arg(thresholds, 0.5))
            self.num_thresholds = len(inner) + 2
            self._evenly = _evenly_distributed([0.0] + inner + [1.0])
        else:
            if not isinstance(num_thresholds, (int, np.integer)) or num_thresholds <= 1:
                raise ValueError("Argument `num_thresholds` must be an integer > 1. "
                                 f"Received: num_thresholds={num_thresholds}")
            self.num_thresholds = int(num_thresholds)
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly = True
        self._thresholds = np.array([0.0 - epsilon()] + inner + [1.0 + epsilon()])
        self.curve = curve_key
        self.summation_method = method
        super().__init__(name=name, dtype=dtype)
        self.multi_label = bool(multi_label)
        self.num_labels = num_labels
        if num_labels and not multi_label:
            raise ValueError("`num_labels` is needed only when `multi_label` is True.")
        self.label_weights = None if label_weights is None else np.asarray(label_weights,
                                                                           np.float64)
        self._from_logits = from_logits
        self._n_labels = num_labels
        self.reset_state()

    @property
    def thresholds(self):
        return list(self._thresholds)

    def reset_state(self):
        shape = (self.num_thresholds,)
        if self.multi_label:
            shape = None if not self._n_labels else (self.num_thresholds, self._n_labels)
        zeros = None if shape is None else np.zeros(shape)
        self.true_positives = zeros
        self.false_positives = None if zeros is None else zeros.copy()
        self.true_negatives = None if zeros is None else zeros.copy()
        self.false_negatives = None if zeros is None else zeros.copy()

    def update_state(self, y_true, y_pred, sample_weight=None):
        p = _pred(y_pred)
        if self._from_logits:
            e = np.exp(-np.abs(p))
            p = np.where(p >= 0, 1 / (1 + e), e / (1 + e))
        counts = confusion_counts(
            y_true, p, self._thresholds, self._evenly, sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights)
        if self.true_positives is None:  # multi-label: sized by the first batch
            self._n_labels = counts[0].shape[1]
            self.reset_state()
        self.true_positives += counts[0]
        self.false_positives += counts[1]
        self.true_negatives += counts[2]
        self.false_negatives += counts[3]

    def _by_label(self, terms):
        if not self.multi_label:
            return float(np.sum(terms))
        per_label = terms.sum(axis=0)
        if self.label_weights is None:
            return float(per_label.mean())
        return float(_div_no_nan((per_label * self.label_weights).sum(), self.label_weights.sum()))

    def _interpolate_pr_auc(self):
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = _div_no_nan(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        both = (p[:-1] > 0) & (p[1:] > 0)
        ratio = np.where(both, _div_no_nan(p[:-1], np.maximum(p[1:], 0)), 1.0)
        return self._by_label(_div_no_nan(slope * (dtp + intercept * np.log(ratio)),
                                          np.maximum(tp[1:] + fn[1:], 0)))

    def result(self):
        if self.true_positives is None:
            return 0.0
        tp, fp, tn, fn = (self.true_positives, self.false_positives, self.true_negatives,
                          self.false_negatives)
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolate_pr_auc()
        recall = _div_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = _div_no_nan(fp, fp + tn), recall
        else:
            x, y = recall, _div_no_nan(tp, tp + fp)
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2
        elif self.summation_method == "minoring":
            heights = np.minimum(y[:-1], y[1:])
        else:
            heights = np.maximum(y[:-1], y[1:])
        return self._by_label((x[:-1] - x[1:]) * heights)

    def get_config(self):
        config = {
            "num_thresholds": self.num_thresholds, "curve": self.curve,
            "summation_method": self.summation_method, "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": None if self.label_weights is None else self.label_weights.tolist(),
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = [float(t) for t in self._thresholds[1:-1]]
        return {**super().get_config(), **config}


# --- lookup ----------------------------------------------------------------------------------

ALL_OBJECTS = (
    Metric, Mean, Sum, MeanMetricWrapper, MeanSquaredError, RootMeanSquaredError,
    MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError,
    CosineSimilarity, LogCoshError, AUC, FalseNegatives, FalsePositives, Precision, Recall,
    TrueNegatives, TruePositives, Hinge, SquaredHinge, CategoricalHinge, KLDivergence, Poisson,
    BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy, Accuracy,
    BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
)
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({_snake(cls.__name__): cls for cls in ALL_OBJECTS})
ALL_OBJECTS_DICT.update({
    "bce": BinaryCrossentropy, "BCE": BinaryCrossentropy,
    "mse": MeanSquaredError, "MSE": MeanSquaredError,
    "mae": MeanAbsoluteError, "MAE": MeanAbsoluteError,
    "mape": MeanAbsolutePercentageError, "MAPE": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError, "MSLE": MeanSquaredLogarithmicError,
    "kld": KLDivergence, "KLD": KLDivergence, "kullback_leibler_divergence": KLDivergence,
    "logcosh": LogCoshError, "log_cosh": LogCoshError, "acc": Accuracy,
    "huber": huber,
})
for _k in ("Metric", "metric", "mean_metric_wrapper"):
    ALL_OBJECTS_DICT.pop(_k)
_FUNCTIONS = {fn.__name__: fn for fn in (
    accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,
    top_k_categorical_accuracy, sparse_top_k_categorical_accuracy, mean_squared_error,
    mean_absolute_error, mean_absolute_percentage_error, mean_squared_logarithmic_error,
    log_cosh, huber, hinge, squared_hinge, categorical_hinge, kl_divergence, poisson,
    binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy,
    cosine_similarity)}


def _function(name, custom_objects=None):
    fn = (custom_objects or {}).get(name, _FUNCTIONS.get(name))
    if fn is None:
        raise ValueError(f"Unknown metric function {name!r}. Valid names are: "
                         f"{', '.join(sorted(_FUNCTIONS))}")
    return fn


def _lookup(name, custom_objects=None):
    obj = (custom_objects or {}).get(name, ALL_OBJECTS_DICT.get(name))
    if obj is None:
        raise ValueError(f"Unknown metric {name!r}. Valid names are: "
                         f"{', '.join(sorted(ALL_OBJECTS_DICT))}")
    return obj


class _AutoAccuracy(Metric):
    """``"accuracy"`` before the shapes are known: becomes Binary, SparseCategorical or
    Categorical accuracy at the first batch, by Keras 3's rule on y_true and y_pred."""

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._metric = None

    def update_state(self, y_true, y_pred, sample_weight=None):
        if self._metric is None:
            cls = _accuracy_class(np.shape(_arr(y_pred)), np.shape(_arr(y_true)))
            self._metric = cls(name=self.name, dtype=self._dtype)
        self._metric.update_state(y_true, y_pred, sample_weight)

    def result(self):
        return 0.0 if self._metric is None else self._metric.result()

    def reset_state(self):
        if self._metric is not None:
            self._metric.reset_state()


def _accuracy_class(output_shape, y_true_shape=None):
    """Keras 3: last dim 1 -> binary; labels of lower rank or last dim 1 -> sparse; else
    categorical."""
    out = tuple(output_shape)
    if not out or out[-1] == 1:
        return BinaryAccuracy
    if y_true_shape is not None:
        yt = tuple(y_true_shape)
        if len(yt) < len(out) or (yt and yt[-1] == 1):
            return SparseCategoricalAccuracy
    return CategoricalAccuracy


def _loss_fn(loss):
    """The loss function behind a loss identifier (name, function, class, instance), or None."""
    try:
        obj = _losses.get(loss)
    except (ValueError, TypeError):
        return None
    return getattr(obj, "fn", obj)


def _accuracy_for(name, loss, output_shape, y_true_shape):
    fn = _loss_fn(loss) if loss is not None and not isinstance(loss, (list, dict)) else None
    cls = {_losses.binary_crossentropy: BinaryAccuracy,
           _losses.sparse_categorical_crossentropy: SparseCategoricalAccuracy,
           _losses.categorical_crossentropy: CategoricalAccuracy}.get(fn)
    if cls is None and output_shape is not None:
        out = tuple(output_shape)
        if not out or out[-1] == 1 or y_true_shape is not None:
            cls = _accuracy_class(out, y_true_shape)
        elif y_true_shape is None:
            return _AutoAccuracy(name=name)  # sparse or one-hot labels: decide on the data
    if cls is None:
        return _AutoAccuracy(name=name)
    return cls(name=name)


def get(identifier, loss=None, output_shape=None, y_true_shape=None):
    """A ``Metric`` instance for ``identifier``, named as it will appear in logs.

    Strings keep the name the user wrote (``"mae"`` logs as ``mae``, ``"mean_absolute_error"``
    as ``mean_absolute_error``, ``"acc"`` as ``acc``). ``"accuracy"``/``"acc"`` resolve as
    Keras does: from ``loss`` (binary / sparse categorical / categorical cross-entropy), else
    from ``output_shape`` (last dim 1: binary), else at the first batch from the shapes of
    ``y_true`` and ``y_pred``. Metric classes are instantiated; functions are wrapped in
    ``MeanMetricWrapper`` named after the function; ``Metric`` instances are returned as is.

    >>> get("accuracy", loss="sparse_categorical_crossentropy")
    <SparseCategoricalAccuracy name=accuracy>
    >>> get("mae").name
    'mae'
    """
    if identifier is None:
        return None
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        if identifier.lower() in ("accuracy", "acc"):
            return _accuracy_for(identifier, loss, output_shape, y_true_shape)
        obj = _lookup(identifier)
        if inspect.isclass(obj):
            metric = obj()
            metric.name = identifier
            return metric
        return MeanMetricWrapper(obj, name=identifier)
    if inspect.isclass(identifier) and issubclass(identifier, Metric):
        return identifier()
    if callable(identifier):
        return MeanMetricWrapper(identifier, name=getattr(identifier, "__name__", None))
    raise ValueError(f"Could not interpret metric identifier: {identifier!r}")


def serialize(metric):
    """A ``Metric`` as a Keras 3 config dict."""
    if isinstance(metric, Metric):
        return object_config(metric, "keras.metrics")
    name = getattr(metric, "__name__", None)
    if name is None:
        raise ValueError(f"Cannot serialize metric {metric!r}")
    return function_config("keras.metrics", name)


def deserialize(config, custom_objects=None):
    """Inverse of ``serialize``; plain names are looked up."""
    if isinstance(config, str):
        obj = _lookup(config, custom_objects)
        return obj() if inspect.isclass(obj) else obj
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Cannot deserialize metric from {config!r}")
    if config["class_name"] == "function":
        return _function(config["config"], custom_objects)
    cls = _lookup(config["class_name"], custom_objects)
    return cls.from_config(config.get("config") or {})
