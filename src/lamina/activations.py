"""Activation functions, by Keras's names, as functions and as strings.

Each function maps a Tensor to a Tensor and carries a ``kernel`` (forward and
backward on raw arrays) that layers such as Dense fuse into their own op.

>>> from lamina import activations
>>> activations.get("relu")(Tensor([-1.0, 2.0]))
Tensor([0., 2.])
"""
from lamina.autodiff.tensor import as_tensor
from lamina.ops import activations as K
from lamina.ops.activations import activate


def _make(name, kernel_cls, doc, **defaults):
    def fn(x, **kwargs):
        for key in kwargs:
            if key not in defaults:
                raise TypeError(f"activation '{name}' got an unexpected argument {key!r}; "
                                f"it takes {sorted(defaults) or 'no arguments'}")
        kernel = fn.kernel if not kwargs else kernel_cls(**{**defaults, **kwargs})
        return activate(as_tensor(x), kernel)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    fn.kernel = kernel_cls(**defaults)
    return fn


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0, alpha=None):
    """max(x, 0); below ``threshold`` the slope is ``negative_slope`` (Keras 2 called it
    ``alpha``), and the output is capped at ``max_value``."""
    if alpha is not None:
        negative_slope = alpha
    kernel = K.ReLU(negative_slope, max_value, threshold)
    return activate(as_tensor(x), relu.kernel if kernel.plain else kernel)


relu.kernel = K.ReLU()

linear = _make("linear", K.Linear, "Identity: returns its input unchanged.")
sigmoid = _make("sigmoid", K.Sigmoid, "1 / (1 + exp(-x)).")
hard_sigmoid = _make("hard_sigmoid", K.HardSigmoid, "clip(x / 6 + 0.5, 0, 1), as Keras 3.")
tanh = _make("tanh", K.Tanh, "Hyperbolic tangent.")
softmax = _make("softmax", K.Softmax, "exp(x) / sum(exp(x)) along ``axis``.", axis=-1)
log_softmax = _make("log_softmax", K.LogSoftmax, "log(softmax(x)) along ``axis``.", axis=-1)
elu = _make("elu", K.ELU, "x if x > 0 else alpha * (exp(x) - 1).", alpha=1.0)
selu = _make("selu", K.SELU, "Scaled ELU with Keras's fixed alpha and scale.")
softplus = _make("softplus", K.Softplus, "log(1 + exp(x)).")
softsign = _make("softsign", K.Softsign, "x / (1 + |x|).")
exponential = _make("exponential", K.Exponential, "exp(x).")
gelu = _make("gelu", K.GELU, "Gaussian error linear unit (exact unless approximate=True).",
             approximate=False)
silu = _make("silu", K.Swish, "x * sigmoid(x).")
swish = silu
leaky_relu = _make("leaky_relu", K.LeakyReLU, "x if x > 0 else negative_slope * x.",
                   negative_slope=0.2)
relu6 = _make("relu6", K.ReLU6, "min(max(x, 0), 6).")
mish = _make("mish", K.Mish, "x * tanh(softplus(x)).")

ALL = {f.__name__: f for f in (linear, relu, sigmoid, hard_sigmoid, tanh, softmax, log_softmax,
                                elu, selu, softplus, softsign, exponential, gelu, silu,
                                leaky_relu, relu6, mish)}
ALL["swish"] = silu


def get(identifier):
    """An activation function from a name, a function, or None (linear)."""
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        fn = ALL.get(identifier.lower())
        if fn is None:
            raise ValueError(f"Unknown activation {identifier!r}. "
                             f"Valid names: {', '.join(sorted(ALL))}")
        return fn
    if isinstance(identifier, dict):
        if identifier.get("class_name") == "function":
            from lamina.utils.serialization import deserialize_callable
            return deserialize_callable(identifier)
        config = identifier.get("config")
        return get(config.get("name") if isinstance(config, dict) else config)
    if callable(identifier):
        return identifier
    raise TypeError(f"Could not interpret activation {identifier!r}: expected a name "
                    f"(one of {', '.join(sorted(ALL))}) or a callable")


def serialize(activation):
    """The name Keras writes into a layer config for ``activation``."""
    name = getattr(activation, "__name__", None)
    if name in ALL:
        return name
    from lamina.utils.serialization import serialize_callable
    return serialize_callable(activation)


def deserialize(config):
    return get(config)


def kernel_of(activation):
    """The raw-array kernel behind ``activation``, or None for a user's own function."""
    return getattr(activation, "kernel", None)
