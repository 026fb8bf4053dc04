"""Minimum: the elementwise minimum of a list of tensors."""
from lamina.layers.merging.base_merge import Merge, merge_with_masks
from lamina.ops import math as M


class Minimum(Merge):
    """The elementwise minimum of a list of tensors; a masked step takes the other value.

    >>> Minimum()([np.zeros((2, 3)), np.ones((2, 3))]).data[0, 0]
    0.0
    """

    def _merge_function(self, inputs, masks):
        return merge_with_masks(M.minimum, inputs, masks)


def minimum(inputs, **kwargs):
    """Functional form of ``Minimum``: ``minimum([x1, x2])``."""
    return Minimum(**kwargs)(inputs)
