"""Weight constraints with Keras 3's names, arguments and formulas.

A constraint maps a weight's NumPy array to its projected value. The optimizer
applies it after each update, outside the graph, so it works on raw arrays and
keeps their dtype.

>>> from lamina import constraints
>>> constraints.get("non_neg")(np.array([-1.0, 2.0])) == [0.0, 2.0]
array([ True,  True])
>>> constraints.MaxNorm(1.0)(np.array([[3.0], [4.0]])).ravel().round(6)
array([0.6, 0.8])
"""
import math
import numbers

import numpy as np

from lamina import backend
from lamina.autodiff import Tensor
from lamina.initializers import _Catalog, _repr

__all__ = ["Constraint", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "deserialize", "get",
           "serialize"]


def _array(w):
    w = w.data if isinstance(w, Tensor) else np.asarray(w)
    return w if w.dtype.kind == "f" else w.astype(backend.floatx())


def _axis(axis, who):
    if isinstance(axis, numbers.Integral) and not isinstance(axis, bool):
        return int(axis)
    if isinstance(axis, (list, tuple)) and all(
            isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in axis):
        return tuple(int(a) for a in axis)
    raise ValueError(f"{who}: expected `axis` to be an int or a list of ints, got {axis!r}")


def _axis_config(axis):
    return list(axis) if isinstance(axis, tuple) else axis  # JSON has no tuples


def _number(value, name, who):
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or math.isnan(value):
        raise ValueError(f"{who}: expected `{name}` to be a number, got {value!r}")
    return value


def _norms(w, axis):
    return np.sqrt(np.sum(np.square(w), axis=axis, keepdims=True))


class Constraint:
    """Base class: ``__call__(w)`` takes and returns a NumPy array (the identity here).

    >>> class Clip(Constraint):
    ...     def __call__(self, w):
    ...         return np.clip(w, -1, 1)
    >>> Clip()(np.array([-3.0, 0.5]))
    array([-1. ,  0.5])
    """

    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    __repr__ = _repr


class MaxNorm(Constraint):
    """Scales down each slice along ``axis`` whose L2 norm exceeds ``max_value``.

    ``w * clip(norms, 0, max_value) / (epsilon + norms)``. For a Dense kernel
    ``(in, out)`` use ``axis=0`` (each unit's incoming weights); for a Conv2D
    kernel ``(rows, cols, in, out)`` use ``axis=[0, 1, 2]``.

    >>> MaxNorm(2.0)(np.array([[1.0], [0.0]])).ravel().round(6)
    array([1., 0.])
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value = _number(max_value, "max_value", "MaxNorm")
        self.axis = _axis(axis, "MaxNorm")

    def __call__(self, w):
        w = _array(w)
        norms = _norms(w, self.axis)
        desired = np.clip(norms, 0, self.max_value)
        return (w * (desired / (backend.epsilon() + norms))).astype(w.dtype, copy=False)

    def get_config(self):
        return {"max_value": self.max_value, "axis": _axis_config(self.axis)}


class NonNeg(Constraint):
    """Sets negative weights to zero: ``w * (w >= 0)``.

    >>> NonNeg()(np.array([-0.5, 0.0, 1.5])) == [0.0, 0.0, 1.5]
    array([ True,  True,  True])
    """

    def __call__(self, w):
        w = _array(w)
        return w * (w >= 0).astype(w.dtype)


class UnitNorm(Constraint):
    """Divides each slice along ``axis`` by its L2 norm: ``w / (epsilon + norms)``.

    >>> UnitNorm()(np.array([[3.0], [4.0]])).ravel().round(6)
    array([0.6, 0.8])
    """

    def __init__(self, axis=0):
        self.axis = _axis(axis, "UnitNorm")

    def __call__(self, w):
        w = _array(w)
        return (w / (backend.epsilon() + _norms(w, self.axis))).astype(w.dtype, copy=False)

    def get_config(self):
        return {"axis": _axis_config(self.axis)}


class MinMaxNorm(Constraint):
    """Moves each slice's L2 norm into ``[min_value, max_value]``, a fraction ``rate`` of the way.

    ``desired = rate * clip(norms, min_value, max_value) + (1 - rate) * norms``;
    ``w * desired / (epsilon + norms)``.

    >>> MinMaxNorm(1.0, 2.0)(np.array([[0.3], [0.4]])).ravel().round(5)
    array([0.6, 0.8])
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = _number(min_value, "min_value", "MinMaxNorm")
        self.max_value = _number(max_value, "max_value", "MinMaxNorm")
        if min_value > max_value:
            raise ValueError(f"MinMaxNorm: expected `min_value` <= `max_value`, got "
                             f"min_value={min_value!r}, max_value={max_value!r}")
        self.rate = _number(rate, "rate", "MinMaxNorm")
        self.axis = _axis(axis, "MinMaxNorm")

    def __call__(self, w):
        w = _array(w)
        norms = _norms(w, self.axis)
        desired = (self.rate * np.clip(norms, self.min_value, self.max_value)
                   + (1 - self.rate) * norms)
        return (w * (desired / (backend.epsilon() + norms))).astype(w.dtype, copy=False)

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": _axis_config(self.axis)}


_CLASSES = {"MaxNorm": MaxNorm, "NonNeg": NonNeg, "UnitNorm": UnitNorm, "MinMaxNorm": MinMaxNorm}
_NAMES = {**_CLASSES, "max_norm": MaxNorm, "non_neg": NonNeg, "unit_norm": UnitNorm,
          "min_max_norm": MinMaxNorm,
          # Keras 2 spellings, kept for old code and saved models
          "maxnorm": MaxNorm, "nonneg": NonNeg, "unitnorm": UnitNorm}
_catalog = _Catalog("constraint", "keras.constraints", _NAMES)


def serialize(constraint):
    """Keras 3 config dict: module, class_name, config, registered_name.

    >>> serialize(MaxNorm(3))["config"]
    {'max_value': 3, 'axis': 0}
    """
    return _catalog.serialize(constraint)


def deserialize(config, custom_objects=None):
    """A constraint from a name or a ``{'class_name': ..., 'config': ...}`` dict.

    >>> deserialize({"class_name": "UnitNorm", "config": {"axis": 1}})
    UnitNorm(axis=1)
    """
    return _catalog.deserialize(config, custom_objects)


def get(identifier):
    """A constraint from None, a name, a config dict, a class, an instance or a function.

    >>> get("max_norm")
    MaxNorm(max_value=2, axis=0)
    """
    return _catalog.get(identifier)
