"""Keras 3's ``keras.ops`` neural-network ops (``keras/src/ops/nn.py``) on lamina Tensors.

Activations run the same kernels as the activation layers; the cross-entropies are Keras's
backend functions (no reduction over the batch), computed by lamina's fused loss ops.
``logsumexp``, ``top_k`` and ``in_top_k`` are Keras math ops (``keras_math``); this module
has always served them too, so it still does.

>>> from lamina import ops
>>> ops.one_hot([0, 2], 3)
Tensor([[1. 0. 0.]
        [0. 0. 1.]])
"""
import numpy as np

from lamina.autodiff.tensor import Function, Tensor
from lamina.backend import epsilon as _epsilon
from lamina.backend import floatx
from lamina.ops import activations as A
from lamina.ops import losses as fused
from lamina.ops import math as M
from lamina.ops import nn as N
from lamina.ops.keras_core import _const, _d, _ft, _np_dtype
from lamina.ops.keras_linalg import norm
from lamina.ops.keras_math import in_top_k, logsumexp, rsqrt, top_k

# --- activations ------------------------------------------------------------------------------


def relu(x):
    return A.activate(_ft(x), A.ReLU())


def relu6(x):
    return A.activate(_ft(x), A.ReLU6())


def leaky_relu(x, negative_slope=0.2):
    return A.activate(_ft(x), A.LeakyReLU(negative_slope))


def elu(x, alpha=1.0):
    return A.activate(_ft(x), A.ELU(alpha))


def selu(x):
    return A.activate(_ft(x), A.SELU())


def gelu(x, approximate=True):
    """GELU; ``keras.ops.gelu`` defaults to the tanh approximation (the layer does not)."""
    return A.activate(_ft(x), A.GELU(approximate))


def sigmoid(x):
    return A.activate(_ft(x), A.Sigmoid())


def hard_sigmoid(x):
    return A.activate(_ft(x), A.HardSigmoid())


def hard_silu(x):
    x = _ft(x)
    return M.multiply(x, hard_sigmoid(x))


def silu(x):
    return A.activate(_ft(x), A.Swish())


def softplus(x):
    return A.activate(_ft(x), A.Softplus())


def softsign(x):
    return A.activate(_ft(x), A.Softsign())


def log_sigmoid(x):
    """log(sigmoid(x)) = -softplus(-x), stable for large |x|."""
    return M.negative(softplus(M.negative(_ft(x))))


def softmax(x, axis=-1):
    return A.activate(_ft(x), A.Softmax(axis))


def log_softmax(x, axis=-1):
    return A.activate(_ft(x), A.LogSoftmax(axis))


swish, hard_swish = silu, hard_silu


# --- encodings -------------------------------------------------------------------------------

def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot encoding of integer ``x``, the class axis at ``axis`` of the result; indices
    outside ``[0, num_classes)`` encode as all zeros (as Keras). A constant Tensor.

    >>> one_hot([1, -1], 3, axis=0)
    Tensor([[0. 0.]
            [1. 0.]
            [0. 0.]])
    """
    if sparse:
        raise ValueError("one_hot: sparse=True is not supported; lamina tensors are dense")
    idx = _d(x).astype(np.intp)
    out = (idx[..., None] == np.arange(int(num_classes))).astype(_np_dtype(dtype) or floatx())
    if axis != -1:
        out = np.moveaxis(out, -1, axis)
    return _const(out)


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Multi-hot encoding: 1 for every class listed in a sample (axis 1 for batched input)."""
    num_classes = kwargs.pop("num_tokens", num_classes)
    if kwargs:
        raise TypeError(f"multi_hot: unexpected arguments {sorted(kwargs)}")
    if num_classes is None:
        raise ValueError("multi_hot: give num_classes")
    x = _d(inputs)
    encoded = one_hot(x, num_classes, axis=axis, dtype=dtype, sparse=sparse).data
    return _const(encoded.max(axis=1 if x.ndim > 1 else 0))


# --- cross-entropies (Keras's backend form: per element / per sample, no batch mean) --------

class _Pointwise(Function):
    """An elementwise fused-loss kernel from ``lamina.ops.losses``, with no reduction."""

    def forward(self, p, t):
        self.p, self.t = p, t
        v, self.cache = self.kernel.value(p, t)
        return v.astype(p.dtype, copy=False)

    def backward(self, g):
        dp, dt = self.kernel.grads(self.cache, self.p, self.t)
        gp = g * dp if self.needs_grad[0] else None
        gt = g * dt if len(self.needs_grad) > 1 and self.needs_grad[1] else None
        return gp, gt


def _target_output(name, target, output):
    output = _ft(output)
    target = target if isinstance(target, Tensor) else np.asarray(target)
    if _d(target).dtype != output.dtype:
        target = np.asarray(_d(target), dtype=output.dtype)
    if tuple(_d(target).shape) != output.shape:
        raise ValueError(f"{name}: `target` and `output` must have the same shape; got "
                         f"target.shape={_d(target).shape}, output.shape={output.shape}")
    return target, output


def binary_crossentropy(target, output, from_logits=False):
    """Elementwise binary cross-entropy; probabilities are clipped to
    ``[epsilon, 1 - epsilon]``, logits scored stably."""
    target, output = _target_output("binary_crossentropy", target, output)
    kernel = fused._SigmoidCrossentropy() if from_logits else fused._BinaryCrossentropy()
    return _Pointwise.apply(output, target, kernel=kernel)


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Per-sample ``-sum(target * log(output), axis)``; probabilities are normalised along
    ``axis`` and clipped to ``[epsilon, 1 - epsilon]`` first."""
    target, output = _target_output("categorical_crossentropy", target, output)
    if output.ndim < 1:
        raise ValueError("categorical_crossentropy: target and output must be at least rank 1")
    if not from_logits:
        return fused.CategoricalCrossentropyProbs.apply(output, target, axis=axis)
    if isinstance(target, Tensor) and target.requires_grad:
        return M.negative(M.sum(M.multiply(target, log_softmax(output, axis)), axis=axis))
    return N.softmax_cross_entropy(output, target, axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Per-sample cross-entropy for integer class labels ``target`` (shape
    ``output.shape[:-1]``, or with a trailing 1)."""
    output = _ft(output)
    labels = _d(target).astype(np.intp)
    if labels.ndim == output.ndim and labels.shape[-1] == 1:
        labels = labels[..., 0]
    ax = axis % max(output.ndim, 1)
    if output.ndim < 1 or labels.shape != output.shape[:ax] + output.shape[ax + 1:]:
        raise ValueError("sparse_categorical_crossentropy: `target` must have the shape of "
                         f"`output` without its class axis {axis}; got "
                         f"target.shape={labels.shape}, output.shape={output.shape}")
    n = output.shape[axis]
    if labels.size and (labels.min() < 0 or labels.max() >= n):
        raise ValueError(f"sparse_categorical_crossentropy: labels must be in [0, {n}); got "
                         f"values from {labels.min()} to {labels.max()}")
    if ax != output.ndim - 1:
        return categorical_crossentropy(one_hot(labels, n, axis=axis, dtype=output.dtype),
                                        output, from_logits=from_logits, axis=axis)
    if from_logits:
        return N.sparse_softmax_cross_entropy(output, labels)
    return fused.SparseCategoricalCrossentropyProbs.apply(output, labels)


# --- statistics and normalisation ---------------------------------------------------------

def moments(x, axes, keepdims=False, synchronized=False):
    """(mean, variance) of ``x`` over ``axes``, both differentiable."""
    if synchronized:
        raise NotImplementedError("moments: synchronized=True needs several devices")
    x = _ft(x)
    axes = tuple(axes) if isinstance(axes, (list, tuple)) else (axes,)
    m = M.mean(x, axis=axes, keepdims=True)
    v = M.mean(M.square(M.subtract(x, m)), axis=axes, keepdims=True)
    if keepdims:
        return m, v
    return M.squeeze(m, axes), M.squeeze(v, axes)


def normalize(x, axis=-1, order=2, epsilon=None):  # noqa: A002
    """``x`` divided by its ``order``-norm along ``axis`` (floored at ``epsilon``)."""
    x = _ft(x)
    eps = _epsilon() if epsilon is None else epsilon
    if order == 2:
        inv = rsqrt(M.sum(M.square(x), axis=axis, keepdims=True))
        return M.multiply(x, M.minimum(inv, 1.0 / eps))
    return M.divide(x, M.maximum(norm(x, ord=order, axis=axis, keepdims=True), eps))


__all__ = [
    "binary_crossentropy", "categorical_crossentropy", "elu", "gelu", "hard_sigmoid",
    "hard_silu", "hard_swish", "in_top_k", "leaky_relu", "log_sigmoid", "log_softmax",
    "logsumexp", "moments", "multi_hot", "normalize", "one_hot", "relu", "relu6", "selu",
    "sigmoid", "silu", "softmax", "softplus", "softsign", "sparse_categorical_crossentropy",
    "swish", "top_k",
]
