"""Identity, ActivityRegularization and Lambda."""
import inspect

from lamina import regularizers
from lamina.layers.layer import Layer


class Identity(Layer):
    """Returns its input unchanged (a placeholder in a model)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


class ActivityRegularization(Layer):
    """Identity that adds ``l1 * sum(|x|) + l2 * sum(x**2)`` of its input to the loss."""

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1, self.l2 = float(l1), float(l2)
        self.supports_masking = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.pop("activity_regularizer", None)
        return {**config, "l1": self.l1, "l2": self.l2}


class Lambda(Layer):
    """Wraps an expression on Tensors as a layer: ``Lambda(lambda x: x ** 2)``.

    Args:
        function: callable taking the input Tensor (and ``**arguments``).
        output_shape: the output shape without batch dim, or a function of the input
            shape; by default found by running ``function`` on zeros.
        arguments: dict of extra keyword arguments for ``function``.

    Saved models keep the function's source only as text; loading it back runs code,
    which lamina refuses unless asked (``safe_mode=False``), as Keras does.
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"Lambda '{self.name}': function must be callable, got {function!r}")
        self.function = function
        self._output_shape = output_shape
        self.mask = mask
        self.arguments = dict(arguments or {})
        self._fn_takes_training = "training" in inspect.signature(function).parameters

    def call(self, inputs, training=None):
        kwargs = dict(self.arguments)
        if self._fn_takes_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            return super().compute_output_shape(input_shape)
        if callable(self._output_shape):
            return tuple(self._output_shape(tuple(input_shape)))
        return (input_shape[0],) + tuple(self._output_shape)

    def get_config(self):
        from lamina.utils.serialization import serialize_callable
        out = self._output_shape
        return {**super().get_config(), "function": serialize_callable(self.function),
                "output_shape": list(out) if isinstance(out, tuple) else out,
                "arguments": self.arguments}

    @classmethod
    def from_config(cls, config, safe_mode=None):
        # safe_mode None: as the enclosing safe_mode_scope says (load_model sets it)
        from lamina.utils.serialization import deserialize_callable
        config = dict(config)
        config["function"] = deserialize_callable(config["function"], safe_mode=safe_mode)
        return super().from_config(config)
