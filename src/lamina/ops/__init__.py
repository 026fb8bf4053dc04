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

# Keras 3's keras.ops names and signatures (they also accept NumPy arrays and Python scalars);
# where a name exists above, the Keras form replaces it here (e.g. concatenate's axis=0)
from lamina.ops import keras_nn, keras_ops  # noqa: E402

for _module in (keras_ops, keras_nn):
    globals().update({_name: getattr(_module, _name) for _name in _module.__all__})
__all__ = sorted(set(__all__) | set(keras_ops.__all__) | set(keras_nn.__all__))
del _module
