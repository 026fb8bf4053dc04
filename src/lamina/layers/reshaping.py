"""Spatial reshaping layers: ZeroPadding, Cropping and UpSampling in 1, 2 and 3 dims."""
import numbers

from lamina import ops
from lamina.layers.convolutional._utils import (
    channel_shape,
    normalize_data_format,
    normalize_tuple,
    who,
)
from lamina.layers.convolutional.base_conv import SpatialLayer
from lamina.ops import pooling as pool_ops


def _pairs(value, rank, name, owner):
    """Keras's padding/cropping forms: int (all sides), n ints (symmetric per axis) or n
    pairs (before, after); 1-D also takes one pair. Returns ((b, a), ...) of n pairs."""
    def bad():
        return ValueError(f"{owner}: `{name}` must be an int, a tuple of {rank} ints or a tuple "
                          f"of {rank} (before, after) pairs of non-negative ints, got {value!r}")

    def is_int(v):
        return isinstance(v, numbers.Integral) and not isinstance(v, bool)

    if is_int(value):
        pairs = ((int(value), int(value)),) * rank
    else:
        try:
            items = tuple(value)
        except TypeError:
            raise bad() from None
        if rank == 1 and len(items) == 2 and all(is_int(v) for v in items):
            pairs = ((int(items[0]), int(items[1])),)
        elif len(items) != rank:
            raise bad()
        else:
            pairs = []
            for v in items:
                if is_int(v):
                    pairs.append((int(v), int(v)))
                else:
                    try:
                        b, a = v
                    except (TypeError, ValueError):
                        raise bad() from None
                    if not (is_int(b) and is_int(a)):
                        raise bad()
                    pairs.append((int(b), int(a)))
            pairs = tuple(pairs)
    if any(v < 0 for p in pairs for v in p):
        raise bad()
    return pairs


class _Spatial(SpatialLayer):
    def _spatial_axes(self):
        start = 2 if self.data_format == "channels_first" else 1
        return tuple(range(start, start + self.rank))

    def build(self, input_shape):
        self.compute_output_shape(input_shape)

    def compute_output_shape(self, input_shape):
        batch, spatial, channels = self._split(input_shape)
        return channel_shape(self.data_format, batch, self._out(spatial), channels)


class _ZeroPadding(_Spatial):
    def __init__(self, rank, padding, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.rank = rank
        self.padding = _pairs(padding, rank, "padding", who(self))
        self.data_format = normalize_data_format(data_format, who(self))

    def _out(self, spatial):
        return tuple(None if n is None else n + b + a for n, (b, a) in zip(spatial, self.padding))

    def call(self, inputs):
        pads = [(0, 0)] * inputs.ndim
        for ax, p in zip(self._spatial_axes(), self.padding):
            pads[ax] = p
        return pool_ops.zero_pad(inputs, pads)

    def get_config(self):
        config = {**super().get_config(), "padding": self.padding,
                  "data_format": self.data_format}
        return config


class ZeroPadding1D(_ZeroPadding):
    """Zeros at the start and end of the steps axis: padding int or (start, end).

    >>> ZeroPadding1D(2)(np.ones((1, 3, 1))).shape
    (1, 7, 1)
    """

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(1, padding, data_format or "channels_last", **kwargs)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding[0]}


class ZeroPadding2D(_ZeroPadding):
    """Rows and columns of zeros around an image: padding int, (sym_rows, sym_cols) or
    ((top, bottom), (left, right)).

    >>> ZeroPadding2D(((1, 0), (2, 1)))(np.ones((1, 3, 3, 1))).shape
    (1, 4, 6, 1)
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(2, padding, data_format, **kwargs)


class ZeroPadding3D(_ZeroPadding):
    """Zeros around a volume: padding int, 3 ints or 3 (before, after) pairs.

    >>> ZeroPadding3D(1)(np.ones((1, 2, 2, 2, 1))).shape
    (1, 4, 4, 4, 1)
    """

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(3, padding, data_format, **kwargs)


class _Cropping(_Spatial):
    def __init__(self, rank, cropping, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.rank = rank
        self.cropping = _pairs(cropping, rank, "cropping", who(self))
        self.data_format = normalize_data_format(data_format, who(self))

    def _out(self, spatial):
        out = []
        for i, (n, (b, a)) in enumerate(zip(spatial, self.cropping)):
            if n is not None and n - b - a <= 0:
                raise ValueError(f"{who(self)}: cropping {self.cropping} removes all of spatial "
                                 f"axis {i} (input spatial shape {tuple(spatial)})")
            out.append(None if n is None else n - b - a)
        return tuple(out)

    def call(self, inputs):
        self._out(self._split(inputs.shape)[1])  # inputs may be smaller than at build time
        key = [slice(None)] * inputs.ndim
        for ax, (b, a) in zip(self._spatial_axes(), self.cropping):
            key[ax] = slice(b, inputs.shape[ax] - a)
        return ops.getitem(inputs, tuple(key))

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping,
                "data_format": self.data_format}


class Cropping1D(_Cropping):
    """Removes steps at the start and end: cropping int or (start, end).

    >>> Cropping1D((1, 2))(np.ones((1, 6, 1))).shape
    (1, 3, 1)
    """

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(1, cropping, "channels_last", **kwargs)

    def get_config(self):
        config = {**super().get_config(), "cropping": self.cropping[0]}
        config.pop("data_format")
        return config


class Cropping2D(_Cropping):
    """Removes rows and columns at the borders: int, (sym_rows, sym_cols) or
    ((top, bottom), (left, right)).

    >>> Cropping2D(((1, 1), (0, 2)))(np.ones((1, 5, 5, 1))).shape
    (1, 3, 3, 1)
    """

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(2, cropping, data_format, **kwargs)


class Cropping3D(_Cropping):
    """Removes borders of a volume: int, 3 ints or 3 (before, after) pairs.

    >>> Cropping3D(1)(np.ones((1, 4, 4, 4, 1))).shape
    (1, 2, 2, 2, 1)
    """

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(3, cropping, data_format, **kwargs)


class _UpSampling(_Spatial):
    def __init__(self, rank, size, data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.rank = rank
        self.size = normalize_tuple(size, rank, "size", who(self))
        self.data_format = normalize_data_format(data_format, who(self))
        allowed = ("nearest", "bilinear") if rank == 2 else ("nearest",)
        if interpolation not in allowed:
            raise ValueError(f"{who(self)}: `interpolation` must be one of {allowed}, got "
                             f"{interpolation!r}")
        self.interpolation = interpolation

    def _out(self, spatial):
        return tuple(None if n is None else n * s for n, s in zip(spatial, self.size))

    def call(self, inputs):
        if self.interpolation == "bilinear":
            x = inputs
            if self.data_format == "channels_first":
                x = ops.transpose(x, (0, 2, 3, 1))
            y = pool_ops.resize_bilinear(x, self.size)
            return ops.transpose(y, (0, 3, 1, 2)) if self.data_format == "channels_first" else y
        return pool_ops.upsample_nearest(inputs, self.size, self._spatial_axes())


class UpSampling1D(_UpSampling):
    """Repeats each step ``size`` times.

    >>> UpSampling1D(3)(np.ones((1, 4, 2))).shape
    (1, 12, 2)
    """

    def __init__(self, size=2, **kwargs):
        super().__init__(1, size, "channels_last", **kwargs)

    def get_config(self):
        return {**super().get_config(), "size": self.size[0]}


class UpSampling2D(_UpSampling):
    """Enlarges images by integer factors ``size``: 'nearest' repeats rows and columns,
    'bilinear' interpolates (half-pixel centres, as Keras 3 / TF2).

    >>> UpSampling2D((2, 3), interpolation="bilinear")(np.ones((1, 4, 4, 1))).shape
    (1, 8, 12, 1)
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(2, size, data_format, interpolation, **kwargs)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format,
                "interpolation": self.interpolation}


class UpSampling3D(_UpSampling):
    """Repeats each voxel ``size`` times along each spatial axis.

    >>> UpSampling3D(2)(np.ones((1, 2, 2, 2, 1))).shape
    (1, 4, 4, 4, 1)
    """

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(3, size, data_format, **kwargs)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format}


__all__ = ["Cropping1D", "Cropping2D", "Cropping3D", "UpSampling1D", "UpSampling2D",
           "UpSampling3D", "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D"]
