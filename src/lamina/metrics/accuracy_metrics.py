"""Accuracy metrics: exact, binary, categorical, sparse categorical and top-k.

Each is a per-sample function on arrays and a ``MeanMetricWrapper`` class around it; the
end of the file holds the rule by which ``metrics.get("accuracy")`` picks one of them.
"""
import numpy as np

from lamina import losses as _losses
from lamina.backend import floatx
from lamina.losses.loss import squeeze_or_expand_to_same_rank
from lamina.metrics.metric import Metric, _arr, _mean_last, _pred, _true, _Wrapped


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


# --- which accuracy "accuracy" means ----------------------------------------------------------

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
