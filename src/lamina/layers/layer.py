"""Layer: the unit networks are written in (build / call / get_config), as in Keras."""
import inspect
import re

import numpy as np

from lamina import backend
from lamina.autodiff.tensor import Tensor, no_grad
from lamina.autodiff.variable import Variable
from lamina.layers.node import Node, SymbolicTensor

_name_counts = {}
add_loss_used = [False]   # whether any layer ever called add_loss (Model._loss_value checks)


def to_snake_case(name):
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()  # as Keras: Conv2D -> conv2d


def unique_name(base):
    """Keras-style unique names: dense, dense_1, dense_2, ..."""
    n = _name_counts.get(base, 0)
    _name_counts[base] = n + 1
    return base if n == 0 else f"{base}_{n}"


def reset_names():
    """Restart the dense, dense_1, ... numbering (Keras's clear_session does this)."""
    _name_counts.clear()


def normalize_shape(shape, what="input_shape"):
    """A shape given as an int (kerasR's ``input_shape = 13``), list or tuple, as a tuple."""
    if shape is None:
        return None
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    try:
        shape = tuple(None if d is None else int(d) for d in shape)
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be an int or a tuple of ints (None for unknown), "
                        f"got {shape!r}") from None
    if any(d is not None and d < 0 for d in shape):
        raise ValueError(f"{what} must not have negative dimensions, got {shape}")
    return shape


class Layer:
    """Base class of every layer.

    Subclasses create weights in ``build(input_shape)`` with ``add_weight``, compute
    in ``call(inputs, training=None)`` with ``lamina.ops``, give the output shape in
    ``compute_output_shape`` and their constructor arguments in ``get_config``.

    >>> class Scale(Layer):
    ...     def build(self, input_shape):
    ...         self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
    ...     def call(self, x):
    ...         return x * self.w
    """

    def __init__(self, trainable=True, name=None, dtype=None, input_shape=None,
                 batch_input_shape=None, input_dim=None, batch_size=None,
                 activity_regularizer=None, **kwargs):
        if kwargs:
            cls = type(self).__name__
            raise TypeError(f"{cls}: unexpected keyword argument(s) {sorted(kwargs)}")
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        self._trainable = bool(trainable)
        self.dtype = _dtype_name(dtype) if dtype is not None else backend.floatx()
        if input_dim is not None and input_shape is None:
            input_shape = (input_dim,)
        if batch_input_shape is not None:
            self._batch_input_shape = normalize_shape(batch_input_shape, "batch_input_shape")
        elif input_shape is not None:
            self._batch_input_shape = (batch_size,) + normalize_shape(input_shape)
        else:
            self._batch_input_shape = None
        from lamina import regularizers
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.built = False
        self._weights = []
        self._sublayers = []
        self._losses = []
        self._inbound_nodes = []  # one Node per call on symbolic tensors (functional graphs)
        self.input_shape = None   # batch shape given to build, known once built
        self.output_shape = None
        self._call_takes_training = "training" in inspect.signature(self.call).parameters
        self._call_takes_mask = "mask" in inspect.signature(self.call).parameters
        self.supports_masking = False

    # --- weights ---------------------------------------------------------------
    def add_weight(self, shape=None, initializer="glorot_uniform", dtype=None, trainable=True,
                   regularizer=None, constraint=None, name=None):
        """Create a Variable owned by this layer (trainable ones are trained by ``fit``)."""
        from lamina import constraints, initializers, regularizers
        shape = () if shape is None else tuple(int(d) for d in shape)
        init = initializers.get(initializer)
        dtype = _dtype_name(dtype) if dtype is not None else self.dtype
        var = Variable(init(shape, dtype=dtype), name=name or f"variable_{len(self._weights)}",
                       trainable=trainable and self._trainable, dtype=dtype,
                       regularizer=regularizers.get(regularizer),
                       constraint=constraints.get(constraint))
        var._wants_training = trainable
        var.path = f"{self.name}/{var.name}"
        self._weights.append(var)
        return var

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        for w in self._weights:
            w.trainable = value and getattr(w, "_wants_training", True)
        for layer in self._sublayers:
            layer.trainable = value

    # --- the symbolic tensors of the first call (Keras's layer.input / layer.output) ------
    @property
    def output(self):
        """The output tensor(s) of the layer's first call on symbolic tensors, as Keras's
        ``layer.output``: ``Model(model.input, model.get_layer("hidden").output)`` is a
        feature extractor."""
        outputs = self._first_node("output").outputs
        return outputs[0] if len(outputs) == 1 else list(outputs)

    @property
    def input(self):
        """The input tensor(s) of the layer's first call on symbolic tensors."""
        node = self._first_node("input")
        if node.is_input:
            return node.outputs[0]
        return list(node.args) if isinstance(node.args, tuple) else node.args

    def _first_node(self, what):
        nodes = self.__dict__.get("_inbound_nodes") or []
        if not nodes:
            raise AttributeError(f"Layer '{self.name}' has never been called on symbolic "
                                 f"tensors (lamina.Input(...)), so it has no {what} yet")
        return nodes[0]

    @property
    def weights(self):
        """Own variables (trainable first), then each sublayer's, in order, as Keras 3."""
        own = ([w for w in self._weights if w.trainable]
               + [w for w in self._weights if not w.trainable])
        return own + [w for layer in self._sublayers for w in layer.weights]

    @property
    def trainable_weights(self):
        return [w for w in self.weights if w.trainable]

    @property
    def non_trainable_weights(self):
        return [w for w in self.weights if not w.trainable]

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights
    variables = weights

    def get_weights(self):
        return [w.data.copy() for w in self.weights]

    def set_weights(self, weights):
        own = self.weights
        if len(weights) != len(own):
            raise ValueError(f"Layer '{self.name}' expects {len(own)} weight arrays "
                             f"({[w.shape for w in own]}), got {len(weights)}")
        for var, value in zip(own, weights):
            value = np.asarray(value)
            if value.shape != var.shape:
                raise ValueError(f"Layer '{self.name}': weight '{var.name}' has shape {var.shape}, "
                                 f"the value given has shape {value.shape}")
        for var, value in zip(own, weights):
            var.assign(value)

    def count_params(self):
        return int(sum(w.data.size for w in self.weights))

    def add_loss(self, loss):
        """Add a loss term from inside ``call`` (Keras's ``add_loss``): ``fit`` adds it to
        the compiled loss. As the activity regularization, a layer keeps its last call's.

        >>> def call(self, inputs):
        ...     self.add_loss(0.1 * ops.sum(inputs))
        ...     return inputs
        """
        if not isinstance(loss, Tensor):
            loss = Tensor(np.asarray(loss, dtype=self.dtype))
        self.__dict__.setdefault("_added_losses", []).append(loss)
        add_loss_used[0] = True   # from now on every training step collects layer losses

    @property
    def losses(self):
        """Regularization losses of the last call (activity, ``add_loss``) and of the weights,
        as Tensors."""
        out = list(self._losses) + self.__dict__.get("_added_losses", [])
        for w in self._weights:
            if w.regularizer is not None:
                out.append(w.regularizer(w))
        for layer in self._sublayers:
            out.extend(layer.losses)
        return out

    # --- building and calling ----------------------------------------------------
    def build(self, input_shape):
        """Create weights for inputs of ``input_shape`` (batch dim first, None if unknown)."""

    def _maybe_build(self, input_shape):
        if not self.built:
            self.input_shape = tuple(input_shape)
            self.build(tuple(input_shape))
            self.built = True
            self.output_shape = self.compute_output_shape(tuple(input_shape))

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        """The output shape for ``input_shape``; by default found by a dry run on zeros."""
        shape = tuple(2 if d is None else d for d in input_shape)
        with no_grad():
            out = self.call(Tensor(np.zeros(shape, dtype=self.dtype)))
        return tuple(None if (i == 0 and input_shape[0] is None) else d
                     for i, d in enumerate(out.shape))

    def __call__(self, inputs, training=None, mask=None, **kwargs):
        if isinstance(inputs, SymbolicTensor) or (
                isinstance(inputs, (list, tuple)) and inputs
                and all(isinstance(t, SymbolicTensor) for t in inputs)):
            return self._call_symbolic(inputs, **kwargs)
        if not isinstance(inputs, (Tensor, list, tuple)):
            inputs = Tensor(np.asarray(inputs, dtype=self.dtype) if np.asarray(inputs).dtype.kind
                            in "fc" else np.asarray(inputs))
        if not self.built:
            self._maybe_build(_shape_of(inputs, batch_dim=True))
        else:
            self._check_input(inputs)
        return self._call_with_mask(inputs, training, mask, kwargs)

    def _call_with_mask(self, inputs, training=None, mask=None, kwargs=None):
        """``call`` with the training flag and the mask handed over as the layer wants them;
        records activity regularization and sets the output's mask."""
        kwargs = {} if kwargs is None else kwargs
        if self._call_takes_training:
            kwargs["training"] = training
        if mask is None:
            mask = _mask_of(inputs)
        if self._call_takes_mask and mask is not None:
            kwargs["mask"] = mask
        if self.__dict__.get("_added_losses"):
            self._added_losses = []  # add_loss terms are the last call's
        out = self.call(inputs, **kwargs)
        if self.activity_regularizer is not None:
            self._losses = [self.activity_regularizer(out)]
        if mask is not None or self._produces_mask:
            out_mask = self.compute_mask(inputs, mask)
            if out_mask is not None and isinstance(out, Tensor):
                out._keras_mask = out_mask
        return out

    # --- masks -------------------------------------------------------------------
    @property
    def _produces_mask(self):
        """True for layers that create a mask (Embedding(mask_zero=True), Masking)."""
        return type(self).compute_mask is not Layer.compute_mask

    def compute_mask(self, inputs, mask=None):
        """The mask of this layer's output: the input's mask if the layer supports masking.

        A mask is a boolean array of shape (batch, timesteps); True marks a real step.
        """
        return mask if self.supports_masking else None

    def _check_input(self, inputs):
        if self.input_shape is None or not isinstance(inputs, Tensor):
            return
        expected = self.input_shape
        got = inputs.data.shape
        if len(got) != len(expected) or any(
                e is not None and e != g for e, g in zip(expected[1:], got[1:])):
            raise ValueError(
                f"Input to layer '{self.name}' ({type(self).__name__}) has shape {got}, but the "
                f"layer was built for inputs of shape {expected} (None = any size)")

    def _call_symbolic(self, inputs, **kwargs):
        shapes = ([t.shape for t in inputs] if isinstance(inputs, (list, tuple))
                  else inputs.shape)
        if not self.built:
            self._maybe_build(shapes)
            out_shape = self.output_shape
        else:
            out_shape = self.compute_output_shape(shapes)
        self._symbolic_kwargs = kwargs
        if isinstance(out_shape, list):
            outs = [SymbolicTensor(s, dtype=self.dtype, layer=self, inputs=inputs, index=i)
                    for i, s in enumerate(out_shape)]
            Node(self, inputs, outs, kwargs)  # one node per call: shared layers have several
            return outs
        out = SymbolicTensor(out_shape, dtype=self.dtype, layer=self, inputs=inputs)
        Node(self, inputs, [out], kwargs)
        return out

    # --- configuration -----------------------------------------------------------
    def get_config(self):
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = list(self._batch_input_shape)
        if self.activity_regularizer is not None:
            from lamina import regularizers
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("dtype"), dict):  # Keras 3 DTypePolicy
            config["dtype"] = config["dtype"].get("config", {}).get("name", "float32")
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _mask_of(inputs):
    if isinstance(inputs, Tensor):
        return inputs._keras_mask
    if isinstance(inputs, (list, tuple)):
        masks = [t._keras_mask if isinstance(t, Tensor) else None for t in inputs]
        return None if all(m is None for m in masks) else masks
    return None


def _shape_of(inputs, batch_dim=True):
    if isinstance(inputs, (list, tuple)):
        return [_shape_of(t) for t in inputs]
    shape = tuple(inputs.shape)
    return (None,) + shape[1:] if batch_dim else shape


def _dtype_name(dtype):
    if isinstance(dtype, dict):
        return dtype.get("config", {}).get("name", backend.floatx())
    return np.dtype(dtype).name
