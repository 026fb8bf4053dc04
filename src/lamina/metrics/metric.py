"""The ``Metric`` base and what the metric families share.

``Metric`` (state, ``update_state``/``result``/``reset_state``), ``Mean`` and ``Sum``
with Keras's reduction of values to per-sample values (``_samplewise``), and
``MeanMetricWrapper``, the mean of a per-sample function, which most built-in metrics are.
Metrics run on NumPy arrays outside the graph: ``_from_loss`` turns a loss function on
Tensors into a metric function on arrays.
"""
import numpy as np

from lamina.autodiff.tensor import Tensor, no_grad
from lamina.backend import floatx
from lamina.losses.loss import _snake, squeeze_or_expand_to_same_rank


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


def _from_loss(loss_fn, name=None, sign=1.0):
    """A metric function on arrays from a loss function on Tensors (no graph recorded)."""
    def fn(y_true, y_pred, **kwargs):
        with no_grad():
            out = loss_fn(_arr(y_true), _pred(y_pred), **kwargs).data
        return -out if sign < 0 else out
    fn.__name__ = fn.__qualname__ = name or loss_fn.__name__
    fn.__doc__ = f"``lamina.losses.{loss_fn.__name__}`` on arrays, returning an array."
    return fn


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


# Looking a metric function up by name needs every family, so the package (lamina.metrics)
# sets this once they are all loaded; importing the package from here would be a cycle.
FUNCTION_BY_NAME = [None]


class MeanMetricWrapper(Mean):
    """The mean of ``fn(y_true, y_pred, **kwargs)`` (per-sample values) over all samples seen.

    >>> from lamina.metrics import mean_absolute_error
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
            config["fn"] = FUNCTION_BY_NAME[0](config["fn"])
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
