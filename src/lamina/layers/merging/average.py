"""Average: the elementwise mean of a list of tensors."""
from lamina.layers.merging.base_merge import Merge


class Average(Merge):
    """The mean of a list of tensors of the same shape.

    >>> Average()([np.zeros((2, 3)), np.ones((2, 3))]).data[0, 0]
    0.5
    """

    def _merge_function(self, inputs, masks):
        out = inputs[0]
        for x in inputs[1:]:
            out = out + x
        return out * (1.0 / len(inputs))


def average(inputs, **kwargs):
    """Functional form of ``Average``: ``average([x1, x2])``."""
    return Average(**kwargs)(inputs)
