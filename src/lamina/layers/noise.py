"""Regularization layers that add noise while training: GaussianNoise, GaussianDropout,
AlphaDropout and SpatialDropout1D/2D/3D. All are the identity at inference."""
import math
import numbers

import numpy as np

from lamina import backend, ops
from lamina.autodiff.tensor import Tensor
from lamina.layers.convolutional._utils import normalize_data_format
from lamina.layers.layer import Layer


def _owner(layer):
    return f"{type(layer).__name__} '{layer.name}'"


def _rate(layer, rate, high=1.0):
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not 0 <= rate < high:
        raise ValueError(f"{_owner(layer)}: `rate` must be a number in [0, {high}), got {rate!r}")
    return float(rate)


class _Noise(Layer):
    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
            raise ValueError(f"{_owner(self)}: `seed` must be an integer or None, got {seed!r}")
        self.seed = seed
        # a seeded layer draws from its own generator (reproducible, advancing per call);
        # otherwise from lamina's global one (lamina.backend.set_random_seed)
        self._rng = None if seed is None else np.random.default_rng(seed)
        self.supports_masking = True

    def _gen(self):
        return self._rng if self._rng is not None else backend.rng()

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


class GaussianNoise(_Noise):
    """Adds zero-mean Gaussian noise of standard deviation ``stddev`` while training.

    >>> GaussianNoise(0.1)(np.ones((2, 3))).numpy()  # inference: unchanged
    array([[1., 1., 1.],
           [1., 1., 1.]], dtype=float32)
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if isinstance(stddev, bool) or not isinstance(stddev, numbers.Real) or stddev < 0:
            raise ValueError(f"{_owner(self)}: `stddev` must be a non-negative number, got "
                             f"{stddev!r}")
        self.stddev = float(stddev)

    def call(self, inputs, training=None):
        if not training or self.stddev == 0:
            return inputs
        noise = self._gen().standard_normal(inputs.shape) * self.stddev
        return ops.add(inputs, Tensor(noise.astype(inputs.dtype)))

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev}


class GaussianDropout(_Noise):
    """Multiplies by Gaussian noise of mean 1 and standard deviation sqrt(rate / (1 - rate))
    while training.

    >>> GaussianDropout(0.2)(np.ones((1, 2))).numpy()
    array([[1., 1.]], dtype=float32)
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.rate = _rate(self, rate)

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        std = math.sqrt(self.rate / (1.0 - self.rate))
        noise = 1.0 + self._gen().standard_normal(inputs.shape) * std
        return ops.multiply(inputs, Tensor(noise.astype(inputs.dtype)))

    def get_config(self):
        return {**super().get_config(), "rate": self.rate}


class AlphaDropout(_Noise):
    """Dropout for SELU networks: dropped units are set to SELU's negative saturation and
    an affine map keeps the mean and variance (Keras's formula).

    >>> AlphaDropout(0.1)(np.ones((1, 2))).numpy()
    array([[1., 1.]], dtype=float32)
    """

    _alpha = 1.6732632423543772848170429916717
    _scale = 1.0507009873554804934193349852946

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.rate = _rate(self, rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        shape = inputs.shape if self.noise_shape is None else tuple(
            inputs.shape[i] if n is None else n for i, n in enumerate(self.noise_shape))
        kept = (self._gen().random(shape) >= self.rate).astype(inputs.dtype)
        alpha_p = -self._alpha * self._scale
        a = ((1 - self.rate) * (1 + self.rate * alpha_p ** 2)) ** -0.5
        b = -a * alpha_p * self.rate
        # a * (x * kept + alpha_p * (1 - kept)) + b, with the constants folded
        scale = np.broadcast_to(a * kept, inputs.shape).astype(inputs.dtype)
        shift = np.broadcast_to(a * alpha_p * (1 - kept) + b, inputs.shape).astype(inputs.dtype)
        return ops.add(ops.multiply(inputs, Tensor(scale)), Tensor(shift))

    def get_config(self):
        return {**super().get_config(), "rate": self.rate,
                "noise_shape": None if self.noise_shape is None else list(self.noise_shape)}


class _SpatialDropout(_Noise):
    """Drops whole channels (feature maps) with probability ``rate``, scaling the rest by
    1 / (1 - rate): adjacent pixels are correlated, so dropping single ones regularizes
    little."""

    rank = 1

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.rate = _rate(self, rate)
        self.data_format = normalize_data_format(data_format, _owner(self))

    def call(self, inputs, training=None):
        if inputs.ndim != self.rank + 2:
            raise ValueError(f"{_owner(self)} expects inputs of rank {self.rank + 2}, got shape "
                             f"{tuple(inputs.shape)}")
        if not training or self.rate == 0:
            return inputs
        n = inputs.shape[0]
        c = inputs.shape[1] if self.data_format == "channels_first" else inputs.shape[-1]
        shape = ((n, c) + (1,) * self.rank if self.data_format == "channels_first"
                 else (n,) + (1,) * self.rank + (c,))
        keep = (self._gen().random(shape) >= self.rate) / (1.0 - self.rate)
        return ops.multiply(inputs, Tensor(keep.astype(inputs.dtype)))

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "data_format": self.data_format}


class SpatialDropout1D(_SpatialDropout):
    """Drops whole channels of (batch, steps, channels) inputs while training.

    >>> SpatialDropout1D(0.5)(np.ones((1, 3, 2))).shape
    (1, 3, 2)
    """

    rank = 1

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(rate, "channels_last", seed, **kwargs)

    def get_config(self):
        config = super().get_config()
        config.pop("data_format")
        return config


class SpatialDropout2D(_SpatialDropout):
    """Drops whole feature maps of image inputs while training.

    >>> SpatialDropout2D(0.5)(np.ones((1, 4, 4, 2))).shape
    (1, 4, 4, 2)
    """

    rank = 2

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        super().__init__(rate, data_format, seed, **kwargs)


class SpatialDropout3D(_SpatialDropout):
    """Drops whole feature volumes of 3-D inputs while training.

    >>> SpatialDropout3D(0.5)(np.ones((1, 2, 2, 2, 2))).shape
    (1, 2, 2, 2, 2)
    """

    rank = 3

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        super().__init__(rate, data_format, seed, **kwargs)


__all__ = ["AlphaDropout", "GaussianDropout", "GaussianNoise", "SpatialDropout1D",
           "SpatialDropout2D", "SpatialDropout3D"]
