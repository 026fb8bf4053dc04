"""Layers that only move data around: Flatten, Reshape, Permute, RepeatVector."""
import numpy as np

from lamina import ops
from lamina.layers.layer import Layer


def _prod(dims):
    return None if any(d is None for d in dims) else int(np.prod(dims, dtype=np.int64))


class Flatten(Layer):
    """Flattens every dimension but the batch one: (batch, a, b) -> (batch, a * b).

    ``data_format='channels_first'`` moves channels last first, as Keras does, so the
    flattened order matches a channels_last model.
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last", "channels_first"):
            raise ValueError(f"Flatten '{self.name}': data_format must be 'channels_last' or "
                             f"'channels_first', got {data_format!r}")
        self.data_format = data_format or "channels_last"

    def call(self, inputs):
        if self.data_format == "channels_first" and inputs.ndim > 2:
            inputs = ops.transpose(inputs, (0,) + tuple(range(2, inputs.ndim)) + (1,))
        return ops.reshape(inputs, (inputs.shape[0], -1))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], _prod(input_shape[1:]))

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class Reshape(Layer):
    """Reshapes the non-batch dimensions to ``target_shape`` (one entry may be -1).

    >>> Reshape((3, 4))(np.zeros((2, 12))).shape
    (2, 3, 4)
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        target_shape = tuple(int(d) for d in target_shape)
        if sum(d == -1 for d in target_shape) > 1 or any(d == 0 or d < -1 for d in target_shape):
            raise ValueError(f"Reshape '{self.name}': target_shape must have positive dimensions "
                             f"and at most one -1, got {target_shape}")
        self.target_shape = target_shape

    def _resolve(self, input_shape):
        known = _prod(input_shape[1:])
        if -1 not in self.target_shape:
            if known is not None and known != _prod(self.target_shape):
                raise ValueError(f"Reshape '{self.name}': cannot reshape input of shape "
                                 f"{tuple(input_shape)} ({known} values per sample) to "
                                 f"{self.target_shape} ({_prod(self.target_shape)} values)")
            return self.target_shape
        if known is None:
            return tuple(None if d == -1 else d for d in self.target_shape)
        rest = -_prod(self.target_shape)
        if known % rest:
            raise ValueError(f"Reshape '{self.name}': cannot reshape input of shape "
                             f"{tuple(input_shape)} to {self.target_shape}")
        return tuple(known // rest if d == -1 else d for d in self.target_shape)

    def build(self, input_shape):
        self._resolve(input_shape)

    def call(self, inputs):
        return ops.reshape(inputs, (inputs.shape[0],) + self.target_shape)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + self._resolve(input_shape)

    def get_config(self):
        return {**super().get_config(), "target_shape": list(self.target_shape)}


class Permute(Layer):
    """Permutes the non-batch dimensions; ``dims`` are 1-indexed as in Keras.

    >>> Permute((2, 1))(np.zeros((5, 3, 4))).shape
    (5, 4, 3)
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        dims = tuple(int(d) for d in dims)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(f"Permute '{self.name}': dims must be a permutation of "
                             f"1..{len(dims)}, got {dims}")
        self.dims = dims

    def build(self, input_shape):
        if len(input_shape) != len(self.dims) + 1:
            raise ValueError(f"Permute '{self.name}': dims {self.dims} need inputs of rank "
                             f"{len(self.dims) + 1}, got shape {tuple(input_shape)}")

    def call(self, inputs):
        return ops.transpose(inputs, (0,) + self.dims)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def get_config(self):
        return {**super().get_config(), "dims": list(self.dims)}


class RepeatVector(Layer):
    """Repeats a (batch, features) input ``n`` times: (batch, n, features)."""

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(n, (int, np.integer)) or n <= 0:
            raise ValueError(f"RepeatVector '{self.name}': n must be a positive int, got {n!r}")
        self.n = int(n)

    def build(self, input_shape):
        if len(input_shape) != 2:
            raise ValueError(f"RepeatVector '{self.name}': expects inputs of shape (batch, "
                             f"features), got {tuple(input_shape)}")

    def call(self, inputs):
        return ops.concatenate([ops.expand_dims(inputs, 1)] * self.n, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        return {**super().get_config(), "n": self.n}
