"""Conv1DTranspose, Conv2DTranspose, Conv3DTranspose."""
from lamina.backend import im2col
from lamina.layers.convolutional._utils import channel_shape, normalize_tuple, who
from lamina.layers.convolutional.base_conv import BaseConv
from lamina.ops import conv as conv_ops


class BaseConvTranspose(BaseConv):
    """Transposed convolution (the adjoint of a convolution, "deconvolution").

    Kernel (*kernel_size, filters, in_channels) as Keras. Output size along an axis of
    length L: 'valid' -> (L - 1) * stride + max(k_eff, stride); 'same' -> L * stride; with
    ``output_padding`` p: (L - 1) * stride + k_eff + p ('valid') or
    (L - 1) * stride + k_eff % 2 + p ('same').
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid",
                 output_padding=None, data_format=None, dilation_rate=1, activation=None,
                 use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(rank, filters, kernel_size, strides, padding, data_format,
                         dilation_rate, 1, activation, use_bias, kernel_initializer,
                         bias_initializer, kernel_regularizer, bias_regularizer,
                         activity_regularizer, kernel_constraint, bias_constraint, **kwargs)
        if self.padding == "causal":
            raise ValueError(f"{who(self)}: `padding` must be 'valid' or 'same', got 'causal'")
        self.output_padding = None if output_padding is None else normalize_tuple(
            output_padding, rank, "output_padding", who(self), allow_zero=True)

    def _out_spatial(self, spatial):
        ops_ = self.output_padding or (None,) * self.rank
        out = []
        for i, (n, k, s, d, p) in enumerate(zip(spatial, self.kernel_size, self.strides,
                                                self.dilation_rate, ops_)):
            o, _ = im2col.conv_transpose_geometry(n, k, self.padding, s, d, p)
            if o is not None and o <= 0:
                raise ValueError(f"{who(self)}: output_padding {self.output_padding} leaves an "
                                 f"empty output along spatial axis {i} (input spatial shape "
                                 f"{tuple(spatial)})")
            out.append(o)
        return tuple(out)

    def compute_output_shape(self, input_shape):
        batch, spatial, _ = self._split(input_shape)
        return channel_shape(self.data_format, batch, self._out_spatial(spatial), self.filters)

    def build(self, input_shape):
        channels = self._in_channels(input_shape)
        self.compute_output_shape(input_shape)
        self.kernel = self.add_weight(self.kernel_size + (self.filters, channels),
                                      self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, name="kernel")
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight((self.filters,), self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, name="bias")

    def _op(self, inputs, activation):
        return conv_ops.conv_transpose(inputs, self.kernel, self.bias, self.strides,
                                       self.padding, self.output_padding, self.data_format,
                                       self.dilation_rate, activation)

    def get_config(self):
        config = super().get_config()
        config.pop("groups")
        config["output_padding"] = self.output_padding
        return config


class Conv1DTranspose(BaseConvTranspose):
    """1D transposed convolution; kernel (kernel_size, filters, in_channels).

    >>> Conv1DTranspose(4, 3, strides=2, padding="same")(np.zeros((2, 5, 3))).shape
    (2, 10, 4)
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(1, filters, kernel_size, strides, padding, output_padding, data_format,
                         dilation_rate, activation, use_bias, kernel_initializer,
                         bias_initializer, kernel_regularizer, bias_regularizer,
                         activity_regularizer, kernel_constraint, bias_constraint, **kwargs)


class Conv2DTranspose(BaseConvTranspose):
    """2D transposed convolution; kernel (kh, kw, filters, in_channels), as Keras.

    >>> Conv2DTranspose(8, 3, strides=2)(np.zeros((1, 4, 4, 2))).shape
    (1, 9, 9, 8)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 output_padding=None, data_format=None, dilation_rate=(1, 1), activation=None,
                 use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(2, filters, kernel_size, strides, padding, output_padding, data_format,
                         dilation_rate, activation, use_bias, kernel_initializer,
                         bias_initializer, kernel_regularizer, bias_regularizer,
                         activity_regularizer, kernel_constraint, bias_constraint, **kwargs)


class Conv3DTranspose(BaseConvTranspose):
    """3D transposed convolution; kernel (k1, k2, k3, filters, in_channels).

    >>> Conv3DTranspose(2, 2, strides=2)(np.zeros((1, 3, 3, 3, 1))).shape
    (1, 6, 6, 6, 2)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                 output_padding=None, data_format=None, dilation_rate=(1, 1, 1),
                 activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(3, filters, kernel_size, strides, padding, output_padding, data_format,
                         dilation_rate, activation, use_bias, kernel_initializer,
                         bias_initializer, kernel_regularizer, bias_regularizer,
                         activity_regularizer, kernel_constraint, bias_constraint, **kwargs)
