"""Merge: the base of layers that combine a list of tensors elementwise (Add, Maximum ...)."""
import numpy as np

from lamina.autodiff.tensor import Tensor
from lamina.layers.layer import Layer
from lamina.ops import math as M


def broadcast_shape(layer, shape1, shape2, shapes):
    """The elementwise result shape of two shapes (batch dim excluded), as NumPy broadcasts
    them, with None for unknown sizes; a clear error naming the layer otherwise."""
    if len(shape1) < len(shape2):
        shape1, shape2 = shape2, shape1
    if not shape2:
        return tuple(shape1)
    out = list(shape1[:len(shape1) - len(shape2)])
    for i, j in zip(shape1[len(shape1) - len(shape2):], shape2):
        if i is None or j is None:
            out.append(None)
        elif i == 1 or j == 1 or i == j:
            out.append(j if i == 1 else i)
        else:
            raise ValueError(f"Layer '{layer.name}' ({type(layer).__name__}): inputs have "
                             f"incompatible shapes {[tuple(s) for s in shapes]}: dimension "
                             f"{i} cannot be combined with {j}")
    return tuple(out)


def check_list(layer, shapes, exactly=None):
    """Merge layers take a list of at least one (or exactly ``exactly``) inputs."""
    if not isinstance(shapes, (list, tuple)) or not shapes or not all(
            isinstance(s, (list, tuple)) for s in shapes):
        raise ValueError(f"Layer '{layer.name}' ({type(layer).__name__}) must be called on a "
                         f"list of tensors, got input shape {shapes}")
    if exactly is not None and len(shapes) != exactly:
        raise ValueError(f"Layer '{layer.name}' ({type(layer).__name__}) must be called on "
                         f"exactly {exactly} inputs, got {len(shapes)}: shapes {list(shapes)}")
    batches = {s[0] for s in shapes if s} - {None}
    if len(batches) > 1:
        raise ValueError(f"Layer '{layer.name}' ({type(layer).__name__}): cannot merge tensors "
                         f"with different batch sizes; input shapes {list(shapes)}")


def as_tensors(inputs):
    return [x if isinstance(x, Tensor) else Tensor(np.asarray(x)) for x in inputs]


class Merge(Layer):
    """Base class: subclasses give ``_merge_function(inputs, masks)`` on a list of Tensors.

    Inputs of lower rank get size-1 axes inserted after the batch axis (as Keras does), then
    shapes broadcast elementwise. The output mask is the OR of the input masks when every
    input has one.
    """

    _exact_inputs = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def build(self, input_shape):
        self.compute_output_shape(input_shape)  # validates, with an error naming the shapes

    def compute_output_shape(self, input_shape):
        check_list(self, input_shape, self._exact_inputs)
        out = tuple(input_shape[0][1:])
        for shape in input_shape[1:]:
            out = broadcast_shape(self, out, tuple(shape[1:]), input_shape)
        batches = {s[0] for s in input_shape} - {None}
        return (batches.pop() if len(batches) == 1 else None,) + out

    def call(self, inputs, mask=None):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) must be called on a "
                             f"list of tensors, got {type(inputs).__name__}")
        inputs = as_tensors(inputs)
        ndims = [x.ndim for x in inputs]
        if len(set(ndims)) > 1:  # lower-rank inputs get axes after the batch axis
            top = max(ndims)
            inputs = [M.reshape(x, x.shape[:1] + (1,) * (top - x.ndim) + x.shape[1:])
                      if x.ndim < top else x for x in inputs]
        masks = list(mask) if isinstance(mask, (list, tuple)) else [None] * len(inputs)
        return self._merge_function(inputs, masks)

    def _merge_function(self, inputs, masks):
        raise NotImplementedError

    def compute_mask(self, inputs, mask=None):
        if mask is None or not isinstance(mask, (list, tuple)):
            return None
        if any(m is None for m in mask):
            return None
        out = np.asarray(mask[0], dtype=bool)
        for m in mask[1:]:
            out = out | np.asarray(m, dtype=bool)
        return out


def expand_mask(mask, x):
    """A (batch, steps) mask broadcast to the shape of ``x`` (batch, steps, ...)."""
    m = np.asarray(mask, dtype=bool)
    m = m.reshape(m.shape + (1,) * (x.ndim - m.ndim))
    return np.broadcast_to(m, x.shape)


def merge_with_masks(op, inputs, masks):
    """``op`` folded over the inputs, where a masked step takes the other operand's value
    (Maximum and Minimum have no identity element to fill with)."""
    out, out_mask = inputs[0], None if masks[0] is None else expand_mask(masks[0], inputs[0])
    for x, m in zip(inputs[1:], masks[1:]):
        m = None if m is None else expand_mask(m, x)
        if m is not None:
            x = M.where(m, x, out)
        if out_mask is not None:
            out = M.where(out_mask, out, x)
        out_mask = None if m is None or out_mask is None else (out_mask | m)
        out = op(out, x)
    return out
