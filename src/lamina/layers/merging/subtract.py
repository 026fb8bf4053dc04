"""Subtract: the first of two tensors minus the second."""
from lamina.layers.merging.base_merge import Merge


class Subtract(Merge):
    """``inputs[0] - inputs[1]`` for a list of exactly two tensors.

    >>> Subtract()([np.ones((2, 3)), np.ones((2, 3))]).shape
    (2, 3)
    """

    _exact_inputs = 2

    def _merge_function(self, inputs, masks):
        if len(inputs) != 2:
            raise ValueError(f"Layer '{self.name}' (Subtract) must be called on exactly 2 "
                             f"inputs, got {len(inputs)}")
        return inputs[0] - inputs[1]


def subtract(inputs, **kwargs):
    """Functional form of ``Subtract``: ``subtract([x1, x2])``."""
    return Subtract(**kwargs)(inputs)
