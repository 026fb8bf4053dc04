"""Concatenate: a list of tensors joined along one axis."""
import numpy as np

from lamina.layers.merging.base_merge import Merge, as_tensors, check_list
from lamina.ops import math as M


class Concatenate(Merge):
    """Joins a list of tensors along ``axis``; every other dimension must match.

    >>> Concatenate()([np.ones((2, 3)), np.ones((2, 4))]).shape
    (2, 7)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
            raise TypeError(f"Concatenate: axis must be an int, got {axis!r}")
        self.axis = int(axis)

    def compute_output_shape(self, input_shape):
        check_list(self, input_shape)
        ranks = {len(s) for s in input_shape}
        if len(ranks) > 1:
            raise ValueError(f"Layer '{self.name}' (Concatenate): inputs must have the same "
                             f"rank, got shapes {list(input_shape)}")
        rank = ranks.pop()
        axis = self.axis % rank if -rank <= self.axis < rank else None
        if axis is None or axis == 0:
            raise ValueError(f"Layer '{self.name}' (Concatenate): axis={self.axis} is not a "
                             f"non-batch axis of inputs of rank {rank}")
        out = list(input_shape[0])
        for shape in input_shape[1:]:
            for i, (a, b) in enumerate(zip(out, shape)):
                if i != axis and a is not None and b is not None and a != b:
                    raise ValueError(
                        f"Layer '{self.name}' (Concatenate) needs inputs with matching shapes "
                        f"except along axis {self.axis}; got shapes {list(input_shape)}")
                if i != axis and a is None:
                    out[i] = b
            known = out[axis] is not None and shape[axis] is not None
            out[axis] = out[axis] + shape[axis] if known else None
        return tuple(out)

    def call(self, inputs, mask=None):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"Layer '{self.name}' (Concatenate) must be called on a list of "
                             f"tensors, got {type(inputs).__name__}")
        return M.concatenate(as_tensors(inputs), axis=self.axis)

    def compute_mask(self, inputs, mask=None):
        if mask is None or not isinstance(mask, (list, tuple)) or all(m is None for m in mask):
            return None
        full = []
        for x, m in zip(inputs, mask):
            shape = tuple(x.shape)
            if m is None:
                full.append(np.ones(shape, dtype=bool))
            else:
                m = np.asarray(m, dtype=bool)
                full.append(np.broadcast_to(m.reshape(m.shape + (1,) * (len(shape) - m.ndim)),
                                            shape))
        return np.concatenate(full, axis=self.axis).any(axis=-1)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of ``Concatenate``: ``concatenate([x1, x2], axis=-1)``."""
    return Concatenate(axis=axis, **kwargs)(inputs)
