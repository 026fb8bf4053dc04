"""Sequential: a plain stack of layers, each feeding the next."""
from lamina.layers.core.input_layer import InputLayer
from lamina.layers.layer import Layer, SymbolicTensor
from lamina.models.model import Model


class Sequential(Model):
    """A linear stack of layers.

    Shapes are known as soon as the first layer knows its input shape, so ``summary()``
    works before any data arrives.

    >>> model = Sequential([Dense(50, input_shape=(13,)), Activation("relu"), Dense(1)])
    >>> model.compile(optimizer="rmsprop", loss="mse")
    >>> model.fit(x, y, epochs=10, batch_size=32)
    """

    _auto_track = False  # layers come through add(), not attributes

    def __init__(self, layers=None, trainable=True, name=None):
        super().__init__(trainable=trainable, name=name)
        self._input_layer = None
        self._forward_plan = None
        for layer in layers or []:
            self.add(layer)

    @property
    def layers(self):
        return list(self._sublayers)

    def add(self, layer):
        """Append a layer (or an ``Input``) and build it if the input shape is known."""
        if isinstance(layer, SymbolicTensor):
            if not isinstance(layer._layer, InputLayer):
                raise TypeError("Sequential.add: only an Input(...) tensor can be added, not the "
                                "output of another layer")
            layer = layer._layer
        if isinstance(layer, InputLayer):
            if self._sublayers or self._input_layer is not None:
                raise ValueError("Sequential.add: an Input must come first")
            self._input_layer = layer
            self._rebuild()
            return
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add: expected a lamina Layer, got {type(layer).__name__}")
        if any(layer is other for other in self._sublayers):
            raise ValueError(f"Sequential.add: layer '{layer.name}' is already in the model")
        taken = [la.name for la in self._sublayers] + (
            [self._input_layer.name] if self._input_layer is not None else [])
        if layer.name in taken:  # as Keras 3: weights are saved (and found) by layer name
            raise ValueError(
                "All layers added to a Sequential model should have unique names. Name "
                f"'{layer.name}' is already the name of a layer in this model. Update the "
                "`name` argument to pass a unique name.")
        self._sublayers.append(layer)
        self._invalidate()
        self._rebuild()

    # --- Keras's symbolic view: model.inputs / outputs and each layer's .output ---------
    @property
    def inputs(self):
        return [self._symbolic_graph()[0]]

    @property
    def outputs(self):
        return [self._symbolic_graph()[1]]

    @property
    def input(self):
        return self._symbolic_graph()[0]

    @property
    def output(self):
        return self._symbolic_graph()[1]

    def _symbolic_graph(self):
        """(input, output) tensors of the stack called on an ``Input``, made when first
        asked for (as Keras's Sequential keeps a functional graph): Keras's feature
        extractor ``Model(seq.inputs, [la.output for la in seq.layers])`` works."""
        key = tuple(id(la) for la in self._sublayers)
        graph = self.__dict__.get("_symbolic")
        if graph is None or graph[0] != key:
            if self._input_layer is not None:
                x = inp = self._input_layer.output
            else:
                shape = self._declared_input_shape()
                if shape is None:
                    raise AttributeError(f"Sequential model '{self.name}' has no input shape "
                                         "yet, so no inputs / outputs: start it with "
                                         "lamina.Input(shape=...) or build it first")
                from lamina.layers.core.input_layer import Input
                x = inp = Input(batch_shape=shape)
            for layer in self._sublayers:
                x = layer(x)
            graph = self._symbolic = (key, inp, x)
        return graph[1], graph[2]

    def pop(self):
        """Remove the last layer."""
        if not self._sublayers:
            raise IndexError("Sequential.pop: the model has no layers")
        layer = self._sublayers.pop()
        self._invalidate()
        if self.built:
            self.output_shape = (self._sublayers[-1].output_shape if self._sublayers
                                 else self.input_shape)
        return layer

    def _invalidate(self):
        self._forward_plan = None
        self._train_ready = False
        self._metrics = None if self.compiled else self._metrics

    def _declared_input_shape(self):
        if self._input_layer is not None:
            return self._input_layer.batch_shape
        if self._sublayers:
            first = self._sublayers[0]
            if first.built and first.input_shape is not None:
                return first.input_shape
            return first._batch_input_shape
        return None

    def _rebuild(self):
        shape = self._declared_input_shape()
        if shape is not None and self._sublayers:
            self._build_layers(shape)

    def _build_layers(self, input_shape):
        shape = tuple(input_shape)
        for layer in self._sublayers:
            if not layer.built:
                layer._maybe_build(shape)
            elif layer.input_shape is not None and not _compatible(layer.input_shape, shape):
                raise ValueError(f"Sequential: layer '{layer.name}' was built for inputs of shape "
                                 f"{layer.input_shape} but receives {shape}")
            shape = layer.compute_output_shape(shape)
        self.input_shape = tuple(input_shape)
        self.output_shape = shape
        self.built = True

    def build(self, input_shape=None):
        input_shape = input_shape or self._declared_input_shape()
        if input_shape is None:
            raise ValueError("Sequential.build: the input shape is unknown; give input_shape= "
                             "to the first layer or call build((None, features))")
        self._build_layers(tuple(input_shape))

    def _maybe_build(self, input_shape):
        if not self.built or self.input_shape is None:
            self._build_layers(tuple(input_shape))

    def call(self, inputs, training=None):
        x = inputs
        for layer in self._sublayers:
            x = layer(x, training=training)
        return x

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        for layer in self._sublayers:
            shape = layer.compute_output_shape(shape)
        return shape

    # the hot path: the input was checked once per fit/predict, so call each layer directly
    def _forward(self, x, training=False):
        plan = self._forward_plan
        if plan is None:
            plan = self._forward_plan = self._make_plan()
        for layer, call, takes_training, general in plan:
            if general:
                x = layer._call_with_mask(x, training)
                continue
            mask = x._keras_mask
            out = call(x, training=training) if takes_training else call(x)
            if mask is not None and out is not x and layer.supports_masking:
                out._keras_mask = mask
            x = out
        return x

    def _make_plan(self):
        """Per step: (layer, callable, takes training, needs the general path).

        The general path is for layers that take or make masks or regularize their activity,
        and for a user's own layers (their ``call`` may ``add_loss``, which that path resets
        on every call).
        A linear Dense followed by an Activation layer (kerasR's usual style) runs as one
        fused dense op, as ``Dense(activation=...)`` would. A ReLU convolution followed by
        max pooling (the usual convnet block) pools first and applies the ReLU to the
        pooled, smaller array (see ``_pool_then_relu``).
        """
        from lamina.layers.core.activation import Activation
        from lamina.layers.core.dense import Dense
        plan = []
        layers = self._sublayers
        i = 0
        while i < len(layers):
            layer = layers[i]
            nxt = layers[i + 1] if i + 1 < len(layers) else None
            if (type(layer) is Dense and type(nxt) is Activation and layer._kernel is not None
                    and layer._kernel.name == "linear" and layer.activity_regularizer is None
                    and nxt.activity_regularizer is None
                    and getattr(nxt.activation, "kernel", None) is not None):
                plan.append((layer, _fused_dense(layer, nxt.activation.kernel), False, False))
                i += 2
                continue
            if _relu_conv_then_max_pool(layer, nxt):
                plan.append((layer, _pool_then_relu(layer, nxt), False, False))
                i += 2
                continue
            plan.append((layer, layer.call, layer._call_takes_training,
                         layer._call_takes_mask or layer._produces_mask
                         or layer.activity_regularizer is not None
                         or not type(layer).__module__.startswith("lamina.")))
            i += 1
        return plan

    def _check_input_array(self, x):
        if not self._sublayers:
            raise ValueError("Sequential: the model has no layers; add some with model.add(...)")
        expected = self.input_shape if self.built else self._declared_input_shape()
        if expected is None:
            return
        got = x.shape
        if len(got) != len(expected) or any(e is not None and e != g
                                            for e, g in zip(expected[1:], got[1:])):
            first = self._sublayers[0]
            raise ValueError(
                f"Input 0 of layer '{first.name}' ({type(first).__name__}) is incompatible with "
                f"the data: expected shape {expected} (None = any size), got data of shape {got}"
                + (f": {expected[-1]} features per sample expected, {got[-1]} given"
                   if len(got) == len(expected) and len(got) >= 2 else ""))

    def get_config(self):
        from lamina.layers import serialize
        layers = []
        if self._input_layer is not None:
            layers.append(serialize(self._input_layer))
        layers += [serialize(layer) for layer in self._sublayers]
        return {"name": self.name, "trainable": self.trainable, "layers": layers}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.layers import deserialize
        model = cls(name=config.get("name"))
        for layer_config in config.get("layers", []):
            model.add(deserialize(layer_config, custom_objects=custom_objects))
        return model


def _fused_dense(dense, kernel):
    from lamina.ops import nn

    def call(x):
        return nn.dense(x, dense.kernel, dense.bias, kernel)
    return call


def _relu_conv_then_max_pool(conv, pool):
    from lamina.layers.convolutional.base_conv import Conv1D, Conv2D, Conv3D
    from lamina.layers.pooling import MaxPooling1D, MaxPooling2D, MaxPooling3D
    from lamina.ops.activations import ReLU
    kernel = getattr(conv, "_kernel", None)
    return (type(conv) in (Conv1D, Conv2D, Conv3D)
            and type(pool) in (MaxPooling1D, MaxPooling2D, MaxPooling3D)
            and type(kernel) is ReLU and kernel.plain and conv.data_format == pool.data_format
            and conv.activity_regularizer is None and pool.activity_regularizer is None)


def _pool_then_relu(conv, pool):
    """max_pool(relu(conv(x))) as relu(max_pool(conv(x))): the same numbers, and the same
    gradients (a window whose maximum is positive routes to the same first maximum either
    way, one whose maximum is not gets nothing either way), but the ReLU and its mask run
    on the pooled array, a quarter of the size for 2x2 pooling. A 2-D convolution with the
    usual 2x2 pooling is one op that pools each block of images while it is in cache
    (``ops.conv.conv_max_pool_2x2``), the same numbers again."""
    from lamina.layers.convolutional.base_conv import Conv2D
    from lamina.ops import conv as conv_ops
    if (type(conv) is Conv2D and conv.groups == 1 and conv.data_format == "channels_last"
            and pool.pool_size == (2, 2) and pool.strides == (2, 2)
            and pool.padding == "valid"):
        def fused(x):
            return conv.activation(conv_ops.conv_max_pool_2x2(
                x, conv.kernel, conv.bias, conv.strides, conv.padding, conv.dilation_rate))
        return fused

    def call(x):
        return conv.activation(pool.call(conv._op(x, None)))
    return call


def _compatible(a, b):
    return len(a) == len(b) and all(x is None or y is None or x == y for x, y in zip(a, b))
