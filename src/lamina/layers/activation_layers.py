"""Activation functions as layers: ReLU, LeakyReLU, PReLU, ELU, ThresholdedReLU, Softmax."""
import numbers

import numpy as np

from lamina import activations, constraints, initializers, ops, regularizers
from lamina.autodiff.tensor import Tensor
from lamina.layers.layer import Layer


def _owner(layer):
    return f"{type(layer).__name__} '{layer.name}'"


def _number(layer, name, value, allow_none=False, non_negative=True):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or (
            non_negative and value < 0):
        kind = "a non-negative number" if non_negative else "a number"
        raise ValueError(f"{_owner(layer)}: `{name}` must be {kind}"
                         f"{' or None' if allow_none else ''}, got {value!r}")
    return float(value)


class _Elementwise(Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


class ReLU(_Elementwise):
    """max(x, 0) in general form: ``negative_slope * (x - threshold)`` below ``threshold``,
    capped at ``max_value``.

    >>> ReLU(max_value=1.0)(np.array([[-1.0, 0.5, 3.0]])).numpy()
    array([[0. , 0.5, 1. ]], dtype=float32)
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        self.max_value = _number(self, "max_value", max_value, allow_none=True)
        self.negative_slope = _number(self, "negative_slope", negative_slope)
        self.threshold = _number(self, "threshold", threshold)

    def call(self, inputs):
        return activations.relu(inputs, negative_slope=self.negative_slope,
                                max_value=self.max_value, threshold=self.threshold)

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value,
                "negative_slope": self.negative_slope, "threshold": self.threshold}


class LeakyReLU(_Elementwise):
    """x if x >= 0 else negative_slope * x (Keras 3 default slope 0.3; Keras 2's ``alpha``
    is accepted).

    >>> LeakyReLU()(np.array([[-1.0, 2.0]])).numpy()
    array([[-0.3,  2. ]], dtype=float32)
    """

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:  # the Keras 2 name
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        self.negative_slope = _number(self, "negative_slope", negative_slope)

    def call(self, inputs):
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


class ELU(_Elementwise):
    """x if x > 0 else alpha * (exp(x) - 1).

    >>> ELU()(np.array([[0.0, 1.0]])).numpy()
    array([[0., 1.]], dtype=float32)
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = _number(self, "alpha", alpha, non_negative=False)

    def call(self, inputs):
        return activations.elu(inputs, alpha=self.alpha)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


class ThresholdedReLU(_Elementwise):
    """x if x > theta else 0 (Keras 2; kerasR's layer_thresholded_relu).

    >>> ThresholdedReLU(theta=1.0)(np.array([[0.5, 2.0]])).numpy()
    array([[0., 2.]], dtype=float32)
    """

    def __init__(self, theta=1.0, **kwargs):
        super().__init__(**kwargs)
        self.theta = _number(self, "theta", theta)

    def call(self, inputs):
        keep = (inputs.data > self.theta).astype(inputs.dtype)
        return ops.multiply(inputs, Tensor(keep))

    def get_config(self):
        return {**super().get_config(), "theta": self.theta}


class PReLU(_Elementwise):
    """Leaky ReLU with a learned slope per element: x if x >= 0 else alpha * x.

    ``alpha`` has the input's shape (batch excluded), with size 1 along ``shared_axes``
    (e.g. shared_axes=[1, 2] shares one slope per channel of an image).

    >>> PReLU()(np.array([[-1.0, 2.0]])).numpy()   # alpha starts at 0
    array([[0., 2.]], dtype=float32)
    """

    def __init__(self, alpha_initializer="Zeros", alpha_regularizer=None,
                 alpha_constraint=None, shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif isinstance(shared_axes, numbers.Integral):
            self.shared_axes = [int(shared_axes)]
        else:
            self.shared_axes = [int(a) for a in shared_axes]

    def build(self, input_shape):
        shape = list(input_shape[1:])
        for a in self.shared_axes or []:
            if not 1 <= a < len(input_shape):
                raise ValueError(f"{_owner(self)}: shared axis {a} is out of range for inputs "
                                 f"of shape {tuple(input_shape)} (axes 1..{len(input_shape) - 1})")
            shape[a - 1] = 1
        if any(d is None for d in shape):
            raise ValueError(f"{_owner(self)}: the non-shared dimensions must be known, got "
                             f"input shape {tuple(input_shape)}")
        self.alpha = self.add_weight(tuple(shape), self.alpha_initializer,
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint, name="alpha")

    def call(self, inputs):
        pos = activations.relu(inputs)
        neg = ops.multiply(self.alpha, activations.relu(ops.negative(inputs)))
        return ops.subtract(pos, neg)

    def get_config(self):
        return {**super().get_config(),
                "alpha_initializer": initializers.serialize(self.alpha_initializer),
                "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
                "alpha_constraint": constraints.serialize(self.alpha_constraint),
                "shared_axes": self.shared_axes}


class Softmax(_Elementwise):
    """Softmax along ``axis`` (an int or a list of ints); a mask (True = keep) sends the
    masked positions to ~0 probability, as Keras.

    >>> Softmax()(np.array([[0.0, 0.0]])).numpy()
    array([[0.5, 0.5]], dtype=float32)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = [int(a) for a in axis]
        else:
            self.axis = int(axis)

    def call(self, inputs, mask=None):
        if mask is not None:
            mask = np.asarray(mask, dtype=inputs.dtype)
            if mask.ndim == inputs.ndim - 1:  # a (batch, steps) sequence mask
                mask = mask[..., None]
            big = -3e4 if inputs.dtype == np.float16 else -1e9
            adder = (1.0 - mask) * big
            inputs = ops.add(inputs, Tensor(adder.astype(inputs.dtype)))
        axis = self.axis
        if isinstance(axis, list) and len(axis) == 1:
            axis = axis[0]
        if isinstance(axis, int):
            out = activations.softmax(inputs, axis=axis)
        else:  # several axes: exp(x - logsumexp(x))
            shift = Tensor(inputs.data.max(axis=tuple(axis), keepdims=True))
            e = ops.exp(ops.subtract(inputs, shift))
            out = ops.divide(e, ops.sum(e, axis=tuple(axis), keepdims=True))
        if mask is not None:
            out = ops.multiply(out, Tensor(mask))
        return out

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


__all__ = ["ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax", "ThresholdedReLU"]
