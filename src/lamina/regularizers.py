"""Weight and activity penalties with Keras 3's names, arguments and formulas.

A regularizer maps a Tensor (a weight Variable or a layer's output) to a scalar
Tensor built from ``lamina.ops``, so its gradient flows into the weights when the
penalty is added to the loss.

>>> from lamina import regularizers
>>> from lamina.autodiff import Tensor
>>> float(regularizers.L2(2.0)(Tensor(np.ones((5, 5)))).data)
50.0
>>> regularizers.get("l1")
L1(l1=0.01)
"""
import math
import numbers

import numpy as np

from lamina import backend, ops
from lamina.autodiff import Tensor, as_tensor
from lamina.initializers import _Catalog, _repr

__all__ = ["L1", "L1L2", "L2", "OrthogonalRegularizer", "Regularizer", "deserialize", "get",
           "l1", "l1_l2", "l2", "serialize"]


def _factor(value, name, who):
    """A non-negative finite float, or a ValueError naming the argument (Keras's rule)."""
    if (not isinstance(value, numbers.Real) or isinstance(value, bool)
            or not math.isfinite(value) or value < 0):
        raise ValueError(f"{who}: invalid value for argument `{name}`: expected a non-negative "
                         f"float, got {name}={value!r}")
    return float(value)


def _zero_like(x):
    return Tensor(np.zeros((), dtype=x.dtype))


class Regularizer:
    """Base class: ``__call__(x)`` returns a scalar Tensor penalty.

    Any function of one Tensor that returns a scalar Tensor works as a regularizer too.

    >>> class Sum(Regularizer):
    ...     def __call__(self, x):
    ...         return ops.sum(x)
    ...     def get_config(self):
    ...         return {}
    >>> float(Sum()(Tensor(np.ones(3))).data)
    3.0
    """

    def __call__(self, x):
        return _zero_like(as_tensor(x))

    def get_config(self):
        raise NotImplementedError(f"{type(self).__name__} does not implement get_config()")

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    __repr__ = _repr


class L1L2(Regularizer):
    """``l1 * sum(abs(x)) + l2 * sum(square(x))``.

    The defaults are 0 (so ``L1L2(l2=0.1)`` has no L1 part); the ``l1_l2``
    function and the string ``'l1_l2'`` use 0.01 for both, as Keras documents.

    >>> float(L1L2(l1=0.5, l2=0.25)(Tensor(np.array([1.0, -2.0]))).data)
    2.75
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _factor(0.0 if l1 is None else l1, "l1", "L1L2")
        self.l2 = _factor(0.0 if l2 is None else l2, "l2", "L1L2")

    def __call__(self, x):
        x = as_tensor(x)
        penalty = None
        if self.l1:
            penalty = ops.multiply(self.l1, ops.sum(ops.abs(x)))
        if self.l2:
            term = ops.multiply(self.l2, ops.sum(ops.square(x)))
            penalty = term if penalty is None else ops.add(penalty, term)
        return _zero_like(x) if penalty is None else penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """``l1 * sum(abs(x))``.

    >>> float(L1(0.5)(Tensor(np.array([1.0, -2.0]))).data)
    1.5
    """

    def __init__(self, l1=0.01):
        self.l1 = _factor(0.01 if l1 is None else l1, "l1", "L1")

    def __call__(self, x):
        return ops.multiply(self.l1, ops.sum(ops.abs(as_tensor(x))))

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """``l2 * sum(square(x))``.

    >>> float(L2(0.5)(Tensor(np.array([1.0, -2.0]))).data)
    2.5
    """

    def __init__(self, l2=0.01):
        self.l2 = _factor(0.01 if l2 is None else l2, "l2", "L2")

    def __call__(self, x):
        return ops.multiply(self.l2, ops.sum(ops.square(as_tensor(x))))

    def get_config(self):
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Pushes the rows (``mode='rows'``) or columns of a 2D weight towards orthogonality.

    Penalty: ``factor * 0.5 * sum(|off-diagonal dot products|) / n_pairs`` of the
    L2-normalized rows (or columns), ``n_pairs = n * (n - 1) / 2``.

    >>> float(OrthogonalRegularizer(1.0)(Tensor(np.eye(3))).data)
    0.0
    """

    def __init__(self, factor=0.01, mode="rows"):
        self.factor = _factor(factor, "factor", "OrthogonalRegularizer")
        if mode not in ("rows", "columns"):
            raise ValueError(f"OrthogonalRegularizer: expected `mode` to be 'rows' or 'columns', "
                             f"got {mode!r}")
        self.mode = mode

    def __call__(self, x):
        x = as_tensor(x)
        if x.ndim != 2:
            raise ValueError(f"OrthogonalRegularizer: inputs must have rank 2, got shape {x.shape}")
        axis = 1 if self.mode == "rows" else 0
        n = x.shape[1 - axis]
        if n < 2:  # a single row (column) has no pairs to decorrelate
            return _zero_like(x)
        norms = ops.sqrt(ops.sum(ops.square(x), axis=axis, keepdims=True))
        unit = ops.divide(x, ops.maximum(norms, backend.epsilon()))
        product = (ops.matmul(unit, ops.transpose(unit)) if axis == 1
                   else ops.matmul(ops.transpose(unit), unit))
        off_diagonal = ops.multiply(product, (1.0 - np.eye(n)).astype(x.dtype))
        return ops.multiply(self.factor * 0.5 / (n * (n - 1) / 2.0),
                            ops.sum(ops.abs(off_diagonal)))

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


def l1(l=0.01, l1=None):  # `l` is Keras 2's argument name
    """Keras 2 / kerasR: an L1 regularizer (``l1=`` works too, as Keras 3's alias does).

    >>> l1(0.1)
    L1(l1=0.1)
    """
    return L1(l if l1 is None else l1)


def l2(l=0.01, l2=None):
    """Keras 2 / kerasR: an L2 regularizer (``l2=`` works too).

    >>> l2(0.1)
    L2(l2=0.1)
    """
    return L2(l if l2 is None else l2)


def l1_l2(l1=0.01, l2=0.01):
    """Keras 2 / kerasR: an L1 + L2 regularizer, 0.01 each by default.

    >>> l1_l2()
    L1L2(l1=0.01, l2=0.01)
    """
    return L1L2(l1=l1, l2=l2)


_NAMES = {"L1": L1, "L2": L2, "L1L2": L1L2, "OrthogonalRegularizer": OrthogonalRegularizer,
          "l1": l1, "l2": l2, "l1_l2": l1_l2, "orthogonal_regularizer": OrthogonalRegularizer}
_catalog = _Catalog("regularizer", "keras.regularizers", _NAMES)


def serialize(regularizer):
    """Keras 3 config dict: module, class_name, config, registered_name.

    >>> serialize(L2(0.1))["config"]
    {'l2': 0.1}
    """
    return _catalog.serialize(regularizer)


def deserialize(config, custom_objects=None):
    """A regularizer from a name or a ``{'class_name': ..., 'config': ...}`` dict.

    >>> deserialize({"class_name": "L1L2", "config": {"l1": 0.0, "l2": 0.1}})
    L1L2(l1=0.0, l2=0.1)
    """
    return _catalog.deserialize(config, custom_objects)


def get(identifier):
    """A regularizer from None, a name, a config dict, a class, an instance or a function.

    >>> get("l1_l2")
    L1L2(l1=0.01, l2=0.01)
    """
    return _catalog.get(identifier)
