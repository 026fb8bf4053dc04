"""Differentiable functions on Tensors, for layers and for users' own layers."""
from lamina.ops.activations import activate
from lamina.ops.math import (
                             abs,
                             add,
                             clip,
                             concatenate,
                             divide,
                             exp,
                             expand_dims,
                             getitem,
                             log,
                             matmul,
                             max,
                             maximum,
                             mean,
                             min,
                             minimum,
                             multiply,
                             negative,
                             power,
                             reshape,
                             sqrt,
                             square,
                             squeeze,
                             stack,
                             subtract,
                             sum,
                             transpose,
                             unbroadcast,
                             where,
)
from lamina.ops.nn import (
                             dense,
                             dropout,
                             sigmoid_cross_entropy,
                             softmax_cross_entropy,
                             sparse_softmax_cross_entropy,
                             weighted_mean,
)

__all__ = [
    "abs", "activate", "add", "clip", "concatenate", "dense", "divide", "dropout", "exp",
    "expand_dims", "getitem", "log", "matmul", "max", "maximum", "mean", "min", "minimum",
    "multiply", "negative", "power", "reshape", "sigmoid_cross_entropy", "softmax_cross_entropy",
    "sparse_softmax_cross_entropy", "sqrt", "square", "squeeze", "stack", "subtract", "sum",
    "transpose", "unbroadcast", "weighted_mean",
]
