"""Dot: the per-sample dot product of two tensors along given axes."""
import numpy as np

from lamina.layers.merging.base_merge import Merge, as_tensors, check_list
from lamina.ops import math as M


def _l2_normalize(x, axis):
    # as Keras: x / max(||x||, epsilon), so a zero vector stays zero
    norm = M.sqrt(M.sum(x * x, axis=axis, keepdims=True))
    return x / M.maximum(norm, 1e-7)


def _batch_dot(x1, x2, axes):
    """Sum over x1's axis ``axes[0]`` and x2's ``axes[1]``, sample by sample: the free axes
    of x1 come first, then those of x2 (a lone batch axis gets a trailing 1, as Keras)."""
    a1, a2 = axes
    b = x1.shape[0]
    rest1 = [i for i in range(1, x1.ndim) if i != a1]
    rest2 = [i for i in range(1, x2.ndim) if i != a2]
    s1 = tuple(x1.shape[i] for i in rest1)
    s2 = tuple(x2.shape[i] for i in rest2)
    n = x1.shape[a1]
    left = M.reshape(M.transpose(x1, [0] + rest1 + [a1]), (b, int(np.prod(s1, dtype=int)), n))
    right = M.reshape(M.transpose(x2, [0, a2] + rest2), (b, n, int(np.prod(s2, dtype=int))))
    out = M.matmul(left, right)
    shape = (b,) + s1 + s2
    return M.reshape(out, shape if len(shape) > 1 else (b, 1))


class Dot(Merge):
    """Dot product of two tensors along ``axes`` (an int, or one axis per input).

    With ``normalize=True`` both are L2-normalized along those axes first, giving the
    cosine similarity.

    >>> Dot(axes=1)([np.ones((2, 3)), np.ones((2, 3))]).data
    array([[3.], [3.]])
    """

    _exact_inputs = 2

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axes, (list, tuple)):
            if len(axes) != 2 or not all(isinstance(a, (int, np.integer)) for a in axes):
                raise ValueError(f"Dot: axes must be an int or a pair of ints, got {axes!r}")
            axes = [int(a) for a in axes]
        elif isinstance(axes, bool) or not isinstance(axes, (int, np.integer)):
            raise TypeError(f"Dot: axes must be an int or a pair of ints, got {axes!r}")
        else:
            axes = int(axes)
        self.axes = axes
        self.normalize = bool(normalize)

    def _axes_for(self, shapes):
        pair = self.axes if isinstance(self.axes, list) else [self.axes, self.axes]
        out = []
        for a, shape in zip(pair, shapes):
            rank = len(shape)
            if not -rank <= a < rank or a % rank == 0:
                raise ValueError(f"Layer '{self.name}' (Dot): axis {a} is not a non-batch axis "
                                 f"of an input of shape {tuple(shape)}")
            out.append(a % rank)
        return out

    def compute_output_shape(self, input_shape):
        check_list(self, input_shape, 2)
        s1, s2 = (list(s) for s in input_shape)
        a1, a2 = self._axes_for(input_shape)
        if s1[a1] is not None and s2[a2] is not None and s1[a1] != s2[a2]:
            raise ValueError(f"Layer '{self.name}' (Dot): the dot-product axes differ in size: "
                             f"{s1[a1]} (axis {a1} of {tuple(s1)}) != {s2[a2]} (axis {a2} of "
                             f"{tuple(s2)})")
        out = [s1[0]] + [d for i, d in enumerate(s1) if i not in (0, a1)] + [
            d for i, d in enumerate(s2) if i not in (0, a2)]
        return tuple(out if len(out) > 1 else out + [1])

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError(f"Layer '{self.name}' (Dot) must be called on a list of exactly 2 "
                             "tensors")
        x1, x2 = as_tensors(inputs)
        axes = self._axes_for([x1.shape, x2.shape])
        if self.normalize:
            x1, x2 = _l2_normalize(x1, axes[0]), _l2_normalize(x2, axes[1])
        return _batch_dot(x1, x2, axes)

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def dot(inputs, axes=-1, normalize=False, **kwargs):
    """Functional form of ``Dot``: ``dot([x1, x2], axes=1)``."""
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
