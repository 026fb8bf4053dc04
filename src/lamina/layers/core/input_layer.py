from lamina import backend
from lamina.layers.layer import Layer, SymbolicTensor, normalize_shape


class InputLayer(Layer):
    """The entry point of a model: holds the shape of the data it will receive."""

    def __init__(self, shape=None, batch_size=None, dtype=None, batch_shape=None, name=None,
                 input_shape=None, batch_input_shape=None, sparse=None, ragged=None,
                 optional=False, **kwargs):
        if sparse or ragged:
            raise ValueError("InputLayer: sparse and ragged inputs are not supported")
        if shape is None and input_shape is not None:
            shape = input_shape
        if batch_shape is None and batch_input_shape is not None:
            batch_shape = batch_input_shape
        if batch_shape is None:
            if shape is None:
                raise ValueError("InputLayer: give shape= (without the batch dimension), "
                                 "e.g. shape=(13,)")
            batch_shape = (batch_size,) + normalize_shape(shape, "shape")
        super().__init__(name=name, dtype=dtype, **kwargs)
        self._batch_input_shape = normalize_shape(batch_shape, "batch_shape")
        self.batch_shape = self._batch_input_shape
        self.built = True
        self.input_shape = self.output_shape = self.batch_shape
        tensor = SymbolicTensor(self.batch_shape, dtype=dtype or backend.floatx(),
                                layer=self, name=self.name)
        from lamina.layers.node import Node
        Node(self, None, [tensor])  # node 0: where a functional graph starts (self.output)

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {"batch_shape": list(self.batch_shape), "dtype": self.dtype,
                "sparse": False, "ragged": False, "name": self.name, "optional": False}


def Input(shape=None, batch_size=None, dtype=None, name=None, batch_shape=None):
    """A symbolic input of the given ``shape`` (batch dim excluded), as ``keras.Input``.

    >>> x = Input(shape=(13,))
    >>> x.shape
    (None, 13)
    """
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, name=name,
                       batch_shape=batch_shape)
    return layer.output
