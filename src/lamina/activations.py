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
    """An activation function from a name, a config entry, a function, or None (linear).

    A name that is neither lamina's nor registered (``register_keras_serializable``,
    ``custom_objects``) raises a ``ValueError`` naming its close matches; code stored in a
    config (a Keras marshalled lambda, a function by its source) is refused in safe mode.
    """
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        return _by_name(identifier)
    if isinstance(identifier, dict):
        return _from_entry(identifier)
    if callable(identifier):
        return identifier
    raise TypeError(f"Could not interpret activation {identifier!r}: expected a name "
                    f"(one of {', '.join(sorted(ALL))}) or a callable")


def _by_name(name):
    fn = ALL.get(name.lower())
    if fn is None:
        from lamina.utils.serialization import find_function
        fn = find_function(name, builtins=False)  # a user's, registered or in a scope
    if fn is None:
        from lamina.utils.serialization import unknown_name
        raise unknown_name("activation", name, ALL)
    return fn


def _from_entry(entry):
    from lamina.utils.object_registration import get_registered_object
    from lamina.utils.serialization import deserialize_callable, find_function
    name, config = entry.get("class_name"), entry.get("config")
    if name == "__lambda__":
        return deserialize_callable(entry)  # refused in safe mode; runs otherwise
    if name == "function":
        module = entry.get("module")
        if (find_function(str(config), entry) is None and not entry.get("source")
                and (module in (None, "builtins") or str(module).startswith("keras"))):
            return _by_name(str(config))  # nothing to rebuild: an unknown name
        return deserialize_callable(entry)
    custom = (get_registered_object(entry.get("registered_name"))
              or get_registered_object(name))
    if isinstance(custom, type) and hasattr(custom, "from_config"):
        return custom.from_config(dict(config or {}))  # a registered activation class
    if custom is not None and callable(custom):
        return custom
    inner = config.get("name") if isinstance(config, dict) else config
    if isinstance(inner, str):  # older entries: {"config": "relu"} or {"config": {"name": ...}}
        return _by_name(inner)
    from lamina.utils.serialization import unknown_name
    raise unknown_name("activation", name, ALL)


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
