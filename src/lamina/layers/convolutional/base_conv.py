"""The convolution layers' common base and Conv1D / Conv2D / Conv3D."""
from lamina import activations, constraints, initializers, regularizers
from lamina.autodiff.tensor import Tensor
from lamina.layers.convolutional._utils import (
    channel_shape,
    check_rank,
    normalize_data_format,
    normalize_padding,
    normalize_tuple,
    who,
)
from lamina.layers.layer import Layer, SymbolicTensor
from lamina.ops import conv as conv_ops


class SpatialLayer(Layer):
    """A layer on (batch, *spatial, channels) data (or channels first): checks the rank and
    the channel count on every call, but lets the spatial sizes vary, as Keras's input_spec."""

    rank = 2
    data_format = "channels_last"

    def __call__(self, inputs, *args, **kwargs):
        # the rank check before Layer.__call__ builds: the error then shows the real shape
        # (build sees the batch axis as None)
        shape = getattr(inputs, "shape", None)
        if (shape is not None and not isinstance(inputs, SymbolicTensor)
                and len(shape) != self.rank + 2):
            check_rank(self, tuple(shape), self.rank, self.data_format)
        return super().__call__(inputs, *args, **kwargs)

    def _check_input(self, inputs):
        if self.input_shape is None or not isinstance(inputs, Tensor):
            return
        spatial, channels = check_rank(self, inputs.shape, self.rank, self.data_format)
        built = self._built_channels()
        if built is not None and channels != built:
            raise ValueError(
                f"{who(self)} was built for inputs with {built} channels (input shape "
                f"{self.input_shape}, {self.data_format}), but got shape {tuple(inputs.shape)} "
                f"with {channels} channels")

    def _built_channels(self):
        shape = self.input_shape
        return shape[1] if self.data_format == "channels_first" else shape[-1]

    def _split(self, input_shape):
        """(batch, spatial dims, channels) of ``input_shape``, after a rank check."""
        spatial, channels = check_rank(self, input_shape, self.rank, self.data_format)
        return input_shape[0], tuple(spatial), channels


class BaseConv(SpatialLayer):
    """Shared by Conv1D/2D/3D: arguments, weights and the fused op call.

    Kernel (*kernel_size, in_channels // groups, filters), as Keras.
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        owner = who(self)
        self.rank = rank
        if filters is not None and (isinstance(filters, bool) or not isinstance(filters, int)
                                    or filters <= 0):
            raise ValueError(f"{owner}: `filters` must be a positive integer, got {filters!r}")
        self.filters = filters
        if isinstance(groups, bool) or not isinstance(groups, int) or groups <= 0:
            raise ValueError(f"{owner}: `groups` must be a positive integer, got {groups!r}")
        self.groups = groups
        if filters is not None and filters % groups:
            raise ValueError(f"{owner}: `filters` ({filters}) must be divisible by `groups` "
                             f"({groups})")
        self.kernel_size = normalize_tuple(kernel_size, rank, "kernel_size", owner)
        self.strides = normalize_tuple(strides, rank, "strides", owner)
        self.dilation_rate = normalize_tuple(dilation_rate, rank, "dilation_rate", owner)
        allowed = ("valid", "same", "causal") if rank == 1 else ("valid", "same")
        self.padding = normalize_padding(padding, owner, allowed)
        self.data_format = normalize_data_format(data_format, owner)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"{owner}: `strides > 1` is not supported together with "
                             f"`dilation_rate > 1`, got strides={self.strides} and "
                             f"dilation_rate={self.dilation_rate}")
        self.activation = activations.get(activation)
        self._kernel = activations.kernel_of(self.activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    # --- shapes ----------------------------------------------------------------------
    def _in_channels(self, input_shape):
        _, _, channels = self._split(input_shape)
        if channels is None:
            raise ValueError(f"{who(self)}: the channel dimension of the inputs must be known, "
                             f"got input shape {tuple(input_shape)}")
        return channels

    def _out_spatial(self, spatial):
        out, _ = conv_ops.conv_geometry(spatial, self.kernel_size, self.strides, self.padding,
                                        self.dilation_rate, who(self))
        return out

    def compute_output_shape(self, input_shape):
        batch, spatial, _ = self._split(input_shape)
        return channel_shape(self.data_format, batch, self._out_spatial(spatial), self.filters)

    def build(self, input_shape):
        channels = self._in_channels(input_shape)
        if channels % self.groups:
            raise ValueError(f"{who(self)}: the number of input channels ({channels}, input "
                             f"shape {tuple(input_shape)}) must be divisible by `groups` "
                             f"({self.groups})")
        self.compute_output_shape(input_shape)  # fails early when the kernel does not fit
        shape = self.kernel_size + (channels // self.groups, self.filters)
        self.kernel = self.add_weight(shape, self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, name="kernel")
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight((self.filters,), self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, name="bias")

    # --- the computation ----------------------------------------------------------------
    def _op(self, inputs, activation):
        return conv_ops.conv(inputs, self.kernel, self.bias, self.strides, self.padding,
                             self.data_format, self.dilation_rate, activation)

    def call(self, inputs):
        try:
            y = self._op(inputs, self._kernel)
        except ValueError as e:  # e.g. a kernel larger than this call's (padded) input
            raise ValueError(f"{who(self)}: {e} (input shape {tuple(inputs.shape)})") from None
        return y if self._kernel is not None else self.activation(y)

    def get_config(self):
        config = {**super().get_config(), "filters": self.filters,
                  "kernel_size": self.kernel_size, "strides": self.strides,
                  "padding": self.padding, "data_format": self.data_format,
                  "dilation_rate": self.dilation_rate, "groups": self.groups}
        return {**config, **self._act_bias_config(),
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint)}

    def _act_bias_config(self):
        return {"activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "bias_constraint": constraints.serialize(self.bias_constraint)}


def _conv_doc(rank, example):
    return f"""{rank}D convolution: ``activation(conv(inputs, kernel) + bias)``.

    Kernel of shape (*kernel_size, in_channels // groups, filters) as Keras. The window
    copy (im2col), the matrix product, the bias and the activation run as one op.

    Args:
        filters: the number of output channels.
        kernel_size: int or tuple of {rank} ints.
        strides: int or tuple of {rank} ints (default 1); > 1 excludes dilation_rate > 1.
        padding: 'valid' (no padding) or 'same' (output size ceil(input / stride)){
            ", or 'causal' (left padding only: output t sees inputs <= t)" if rank == 1 else ""}.
        data_format: 'channels_last' (default) or 'channels_first'.
        dilation_rate: int or tuple of {rank} ints: spacing between kernel taps.
        groups: split the channels into this many independent convolutions.
        activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
        bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint: as Keras.

    >>> {example}
    """


class Conv1D(BaseConv):
    __doc__ = _conv_doc(1, "Conv1D(8, 3, padding='causal')(np.zeros((2, 10, 4))).shape\n"
                           "    (2, 10, 8)")

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(1, filters, kernel_size, strides, padding, data_format, dilation_rate,
                         groups, activation, use_bias, kernel_initializer, bias_initializer,
                         kernel_regularizer, bias_regularizer, activity_regularizer,
                         kernel_constraint, bias_constraint, **kwargs)


class Conv2D(BaseConv):
    __doc__ = _conv_doc(2, "Conv2D(32, 3, activation='relu')(np.zeros((2, 28, 28, 1))).shape\n"
                           "    (2, 26, 26, 32)")

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(2, filters, kernel_size, strides, padding, data_format, dilation_rate,
                         groups, activation, use_bias, kernel_initializer, bias_initializer,
                         kernel_regularizer, bias_regularizer, activity_regularizer,
                         kernel_constraint, bias_constraint, **kwargs)


class Conv3D(BaseConv):
    __doc__ = _conv_doc(3, "Conv3D(4, 3, padding='same')(np.zeros((1, 6, 6, 6, 2))).shape\n"
                           "    (1, 6, 6, 6, 4)")

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                 data_format=None, dilation_rate=(1, 1, 1), groups=1, activation=None,
                 use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(3, filters, kernel_size, strides, padding, data_format, dilation_rate,
                         groups, activation, use_bias, kernel_initializer, bias_initializer,
                         kernel_regularizer, bias_regularizer, activity_regularizer,
                         kernel_constraint, bias_constraint, **kwargs)


__all__ = ["BaseConv", "SpatialLayer", "Conv1D", "Conv2D", "Conv3D"]
