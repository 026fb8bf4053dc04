"""DepthwiseConv1D/2D and SeparableConv1D/2D."""
from lamina import constraints, initializers, regularizers
from lamina.layers.convolutional._utils import channel_shape, who
from lamina.layers.convolutional.base_conv import BaseConv
from lamina.ops import conv as conv_ops


def _check_multiplier(owner, depth_multiplier):
    if (isinstance(depth_multiplier, bool) or not isinstance(depth_multiplier, int)
            or depth_multiplier <= 0):
        raise ValueError(f"{owner}: `depth_multiplier` must be a positive integer, got "
                         f"{depth_multiplier!r}")
    return depth_multiplier


class BaseDepthwiseConv(BaseConv):
    """Each input channel convolved with its own ``depth_multiplier`` filters.

    Kernel (*kernel_size, in_channels, depth_multiplier) as Keras; output channel
    ``c * depth_multiplier + m`` comes from input channel c and filter m.
    """

    def __init__(self, rank, kernel_size, strides=1, padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(rank, None, kernel_size, strides, padding, data_format, dilation_rate,
                         1, activation, use_bias, depthwise_initializer, bias_initializer,
                         depthwise_regularizer, bias_regularizer, activity_regularizer,
                         depthwise_constraint, bias_constraint, **kwargs)
        if self.padding == "causal":
            raise ValueError(f"{who(self)}: `padding` must be 'valid' or 'same', got 'causal'")
        self.depth_multiplier = _check_multiplier(who(self), depth_multiplier)

    def compute_output_shape(self, input_shape):
        batch, spatial, channels = self._split(input_shape)
        out_channels = None if channels is None else channels * self.depth_multiplier
        return channel_shape(self.data_format, batch, self._out_spatial(spatial), out_channels)

    def build(self, input_shape):
        channels = self._in_channels(input_shape)
        self.compute_output_shape(input_shape)
        self.kernel = self.add_weight(self.kernel_size + (channels, self.depth_multiplier),
                                      self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, name="kernel")
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight((channels * self.depth_multiplier,),
                                        self.bias_initializer, regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, name="bias")

    def _op(self, inputs, activation):
        return conv_ops.depthwise_conv(inputs, self.kernel, self.bias, self.strides,
                                       self.padding, self.data_format, self.dilation_rate,
                                       activation)

    def get_config(self):
        config = {**super().get_config(), "depth_multiplier": self.depth_multiplier,
                  "depthwise_initializer": initializers.serialize(self.kernel_initializer),
                  "depthwise_regularizer": regularizers.serialize(self.kernel_regularizer),
                  "depthwise_constraint": constraints.serialize(self.kernel_constraint)}
        for key in ("filters", "groups", "kernel_initializer", "kernel_regularizer",
                    "kernel_constraint"):
            config.pop(key)
        return config


class DepthwiseConv1D(BaseDepthwiseConv):
    """1D depthwise convolution; kernel (kernel_size, in_channels, depth_multiplier).

    >>> DepthwiseConv1D(3, depth_multiplier=2)(np.zeros((2, 8, 3))).shape
    (2, 6, 6)
    """

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(1, kernel_size, strides, padding, depth_multiplier, data_format,
                         dilation_rate, activation, use_bias, depthwise_initializer,
                         bias_initializer, depthwise_regularizer, bias_regularizer,
                         activity_regularizer, depthwise_constraint, bias_constraint, **kwargs)


class DepthwiseConv2D(BaseDepthwiseConv):
    """2D depthwise convolution; kernel (kh, kw, in_channels, depth_multiplier).

    >>> DepthwiseConv2D(3, padding="same")(np.zeros((1, 8, 8, 4))).shape
    (1, 8, 8, 4)
    """

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(2, kernel_size, strides, padding, depth_multiplier, data_format,
                         dilation_rate, activation, use_bias, depthwise_initializer,
                         bias_initializer, depthwise_regularizer, bias_regularizer,
                         activity_regularizer, depthwise_constraint, bias_constraint, **kwargs)


class BaseSeparableConv(BaseConv):
    """A depthwise convolution, then a pointwise (1x1) one mixing the channels.

    Weights as Keras: depthwise_kernel (*kernel_size, in_channels, depth_multiplier),
    pointwise_kernel (*ones, in_channels * depth_multiplier, filters), bias (filters,).
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(rank, filters, kernel_size, strides, padding, data_format,
                         dilation_rate, 1, activation, use_bias, depthwise_initializer,
                         bias_initializer, depthwise_regularizer, bias_regularizer,
                         activity_regularizer, depthwise_constraint, bias_constraint, **kwargs)
        if self.padding == "causal":
            raise ValueError(f"{who(self)}: `padding` must be 'valid' or 'same', got 'causal'")
        self.depth_multiplier = _check_multiplier(who(self), depth_multiplier)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.pointwise_constraint = constraints.get(pointwise_constraint)

    def build(self, input_shape):
        channels = self._in_channels(input_shape)
        self.compute_output_shape(input_shape)
        self.depthwise_kernel = self.add_weight(
            self.kernel_size + (channels, self.depth_multiplier), self.kernel_initializer,
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
            name="depthwise_kernel")
        self.pointwise_kernel = self.add_weight(
            (1,) * self.rank + (channels * self.depth_multiplier, self.filters),
            self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint, name="pointwise_kernel")
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight((self.filters,), self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, name="bias")

    def _op(self, inputs, activation):
        return conv_ops.separable_conv(inputs, self.depthwise_kernel, self.pointwise_kernel,
                                       self.bias, self.strides, self.padding, self.data_format,
                                       self.dilation_rate, activation)

    def get_config(self):
        config = {**super().get_config(), "depth_multiplier": self.depth_multiplier,
                  "depthwise_initializer": initializers.serialize(self.kernel_initializer),
                  "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
                  "depthwise_regularizer": regularizers.serialize(self.kernel_regularizer),
                  "pointwise_regularizer": regularizers.serialize(self.pointwise_regularizer),
                  "depthwise_constraint": constraints.serialize(self.kernel_constraint),
                  "pointwise_constraint": constraints.serialize(self.pointwise_constraint)}
        for key in ("groups", "kernel_initializer", "kernel_regularizer", "kernel_constraint"):
            config.pop(key)
        return config


class SeparableConv1D(BaseSeparableConv):
    """1D separable convolution: depthwise, then pointwise.

    >>> SeparableConv1D(8, 3, padding="same")(np.zeros((2, 10, 4))).shape
    (2, 10, 8)
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(1, filters, kernel_size, strides, padding, data_format, dilation_rate,
                         depth_multiplier, activation, use_bias, depthwise_initializer,
                         pointwise_initializer, bias_initializer, depthwise_regularizer,
                         pointwise_regularizer, bias_regularizer, activity_regularizer,
                         depthwise_constraint, pointwise_constraint, bias_constraint, **kwargs)


class SeparableConv2D(BaseSeparableConv):
    """2D separable convolution: depthwise, then pointwise.

    >>> SeparableConv2D(16, 3)(np.zeros((1, 8, 8, 3))).shape
    (1, 6, 6, 16)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(2, filters, kernel_size, strides, padding, data_format, dilation_rate,
                         depth_multiplier, activation, use_bias, depthwise_initializer,
                         pointwise_initializer, bias_initializer, depthwise_regularizer,
                         pointwise_regularizer, bias_regularizer, activity_regularizer,
                         depthwise_constraint, pointwise_constraint, bias_constraint, **kwargs)
