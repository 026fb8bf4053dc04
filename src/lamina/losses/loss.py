"""The ``Loss`` base: inputs, reductions, and ``LossFunctionWrapper`` with its fast path.

Every built-in loss is a per-sample function wrapped in a ``LossFunctionWrapper`` subclass;
they live beside this module in ``losses.py`` and ``lamina.losses`` looks them up by name.
Here are the pieces they share: turning ``y_true``/``y_pred`` into aligned arrays or
Tensors, weighting and reducing per-sample losses to a scalar, and the base classes.
"""
import re

import numpy as np

from lamina import ops
from lamina.autodiff.tensor import Tensor
from lamina.backend import floatx
from lamina.ops import losses as fused

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


# --- base classes ----------------------------------------------------------------------------

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


# losses that are the mean of an elementwise function: sum_over_batch_size of their per-sample
# values is the mean over all elements. {function: fused kernel}, filled in by
# losses.py beside the functions it names (the wrapper reads it when built).
_POINTWISE_MEANS = {}


# Looking a loss up by name needs every family, so the package (lamina.losses) fills this
# once they are all loaded; importing the package from here would be a cycle.
CODEC = {"serialize": None, "deserialize": None}


class LossFunctionWrapper(Loss):
    """A ``Loss`` around a function ``fn(y_true, y_pred, **kwargs)`` -> per-sample losses.

    >>> from lamina.losses import mean_absolute_error
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
        config["fn"] = CODEC["serialize"](self.fn)
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if "fn" in config:
            config["fn"] = CODEC["deserialize"](config["fn"])
        return cls(**config)

    def __repr__(self):
        return f"<LossFunctionWrapper({getattr(self.fn, '__name__', self.fn)}, " \
               f"kwargs={self._fn_kwargs})>"


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
