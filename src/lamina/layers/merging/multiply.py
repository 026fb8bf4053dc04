"""Multiply: the elementwise product of a list of tensors."""
import numpy as np

from lamina.layers.merging.base_merge import Merge, expand_mask
from lamina.ops import math as M


class Multiply(Merge):
    """The elementwise product of a list of tensors.

    As in Keras, a masked step of an input counts as 1; when every input has a mask, steps
    masked in all of them are 0.

    >>> Multiply()([np.full((2, 3), 2.0), np.full((2, 3), 3.0)]).data[0, 0]
    6.0
    """

    def _merge_function(self, inputs, masks):
        all_masked = all(m is not None for m in masks)
        out, out_mask = None, None
        for x, m in zip(inputs, masks):
            if m is not None:
                m = expand_mask(m, x)
                x = M.where(m, x, 1.0)
                if all_masked:
                    out_mask = m if out_mask is None else (out_mask | m)
            out = x if out is None else out * x
        if all_masked:
            out = M.where(np.broadcast_to(out_mask, out.shape), out, 0.0)
        return out


def multiply(inputs, **kwargs):
    """Functional form of ``Multiply``: ``multiply([x1, x2])``."""
    return Multiply(**kwargs)(inputs)
