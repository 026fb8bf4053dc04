"""Wrappers: Bidirectional (an RNN both ways) and TimeDistributed (a layer per timestep)."""
import numpy as np

from lamina import ops
from lamina.autodiff.tensor import Function, Tensor
from lamina.layers.layer import Layer
from lamina.utils.layer_serialization import deserialize_layer as _deserialize
from lamina.utils.layer_serialization import serialize_layer


def _serialize(layer):
    return serialize_layer(layer, build_config=False)


_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


class _ReverseTime(Function):
    """x[:, ::-1] (a view) with its gradient reversed back."""

    def forward(self, a):
        return a[:, ::-1]

    def backward(self, g):
        return g[:, ::-1]


def _layer_from(arg, owner, dtype=None):
    """A Layer instance, or one made from a serialized layer (dict; our dtype if it has none)."""
    if isinstance(arg, dict):
        arg = dict(arg)
        config = dict(arg.get("config", {}))
        if dtype is not None and "dtype" not in config:
            config["dtype"] = dtype
        arg["config"] = config
        return _deserialize(arg)
    if not isinstance(arg, Layer):
        raise ValueError(f"{owner}: expected a lamina Layer instance (or a serialized layer), "
                         f"got {arg!r}")
    return arg


def _removeprefix(name, prefix):
    return name[len(prefix):] if name.startswith(prefix) else name


class Bidirectional(Layer):
    """Runs a recurrent layer forwards and a copy of it backwards, and merges the outputs.

    Args:
        layer: an RNN layer (SimpleRNN, LSTM, GRU, RNN(cell), ...). It is used as a
            template: the wrapper makes its own forward and backward layers from its
            config, with fresh weights.
        merge_mode: ``"concat"`` (default), ``"sum"``, ``"mul"``, ``"ave"`` or None (a list
            ``[forward, backward]``).
        weights: optional initial weights (forward layer's, then backward layer's).
        backward_layer: optional layer for the backward direction (it must have the
            opposite ``go_backwards`` and the same ``return_sequences``, ``return_state``
            and ``stateful``).

    Call arguments as the wrapped layer; with ``initial_state`` the first half of the list
    goes to the forward layer, the second half to the backward one. With
    ``return_sequences`` masked timesteps output zeros (Keras forces
    ``zero_output_for_mask`` there), and the backward outputs are re-reversed to line up
    with the forward ones. Weights: the forward layer's, then the backward layer's.

    >>> layer = Bidirectional(LSTM(10, return_sequences=True))
    >>> layer(np.zeros((2, 5, 3))).shape
    (2, 5, 20)
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        super().__init__(**kwargs)
        dtype = kwargs.get("dtype")
        layer = _layer_from(layer, f"Bidirectional '{self.name}'", dtype)
        if merge_mode not in _MERGE_MODES:
            raise ValueError(f"Bidirectional '{self.name}': invalid merge_mode {merge_mode!r}; "
                             "expected one of 'sum', 'mul', 'ave', 'concat', None")
        for attr in ("go_backwards", "return_sequences", "return_state"):
            if not hasattr(layer, attr):
                raise ValueError(f"Bidirectional '{self.name}': the wrapped layer must be a "
                                 f"recurrent layer with `{attr}`, got {type(layer).__name__}")

        def copy(prefix, go_backwards=None):
            config = _serialize(layer)
            config["config"] = dict(config["config"])
            config["config"]["name"] = prefix + _removeprefix(layer.name, prefix)
            if go_backwards is not None:
                config["config"]["go_backwards"] = go_backwards
            if dtype is not None:
                config["config"]["dtype"] = self.dtype
            return _deserialize(config)

        self.forward_layer = copy("forward_")
        if backward_layer is None:
            self.backward_layer = copy("backward_", True)
        else:
            self.backward_layer = _layer_from(backward_layer, f"Bidirectional '{self.name}'",
                                              dtype)
        if self.forward_layer.go_backwards == self.backward_layer.go_backwards:
            raise ValueError(
                f"Bidirectional '{self.name}': the forward and backward layers need different "
                f"`go_backwards` values, got {self.forward_layer.go_backwards} for both")
        for attr in ("stateful", "return_sequences", "return_state"):
            f, b = getattr(self.forward_layer, attr, None), getattr(self.backward_layer, attr,
                                                                    None)
            if f != b:
                raise ValueError(f"Bidirectional '{self.name}': the forward and backward "
                                 f"layers must have the same `{attr}`, got {f} and {b}")
        for sub in (self.forward_layer, self.backward_layer):
            if hasattr(sub, "zero_output_for_mask"):
                sub.zero_output_for_mask = sub.return_sequences
        self._sublayers.extend([self.forward_layer, self.backward_layer])
        self.merge_mode = merge_mode
        self.stateful = getattr(layer, "stateful", False)
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True
        self._initial_weights = weights

    def build(self, sequences_shape, initial_state_shape=None):
        for sub in (self.forward_layer, self.backward_layer):
            if not sub.built:
                sub._maybe_build(tuple(sequences_shape))
        if self._initial_weights:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        out = self.forward_layer.compute_output_shape(tuple(sequences_shape))
        states = []
        if self.return_state:
            out, states = out[0], list(out[1:])
        if self.merge_mode == "concat":
            out = tuple(out[:-1]) + (out[-1] * 2,)
        outs = [tuple(out), tuple(out)] if self.merge_mode is None else [tuple(out)]
        if self.return_state:
            return outs + states + states
        return outs if self.merge_mode is None else outs[0]

    def call(self, sequences, initial_state=None, mask=None, training=None):
        fwd_state = bwd_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            fwd_state, bwd_state = list(initial_state[:half]), list(initial_state[half:])
        y = self.forward_layer(sequences, training=training, mask=mask, initial_state=fwd_state)
        y_rev = self.backward_layer(sequences, training=training, mask=mask,
                                    initial_state=bwd_state)
        states = []
        if self.return_state:
            states = list(y[1:]) + list(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = _ReverseTime.apply(y_rev)
        mode = self.merge_mode
        if mode == "concat":
            out = ops.concatenate([y, y_rev], axis=-1)
        elif mode == "sum":
            out = y + y_rev
        elif mode == "ave":
            out = (y + y_rev) * 0.5
        elif mode == "mul":
            out = y * y_rev
        else:
            out = [y, y_rev]
        if mask is not None and self.return_sequences:
            for t in (out if isinstance(out, list) else [out]):
                t._keras_mask = mask
        if self.return_state:
            return (out if isinstance(out, list) else [out]) + states
        return out

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        return mask if self.return_sequences else None

    def _check_input(self, inputs):
        return  # the wrapped layers check their inputs

    @property
    def states(self):
        f, b = getattr(self.forward_layer, "states", None), getattr(self.backward_layer,
                                                                    "states", None)
        return tuple(f) + tuple(b) if f and b else None

    def reset_state(self):
        if not self.stateful:
            raise AttributeError(f"Layer '{self.name}' must be stateful to reset its states")
        self.forward_layer.reset_state()
        self.backward_layer.reset_state()

    def reset_states(self):
        self.reset_state()

    def get_config(self):
        return {**super().get_config(), "merge_mode": self.merge_mode,
                "layer": _serialize(self.forward_layer),
                "backward_layer": _serialize(self.backward_layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = config["dtype"].get("config", {}).get("name", "float32")
        config["layer"] = _deserialize(config["layer"], custom_objects=custom_objects)
        if config.get("backward_layer") is not None:
            config["backward_layer"] = _deserialize(config["backward_layer"],
                                                   custom_objects=custom_objects)
        return cls(**config)


class TimeDistributed(Layer):
    """Applies a layer to every timestep of its input: (batch, time, ...) -> the layer's
    output for each (batch, time) slice, with the same weights for all timesteps.

    The timesteps are folded into the batch, so the wrapped layer runs once on
    (batch * time, ...). A mask passes through.

    Args:
        layer: a Layer instance (or a serialized layer).

    >>> TimeDistributed(Dense(8))(np.zeros((32, 10, 16))).shape
    (32, 10, 8)
    """

    def __init__(self, layer, **kwargs):
        super().__init__(**kwargs)
        self.layer = _layer_from(layer, f"TimeDistributed '{self.name}'", kwargs.get("dtype"))
        self._sublayers.append(self.layer)
        self.supports_masking = True

    def _child_shape(self, input_shape):
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) < 3:
            raise ValueError(f"TimeDistributed '{self.name}': expected inputs with at least 3 "
                             f"dimensions (batch, time, ...), got shape {input_shape}")
        return (input_shape[0],) + tuple(input_shape[2:])

    def build(self, input_shape):
        child = self._child_shape(tuple(input_shape))
        if not self.layer.built:
            self.layer._maybe_build(child)

    def compute_output_shape(self, input_shape):
        child = self.layer.compute_output_shape(self._child_shape(tuple(input_shape)))
        return (child[0], input_shape[1]) + tuple(child[1:])

    def call(self, inputs, training=None, mask=None):
        x = inputs if isinstance(inputs, Tensor) else Tensor(np.asarray(inputs))
        if x.ndim < 3:
            raise ValueError(f"TimeDistributed '{self.name}': expected inputs with at least 3 "
                             f"dimensions (batch, time, ...), got shape {x.shape}")
        B, T = x.shape[0], x.shape[1]
        flat = ops.reshape(x, (B * T,) + x.shape[2:])
        kwargs = {}
        if self.layer._call_takes_mask and mask is not None:
            kwargs["mask"] = np.asarray(mask).reshape((B * T,) + np.shape(mask)[2:])
        y = self.layer(flat, training=training, **kwargs)
        return ops.reshape(y, (B, T) + y.shape[1:])

    def _check_input(self, inputs):
        return  # the wrapped layer checks each timestep's shape

    def get_config(self):
        return {**super().get_config(), "layer": _serialize(self.layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = config["dtype"].get("config", {}).get("name", "float32")
        config["layer"] = _deserialize(config["layer"], custom_objects=custom_objects)
        return cls(**config)
