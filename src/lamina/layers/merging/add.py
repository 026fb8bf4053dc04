"""Add: the elementwise sum of a list of tensors."""
from lamina.layers.merging.base_merge import Merge


class Add(Merge):
    """Adds a list of tensors of the same shape (or broadcastable shapes).

    >>> Add()([np.ones((2, 3)), np.ones((2, 3))]).shape
    (2, 3)
    """

    def _merge_function(self, inputs, masks):
        out = inputs[0]
        for x in inputs[1:]:
            out = out + x
        return out


def add(inputs, **kwargs):
    """Functional form of ``Add``: ``add([x1, x2])``."""
    return Add(**kwargs)(inputs)
