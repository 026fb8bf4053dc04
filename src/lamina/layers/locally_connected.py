"""LocallyConnected1D / LocallyConnected2D: convolutions without weight sharing (Keras 2,
and kerasR's layer_locally_connected_1d / _2d)."""
import math

from lamina import activations, constraints, initializers, regularizers
from lamina.layers.convolutional._utils import (
    channel_shape,
    normalize_data_format,
    normalize_padding,
    normalize_tuple,
    who,
)
from lamina.layers.convolutional.base_conv import SpatialLayer
from lamina.ops import conv as conv_ops


class BaseLocallyConnected(SpatialLayer):
    """Each output position has its own filters. Weights as Keras 2 (implementation 1):
    kernel (output positions, prod(kernel_size) * in_channels, filters), bias
    (*output spatial, filters). Only 'valid' padding, as Keras 2."""

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 implementation=1, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        owner = who(self)
        self.rank = rank
        if isinstance(filters, bool) or not isinstance(filters, int) or filters <= 0:
            raise ValueError(f"{owner}: `filters` must be a positive integer, got {filters!r}")
        self.filters = filters
        self.kernel_size = normalize_tuple(kernel_size, rank, "kernel_size", owner)
        self.strides = normalize_tuple(strides, rank, "strides", owner)
        self.padding = normalize_padding(padding, owner, ("valid",))
        self.data_format = normalize_data_format(data_format, owner)
        if implementation != 1:
            raise ValueError(f"{owner}: only `implementation=1` (Keras 2's default) is "
                             f"supported, got {implementation!r}")
        self.implementation = 1
        self.activation = activations.get(activation)
        self._kernel = activations.kernel_of(self.activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def _out(self, spatial):
        out, _ = conv_ops.conv_geometry(spatial, self.kernel_size, self.strides, "valid",
                                        (1,) * self.rank, who(self))
        return out

    def compute_output_shape(self, input_shape):
        batch, spatial, _ = self._split(input_shape)
        return channel_shape(self.data_format, batch, self._out(spatial), self.filters)

    def build(self, input_shape):
        _, spatial, channels = self._split(input_shape)
        if channels is None or any(n is None for n in spatial):
            raise ValueError(f"{who(self)}: every dimension but the batch must be known (the "
                             f"weights depend on them), got input shape {tuple(input_shape)}")
        out = self._out(spatial)
        self.kernel = self.add_weight(
            (math.prod(out), math.prod(self.kernel_size) * channels, self.filters),
            self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint, name="kernel")
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(out + (self.filters,), self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, name="bias")

    def _check_input(self, inputs):
        super()._check_input(inputs)
        if self.input_shape is not None:
            _, built, _ = self._split(self.input_shape)
            _, got, _ = self._split(inputs.shape)
            if tuple(built) != tuple(got):
                raise ValueError(f"{who(self)} was built for inputs of shape "
                                 f"{self.input_shape} (its weights depend on the spatial "
                                 f"size), got shape {tuple(inputs.shape)}")

    def call(self, inputs):
        y = conv_ops.locally_connected(inputs, self.kernel, self.bias, self.kernel_size,
                                       self.strides, self.data_format, self._kernel)
        return y if self._kernel is not None else self.activation(y)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "kernel_size": self.kernel_size, "strides": self.strides,
                "padding": self.padding, "data_format": self.data_format,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint),
                "implementation": self.implementation}


class LocallyConnected1D(BaseLocallyConnected):
    """1D locally connected layer: like Conv1D, but every output step has its own weights.

    >>> LocallyConnected1D(4, 3)(np.zeros((2, 10, 2))).shape
    (2, 8, 4)
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 implementation=1, **kwargs):
        super().__init__(1, filters, kernel_size, strides, padding, data_format, activation,
                         use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                         bias_regularizer, activity_regularizer, kernel_constraint,
                         bias_constraint, implementation, **kwargs)


class LocallyConnected2D(BaseLocallyConnected):
    """2D locally connected layer: like Conv2D, but every output pixel has its own weights.

    >>> LocallyConnected2D(4, (3, 3))(np.zeros((2, 6, 6, 1))).shape
    (2, 4, 4, 4)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 implementation=1, **kwargs):
        super().__init__(2, filters, kernel_size, strides, padding, data_format, activation,
                         use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                         bias_regularizer, activity_regularizer, kernel_constraint,
                         bias_constraint, implementation, **kwargs)


__all__ = ["LocallyConnected1D", "LocallyConnected2D"]
