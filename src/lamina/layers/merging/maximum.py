"""Maximum: the elementwise maximum of a list of tensors."""
from lamina.layers.merging.base_merge import Merge, merge_with_masks
from lamina.ops import math as M


class Maximum(Merge):
    """The elementwise maximum of a list of tensors; a masked step takes the other value.

    >>> Maximum()([np.zeros((2, 3)), np.ones((2, 3))]).data[0, 0]
    1.0
    """

    def _merge_function(self, inputs, masks):
        return merge_with_masks(M.maximum, inputs, masks)


def maximum(inputs, **kwargs):
    """Functional form of ``Maximum``: ``maximum([x1, x2])``."""
    return Maximum(**kwargs)(inputs)
