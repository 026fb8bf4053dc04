"""Pooling layers: Max/AveragePooling1D/2D/3D and the global poolings (Keras names)."""
import numpy as np

from lamina import ops
from lamina.autodiff.tensor import Tensor
from lamina.layers.convolutional._utils import (
    channel_shape,
    normalize_data_format,
    normalize_padding,
    normalize_tuple,
    who,
)
from lamina.layers.convolutional.base_conv import SpatialLayer
from lamina.ops import pooling as pool_ops
from lamina.ops.conv import conv_geometry


class BasePooling(SpatialLayer):
    """Shared by the windowed poolings; ``strides`` defaults to ``pool_size``."""

    _op = None

    def __init__(self, rank, pool_size, strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(**kwargs)
        owner = who(self)
        self.rank = rank
        self.pool_size = normalize_tuple(pool_size, rank, "pool_size", owner)
        self.strides = self.pool_size if strides is None else normalize_tuple(
            strides, rank, "strides", owner)
        self.padding = normalize_padding(padding, owner)
        self.data_format = normalize_data_format(data_format, owner)

    def compute_output_shape(self, input_shape):
        batch, spatial, channels = self._split(input_shape)
        out, _ = conv_geometry(spatial, self.pool_size, self.strides, self.padding,
                               (1,) * self.rank, who(self))
        return channel_shape(self.data_format, batch, out, channels)

    def build(self, input_shape):
        self.compute_output_shape(input_shape)

    def call(self, inputs):
        try:
            return type(self)._op(inputs, self.pool_size, self.strides, self.padding,
                                  self.data_format)
        except ValueError as e:
            raise ValueError(f"{who(self)}: {e} (input shape {tuple(inputs.shape)})") from None

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size, "strides": self.strides,
                "padding": self.padding, "data_format": self.data_format}


def _pooling(name, rank, op, default_pool, doc):
    def __init__(self, pool_size=default_pool, strides=None, padding="valid", data_format=None,
                 **kwargs):
        BasePooling.__init__(self, rank, pool_size, strides, padding, data_format, **kwargs)

    return type(name, (BasePooling,), {"__init__": __init__, "_op": staticmethod(op),
                                        "__doc__": doc, "__module__": __name__})


MaxPooling1D = _pooling("MaxPooling1D", 1, pool_ops.max_pool, 2, """Max over windows of
    ``pool_size`` steps. Args: pool_size=2, strides=None (= pool_size), padding='valid' or
    'same', data_format.

    >>> MaxPooling1D()(np.zeros((2, 10, 3))).shape
    (2, 5, 3)
    """)
MaxPooling2D = _pooling("MaxPooling2D", 2, pool_ops.max_pool, (2, 2), """Max over windows of
    ``pool_size`` pixels; strides default to pool_size; padding 'valid' (windows that fit)
    or 'same' (output ceil(input / stride)).

    >>> MaxPooling2D(2)(np.zeros((2, 26, 26, 32))).shape
    (2, 13, 13, 32)
    """)
MaxPooling3D = _pooling("MaxPooling3D", 3, pool_ops.max_pool, (2, 2, 2), """Max over 3-D
    windows of ``pool_size``.

    >>> MaxPooling3D()(np.zeros((1, 4, 4, 4, 2))).shape
    (1, 2, 2, 2, 2)
    """)
AveragePooling1D = _pooling("AveragePooling1D", 1, pool_ops.average_pool, 2, """Mean over
    windows of ``pool_size`` steps ('same' padding: only real steps are counted).

    >>> AveragePooling1D(3, strides=1, padding="same")(np.zeros((2, 10, 3))).shape
    (2, 10, 3)
    """)
AveragePooling2D = _pooling("AveragePooling2D", 2, pool_ops.average_pool, (2, 2), """Mean
    over windows of ``pool_size`` pixels ('same' padding: only real pixels are counted).

    >>> AveragePooling2D()(np.zeros((2, 8, 8, 3))).shape
    (2, 4, 4, 3)
    """)
AveragePooling3D = _pooling("AveragePooling3D", 3, pool_ops.average_pool, (2, 2, 2), """Mean
    over 3-D windows of ``pool_size``.

    >>> AveragePooling3D()(np.zeros((1, 4, 4, 4, 2))).shape
    (1, 2, 2, 2, 2)
    """)


class BaseGlobalPooling(SpatialLayer):
    """Reduces every spatial axis; ``keepdims`` keeps them with size 1."""

    reduce = None

    def __init__(self, rank, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.rank = rank
        self.data_format = normalize_data_format(data_format, who(self))
        self.keepdims = bool(keepdims)

    def _axes(self):
        start = 2 if self.data_format == "channels_first" else 1
        return tuple(range(start, start + self.rank))

    def compute_output_shape(self, input_shape):
        batch, spatial, channels = self._split(input_shape)
        if self.keepdims:
            return channel_shape(self.data_format, batch, (1,) * self.rank, channels)
        return (batch, channels)

    def build(self, input_shape):
        self._split(input_shape)

    def call(self, inputs):
        return type(self).reduce(inputs, axis=self._axes(), keepdims=self.keepdims)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format,
                "keepdims": self.keepdims}


def _global(name, rank, reduce, doc):
    def __init__(self, data_format=None, keepdims=False, **kwargs):
        BaseGlobalPooling.__init__(self, rank, data_format, keepdims, **kwargs)

    return type(name, (BaseGlobalPooling,), {"__init__": __init__,
                                             "reduce": staticmethod(reduce), "__doc__": doc,
                                             "__module__": __name__})


GlobalMaxPooling1D = _global("GlobalMaxPooling1D", 1, ops.max, """Max over the steps axis.

    >>> GlobalMaxPooling1D()(np.zeros((2, 10, 3))).shape
    (2, 3)
    """)
GlobalMaxPooling2D = _global("GlobalMaxPooling2D", 2, ops.max, """Max over rows and cols.

    >>> GlobalMaxPooling2D(keepdims=True)(np.zeros((2, 5, 5, 3))).shape
    (2, 1, 1, 3)
    """)
GlobalMaxPooling3D = _global("GlobalMaxPooling3D", 3, ops.max, """Max over the 3 spatial axes.

    >>> GlobalMaxPooling3D()(np.zeros((1, 2, 3, 4, 5))).shape
    (1, 5)
    """)
GlobalAveragePooling2D = _global("GlobalAveragePooling2D", 2, ops.mean, """Mean over rows and
    cols.

    >>> GlobalAveragePooling2D()(np.zeros((2, 5, 5, 3))).shape
    (2, 3)
    """)
GlobalAveragePooling3D = _global("GlobalAveragePooling3D", 3, ops.mean, """Mean over the 3
    spatial axes.

    >>> GlobalAveragePooling3D()(np.zeros((1, 2, 3, 4, 5))).shape
    (1, 5)
    """)


class GlobalAveragePooling1D(BaseGlobalPooling):
    """Mean over the steps axis; with a mask, the mean of the unmasked steps (Keras).

    >>> GlobalAveragePooling1D()(np.ones((2, 10, 3))).shape
    (2, 3)
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(1, data_format, keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        axis = self._axes()
        if mask is None:
            return ops.mean(inputs, axis=axis, keepdims=self.keepdims)
        w = np.asarray(mask, dtype=inputs.dtype)
        w = w[:, :, None] if self.data_format == "channels_last" else w[:, None, :]
        total = ops.sum(ops.multiply(inputs, Tensor(w)), axis=axis, keepdims=self.keepdims)
        return ops.divide(total, Tensor(w.sum(axis=axis, keepdims=self.keepdims)))

    def compute_mask(self, inputs, mask=None):
        return None


# Keras's short aliases
MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D = (GlobalMaxPooling1D, GlobalMaxPooling2D,
                                                     GlobalMaxPooling3D)
GlobalAvgPool1D, GlobalAvgPool2D, GlobalAvgPool3D = (GlobalAveragePooling1D,
                                                     GlobalAveragePooling2D,
                                                     GlobalAveragePooling3D)

__all__ = ["AveragePooling1D", "AveragePooling2D", "AveragePooling3D", "AvgPool1D", "AvgPool2D",
           "AvgPool3D", "GlobalAveragePooling1D", "GlobalAveragePooling2D",
           "GlobalAveragePooling3D", "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalAvgPool3D",
           "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalMaxPool3D", "GlobalMaxPooling1D",
           "GlobalMaxPooling2D", "GlobalMaxPooling3D", "MaxPool1D", "MaxPool2D", "MaxPool3D",
           "MaxPooling1D", "MaxPooling2D", "MaxPooling3D"]
