"""Confusion-matrix metrics: TruePositives ... FalseNegatives, Precision, Recall, AUC.

All count weighted true/false positives/negatives at thresholds (``confusion_counts``)
and accumulate them over batches.
"""
import numpy as np

from lamina.backend import epsilon
from lamina.losses.loss import squeeze_or_expand_to_same_rank
from lamina.metrics.metric import Metric, _arr, _pred

NEG_INF = -1e10


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
