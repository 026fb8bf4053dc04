"""Max and average pooling over 1, 2 or 3 spatial dims (Keras's valid / same padding).

Forward and backward loop over the window offsets (4 for a 2x2 window), each a
vectorized operation on a strided slice; the max pool's backward routes each
gradient to the first maximum of its window (as TensorFlow does), through an
offset index recorded in the forward pass only when a gradient will be needed.

>>> from lamina.autodiff import Tensor
>>> max_pool(Tensor(np.arange(16.0).reshape(1, 4, 4, 1)), 2).data[0, :, :, 0]
array([[ 5.,  7.],
       [13., 15.]])
"""
import numpy as np

from lamina.autodiff.tensor import Function, Tensor, is_grad_enabled
from lamina.backend import im2col as K
from lamina.ops.conv import _check_data_format, _to_first, _to_last, _tuple


class MaxPool(Function):
    def forward(self, x):
        self.x_shape = x.shape
        m, self.idx = K.max_pool(x, self.pool, self.strides, self.padding,
                                 with_argmax=self.record)
        return m

    def backward(self, g):
        return K.max_pool_backward(g, self.idx, self.x_shape, self.pool, self.strides,
                                   self.padding)


class AvgPool(Function):
    def forward(self, x):
        self.x_shape = x.shape
        return K.avg_pool(x, self.pool, self.strides, self.padding)

    def backward(self, g):
        return K.avg_pool_backward(g, self.x_shape, self.pool, self.strides, self.padding)


def _pool(fn, inputs, pool_size, strides, padding, data_format):
    _check_data_format(data_format)
    if padding not in ("valid", "same"):
        raise ValueError(f"pooling: padding must be 'valid' or 'same', got {padding!r}")
    nd = inputs.ndim - 2
    pool = _tuple(pool_size, nd, "pool_size")
    strides = pool if strides is None else _tuple(strides, nd, "strides")
    x = _to_last(inputs, data_format)
    out, _ = K.pool_geometry(x.shape[1:-1], pool, strides, padding)
    if any(o <= 0 for o in out):
        raise ValueError(f"pooling: the window {pool} is larger than the input (spatial shape "
                         f"{tuple(x.shape[1:-1])}, padding '{padding}'); the output would be "
                         "empty")
    # the max pool keeps what its backward needs only when a gradient will be asked for
    record = is_grad_enabled() and isinstance(x, Tensor) and x.requires_grad
    y = fn.apply(x, pool=pool, strides=strides, padding=padding, record=record)
    return _to_first(y, data_format)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format="channels_last"):
    """Maximum over each window; ``strides`` defaults to ``pool_size``."""
    return _pool(MaxPool, inputs, pool_size, strides, padding, data_format)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format="channels_last"):
    """Mean over each window; with 'same' padding only real elements are counted."""
    return _pool(AvgPool, inputs, pool_size, strides, padding, data_format)


# --- resampling: padding, cropping and upsampling of the spatial axes --------------------

class ZeroPad(Function):
    """Zeros around the spatial axes; ``self.pads`` [(before, after), ...] per array axis."""

    def forward(self, x):
        self.sl = tuple(slice(b, b + n) for (b, _), n in zip(self.pads, x.shape))
        out = np.zeros(tuple(n + b + a for (b, a), n in zip(self.pads, x.shape)), x.dtype)
        out[self.sl] = x
        return out

    def backward(self, g):
        return g[self.sl]


def zero_pad(x, pads):
    """Pad every axis of ``x`` with zeros: ``pads`` is [(before, after)] per axis."""
    return ZeroPad.apply(x, pads=tuple(tuple(int(v) for v in p) for p in pads))


class UpsampleNearest(Function):
    """Repeat each element ``size[i]`` times along spatial axis i (axes ``self.axes``)."""

    def forward(self, x):
        self.x_shape = x.shape
        y = x
        for ax, s in zip(self.axes, self.size):
            if s != 1:
                y = np.repeat(y, s, axis=ax)
        return y

    def backward(self, g):
        shape = []
        for i, n in enumerate(self.x_shape):
            shape.append(n)
            if i in self.axes:
                shape.append(self.size[self.axes.index(i)])
        sum_axes = tuple(self.axes.index(i) + i + 1 for i in self.axes)
        return g.reshape(shape).sum(axis=sum_axes)


def upsample_nearest(x, size, axes):
    return UpsampleNearest.apply(x, size=tuple(size), axes=tuple(axes))


def linear_resize_matrix(n_in, n_out, dtype):
    """(n_out, n_in) weights of linear interpolation with half-pixel centres (TF2 / JAX
    ``resize(..., 'bilinear')`` when enlarging): source = (i + 0.5) * n_in / n_out - 0.5,
    clamped to the edges."""
    src = (np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5
    src = np.clip(src, 0, n_in - 1)
    lo = np.floor(src).astype(np.intp)
    hi = np.minimum(lo + 1, n_in - 1)
    frac = src - lo
    m = np.zeros((n_out, n_in))
    rows = np.arange(n_out)
    m[rows, lo] += 1 - frac
    m[rows, hi] += frac
    return m.astype(dtype)


class ResizeBilinear(Function):
    """(batch, H, W, C) -> (batch, H*sh, W*sw, C) by two interpolation matrix products."""

    def forward(self, x):
        n, h, w, c = x.shape
        self.mh = linear_resize_matrix(h, h * self.size[0], x.dtype)
        self.mw = linear_resize_matrix(w, w * self.size[1], x.dtype)
        t = np.einsum("ih,nhwc->niwc", self.mh, x, optimize=True)
        return np.einsum("jw,niwc->nijc", self.mw, t, optimize=True)

    def backward(self, g):
        t = np.einsum("jw,nijc->niwc", self.mw, g, optimize=True)
        return np.einsum("ih,niwc->nhwc", self.mh, t, optimize=True)


def resize_bilinear(x, size):
    """channels_last 2-D bilinear upsampling by integer factors ``size`` (sh, sw)."""
    return ResizeBilinear.apply(x, size=tuple(size))
