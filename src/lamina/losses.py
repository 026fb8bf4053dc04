"""Loss functions and ``Loss`` classes with Keras 3 names, defaults and reductions.

A loss *function* maps ``(y_true, y_pred)`` to per-sample losses (a Tensor of shape
``(batch,)`` or ``(batch, ...)``); a ``Loss`` *instance* also applies ``sample_weight`` and
reduces to a scalar Tensor that ``backward()`` can start from::

    from lamina import losses
    loss = losses.MeanSquaredError()
    value = loss(y_true, y_pred)          # scalar Tensor; y_pred is a Tensor in the graph
    value.backward()

Each per-sample loss is one fused op (``lamina.ops.losses``), followed by one
``weighted_mean``. Cross-entropies on the output of a softmax or sigmoid use the logits that
output remembers (``y_pred._logits``), which is exact and stable.
"""
import inspect
import re
import warnings

import numpy as np

from lamina import ops
from lamina.autodiff.tensor import Tensor
from lamina.backend import floatx
from lamina.ops import losses as fused
from lamina.ops.activations import LogSoftmax, activate
from lamina.utils.serialization import function_config, object_config

_REDUCTIONS = ("sum_over_batch_size", "sum", None, "none", "mean", "mean_with_sample_weight")


# --- helpers shared by the loss functions ------------------------------------------------

def _as_pred(y_pred, dtype=None):
    """``y_pred`` as a Tensor: Tensors as they are; a float NumPy array keeps its dtype unless
    ``dtype`` is given; anything else (lists, integer arrays) becomes floatx."""
    if isinstance(y_pred, Tensor):
        return y_pred
    if dtype is None and isinstance(y_pred, np.ndarray) and y_pred.dtype.kind == "f":
        return Tensor(y_pred)
    return Tensor(np.asarray(y_pred, dtype=dtype or floatx()))


def _as_true(y_true, p):
    """``y_true`` as an array of ``p``'s dtype, or left a Tensor if it needs a gradient."""
    if isinstance(y_true, Tensor):
        if y_true.requires_grad:
            return y_true
        y_true = y_true.data
    t = np.asarray(y_true)
    return t if t.dtype == p.dtype else t.astype(p.dtype)


def _reshape(x, shape):
    """Reshape an array or Tensor; a sigmoid output keeps its logits (reshaped alike)."""
    if not isinstance(x, Tensor):
        return x.reshape(shape)
    if not x.requires_grad and x._logits is None:  # a constant: no op needed
        return Tensor(x.data.reshape(shape))
    y = ops.reshape(x, shape)
    logits = x._logits
    if logits is not None and logits[1].name == "sigmoid":
        y._logits = (ops.reshape(logits[0], shape), logits[1])
    return y


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Keras's rule: if ranks differ by one and the longer has a last dim of 1, squeeze it
    (or expand a rank-1 partner instead), so ``(b,)`` meets ``(b, 1)`` as ``(b, 1)``."""
    r1, r2 = len(x1.shape), len(x2.shape)
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = _reshape(x2, x2.shape + (1,))
        else:
            x1 = _reshape(x1, x1.shape[:-1])
    elif r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = _reshape(x1, x1.shape + (1,))
        else:
            x2 = _reshape(x2, x2.shape[:-1])
    return x1, x2


def _prepare(name, y_true, y_pred, same_shape=False):
    """(t, p) with matching ranks; ``t`` broadcasts to ``p`` (equal shapes if ``same_shape``)."""
    p = _as_pred(y_pred)
    t, p = squeeze_or_expand_to_same_rank(_as_true(y_true, p), p)
    ts, ps = tuple(t.shape), tuple(p.shape)
    if ts != ps:
        ok = not same_shape and len(ts) == len(ps) and all(a in (1, b) for a, b in zip(ts, ps))
        if not ok:
            raise ValueError(f"{name}: y_true of shape {ts} does not match y_pred of shape {ps}"
                             + (" (they must have the same shape)" if same_shape else ""))
    return t, p


def _affine(t, scale, shift):
    """t * scale + shift for an array or a differentiable Tensor."""
    if isinstance(t, Tensor):
        return ops.add(ops.multiply(t, scale), shift)
    return t * t.dtype.type(scale) + t.dtype.type(shift)


def _logits_of(p, kernel_name, axis=None):
    """The logits behind ``p`` if ``p`` is the output of that activation (along ``axis``)."""
    logits = p._logits
    if logits is None or logits[1].name != kernel_name:
        return None
    if axis is not None and getattr(logits[1], "axis", -1) % p.ndim != axis % p.ndim:
        return None
    return logits[0]


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


# aliases (Keras 3 and legacy names)
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh
bce = BCE = binary_crossentropy


# --- reduction ----------------------------------------------------------------------------

def standardize_reduction(reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"Invalid value for argument `reduction`. Expected one of "
                         f"{list(_REDUCTIONS)}. Received: reduction={reduction!r}")
    return reduction


def _align_weights(w, values_shape, what):
    """``w`` (array) shaped to broadcast against per-sample losses of ``values_shape``."""
    nd = len(values_shape)
    if w.ndim == nd + 1 and w.shape[-1] == 1:
        w = w.reshape(w.shape[:-1])
    while w.ndim < nd:  # per-sample weights for per-timestep losses: (b,) -> (b, 1)
        w = w[..., None]
    try:
        ok = np.broadcast_shapes(w.shape, values_shape) == tuple(values_shape)
    except ValueError:
        ok = False
    if not ok and nd > 0:
        raise ValueError(f"{what} of shape {w.shape} cannot be applied to per-sample losses of "
                         f"shape {tuple(values_shape)}")
    return w


def reduce_weighted_values(values, sample_weight=None, mask=None,
                           reduction="sum_over_batch_size"):
    """Weight per-sample losses by ``sample_weight`` and ``mask`` and reduce them (Keras 3).

    ``sum_over_batch_size``/``mean``: sum of weighted losses / number of (unmasked) elements;
    ``sum``: the sum; ``mean_with_sample_weight``: / sum of the weights; ``none``/``None``:
    the weighted losses themselves.
    """
    standardize_reduction(reduction)
    if not isinstance(values, Tensor):
        values = Tensor(np.asarray(values, dtype=floatx()))
    dtype, shape = values.dtype, values.shape
    w = None
    if sample_weight is not None:
        sw = sample_weight.data if isinstance(sample_weight, Tensor) else sample_weight
        w = _align_weights(np.asarray(sw, dtype=dtype), shape, "sample_weight")
    count = values.size  # divisor of the mean reductions
    if mask is not None:
        m = mask.data if isinstance(mask, Tensor) else mask
        m = _align_weights(np.asarray(m, dtype=bool), shape, "mask")
        count = int(np.count_nonzero(np.broadcast_to(m, shape)))  # mean over unmasked only
        m = m.astype(dtype)
        w = m if w is None else w * m
    if w is not None and np.broadcast_shapes(w.shape, shape) != tuple(shape):
        # e.g. one loss value for the whole batch but per-sample weights: weight, then reduce
        values = ops.multiply(values, w)
        w, shape = None, values.shape
        count = values.size
    if reduction in (None, "none") or len(shape) == 0:
        return values if w is None else ops.multiply(values, w)
    if reduction == "sum":
        divisor = 1.0
    elif reduction == "mean_with_sample_weight" and w is not None:
        divisor = float(np.broadcast_to(w, shape).sum(dtype=np.float64))
    else:
        divisor = float(count)
    if divisor <= 0:  # nothing to average (all masked or zero weights): 0, as divide_no_nan
        return ops.weighted_mean(values, np.zeros((), dtype), divisor=1)
    if divisor < 1:  # weighted_mean floors its divisor at 1; fold small divisors into the weights
        w = np.asarray(1.0 / divisor, dtype) if w is None else w / dtype.type(divisor)
        divisor = 1.0
    return ops.weighted_mean(values, w, divisor=divisor)


# --- Loss classes ----------------------------------------------------------------------------

def _snake(name):
    """Keras's to_snake_case: 'KLDivergence' -> 'kl_divergence'."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


class Loss:
    """Base class of losses: subclasses define ``call(y_true, y_pred)`` -> per-sample losses.

    ``loss(y_true, y_pred, sample_weight=None)`` returns the reduced scalar Tensor.
    ``reduction`` is one of ``"sum_over_batch_size"`` (default), ``"sum"``, ``"mean"``,
    ``"mean_with_sample_weight"``, ``"none"`` or ``None``.

    >>> class MyMSE(Loss):
    ...     def call(self, y_true, y_pred):
    ...         return ops.mean(ops.square(y_pred - y_true), axis=-1)
    >>> float(MyMSE()([[1.0]], Tensor([[3.0]])).data)
    4.0
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or _snake(type(self).__name__)
        self.reduction = standardize_reduction(reduction)
        self.dtype = dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        p = _as_pred(y_pred, self.dtype or floatx())  # arrays are cast, as Keras does
        # y_true becomes a constant of y_pred's dtype (as Keras casts it), unless it needs a grad
        if not (isinstance(y_true, Tensor) and y_true.requires_grad):
            t = np.asarray(y_true.data if isinstance(y_true, Tensor) else y_true)
            y_true = Tensor(t if t.dtype == p.dtype else t.astype(p.dtype))
        values = self.call(y_true, p)
        mask = p._keras_mask
        out_mask = getattr(values, "_keras_mask", None)
        if out_mask is not None:
            mask = out_mask if mask is None else np.logical_and(_raw(mask), _raw(out_mask))
        return reduce_weighted_values(values, sample_weight, mask, self.reduction)

    def call(self, y_true, y_pred):
        raise NotImplementedError(f"{type(self).__name__} must implement call(y_true, y_pred)")

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"{type(self).__name__}({self.get_config()})"


def _raw(x):
    return x.data if isinstance(x, Tensor) else np.asarray(x)


class LossFunctionWrapper(Loss):
    """A ``Loss`` around a function ``fn(y_true, y_pred, **kwargs)`` -> per-sample losses.

    >>> loss = LossFunctionWrapper(mean_absolute_error, name="mae")
    >>> float(loss([[0.0], [1.0]], Tensor([[1.0], [1.0]])).data)
    0.5
    """

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        if not callable(fn):
            raise TypeError(f"LossFunctionWrapper: `fn` must be callable, got {fn!r}")
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs
        kind = None if kwargs else _POINTWISE_MEANS.get(fn)
        self._pointwise = kind  # the kernel of the one-op scalar path below, made once
        self._pointwise_kernel = None if kind is None else fused.KERNELS[kind]()

    def __call__(self, y_true, y_pred, sample_weight=None):
        # the hot path of training: no weights, no mask, a mean -> one fused op to a scalar
        if (self._pointwise is not None and sample_weight is None and type(y_pred) is Tensor
                and y_pred._keras_mask is None
                and self.reduction in ("sum_over_batch_size", "mean")):
            p = y_pred.data
            if not (type(y_true) is np.ndarray and y_true.shape == p.shape
                    and y_true.dtype == p.dtype):  # fit hands aligned targets; others align
                y_true, y_pred = _prepare(self.name, y_true, y_pred)
            if tuple(y_true.shape) == tuple(y_pred.shape):
                return fused.PointwiseLoss.apply(y_pred, y_true, kernel=self._pointwise_kernel,
                                                 reduce="all", axis=-1)
        return super().__call__(y_true, y_pred, sample_weight)

    def call(self, y_true, y_pred):
        if not isinstance(y_true, Tensor):
            y_true = np.asarray(y_true)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        config = super().get_config()
        config["fn"] = serialize(self.fn)
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if "fn" in config:
            config["fn"] = deserialize(config["fn"])
        return cls(**config)

    def __repr__(self):
        return f"<LossFunctionWrapper({getattr(self.fn, '__name__', self.fn)}, " \
               f"kwargs={self._fn_kwargs})>"


# losses that are the mean of an elementwise function: sum_over_batch_size of their per-sample
# values is the mean over all elements
_POINTWISE_MEANS = {mean_squared_error: "mse", mean_absolute_error: "mae",
                    mean_absolute_percentage_error: "mape",
                    mean_squared_logarithmic_error: "msle", log_cosh: "log_cosh"}


class _Wrapped(LossFunctionWrapper):
    """A built-in loss class: its config is the base config plus its own arguments."""

    _fn = None
    _params = ()

    def __init__(self, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(type(self)._fn, reduction=reduction, name=name, dtype=dtype, **kwargs)
        for k, v in kwargs.items():
            setattr(self, k, v)

    def get_config(self):
        config = Loss.get_config(self)
        config.update({k: getattr(self, k) for k in self._params})
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _check_smoothing(cls_name, label_smoothing):
    if not 0 <= label_smoothing <= 1:
        raise ValueError(f"{cls_name}: `label_smoothing` must be in [0, 1], "
                         f"got {label_smoothing!r}")


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


# --- lookup and serialization ------------------------------------------------------------------

ALL_OBJECTS = (
    Loss, LossFunctionWrapper, MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, CosineSimilarity, Huber, LogCosh, Hinge, SquaredHinge,
    CategoricalHinge, KLDivergence, Poisson, BinaryCrossentropy, CategoricalCrossentropy,
    SparseCategoricalCrossentropy, mean_squared_error, mean_absolute_error,
    mean_absolute_percentage_error, mean_squared_logarithmic_error, cosine_similarity, huber,
    log_cosh, hinge, squared_hinge, categorical_hinge, kl_divergence, poisson,
    binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy,
)
ALL_OBJECTS_DICT = {obj.__name__: obj for obj in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({
    "bce": binary_crossentropy, "BCE": binary_crossentropy,
    "kld": kl_divergence, "KLD": kl_divergence, "kullback_leibler_divergence": kl_divergence,
    "mae": mean_absolute_error, "MAE": mean_absolute_error,
    "mse": mean_squared_error, "MSE": mean_squared_error,
    "mape": mean_absolute_percentage_error, "MAPE": mean_absolute_percentage_error,
    "msle": mean_squared_logarithmic_error, "MSLE": mean_squared_logarithmic_error,
    "logcosh": log_cosh, "huber_loss": huber,
})


def _lookup(name, custom_objects=None):
    obj = (custom_objects or {}).get(name, ALL_OBJECTS_DICT.get(name))
    if obj is None:
        valid = ", ".join(sorted(k for k in ALL_OBJECTS_DICT if k not in ("Loss",)))
        raise ValueError(f"Unknown loss {name!r}. Valid names are: {valid}")
    return obj


def serialize(loss):
    """A loss function or ``Loss`` as a Keras 3 config dict (what model files store)."""
    if loss is None:
        return None
    if isinstance(loss, Loss):
        return object_config(loss, "keras.losses")
    name = getattr(loss, "__name__", None)
    if name is None:
        raise ValueError(f"Cannot serialize loss {loss!r}: expected a Loss or a named function")
    return function_config("keras.losses", name)


def deserialize(config, custom_objects=None):
    """Inverse of ``serialize``; also accepts a plain name and Keras 2 style dicts."""
    if isinstance(config, str):
        return _lookup(config, custom_objects)
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Cannot deserialize loss from {config!r}: expected a name or a dict "
                         "with 'class_name' and 'config'")
    if config["class_name"] == "function":
        return _lookup(config["config"], custom_objects)
    cls = _lookup(config["class_name"], custom_objects)
    inner = config.get("config") or {}
    if inspect.isclass(cls):
        return cls.from_config(inner)
    return cls


def get(identifier):
    """Resolve a loss as Keras 3 does: a function name (``"mse"``, ``"binary_crossentropy"``)
    gives the function, a class name (``"MeanSquaredError"``) or class an instance; dicts are
    deserialized; instances and callables are returned as given.

    >>> get("mse") is mean_squared_error
    True
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = _lookup(identifier)
    else:
        obj = identifier
    if inspect.isclass(obj):
        if not issubclass(obj, Loss):
            raise ValueError(f"Could not interpret loss identifier: {identifier!r}")
        return obj()
    if callable(obj):
        return obj
    raise ValueError(f"Could not interpret loss identifier: {identifier!r}")


def resolve(identifier):
    """A ``Loss`` instance for any identifier ``get`` accepts: what ``compile`` needs.

    Functions are wrapped in ``LossFunctionWrapper`` named as written (``"mse"`` stays
    ``"mse"``), so ``resolve(x)(y_true, y_pred, sample_weight)`` is always a scalar Tensor.

    >>> resolve("mse").name
    'mse'
    """
    obj = get(identifier)
    if obj is None or isinstance(obj, Loss):
        return obj
    name = identifier if isinstance(identifier, str) else getattr(obj, "__name__", None)
    return LossFunctionWrapper(obj, name=name)
