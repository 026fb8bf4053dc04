"""Raw-array kernels for convolution and pooling: windows as strided views.

Every array here is channels_last, ``(batch, *spatial, channels)``; the ops
layer moves channels_first data to that layout and back. A convolution is
``im2col`` (a strided *view* of all windows, copied once into a matrix) times
the kernel matrix: one BLAS call. Its backward scatters the window gradients
back with ``col2im``: a loop over the kernel offsets (9 for a 3x3 kernel), each
adding one shifted, strided slice; never a loop over pixels, never
``np.add.at``. Pooling loops over the window offsets the same way.

>>> x = np.arange(16.0).reshape(1, 4, 4, 1)
>>> windows(x, (2, 2), (3, 3), (1, 1), (1, 1)).shape
(1, 2, 2, 3, 3, 1)
"""
import math
from functools import lru_cache
from itertools import product

import numpy as np
from numpy.lib.stride_tricks import as_strided

from lamina.backend.memory import keep_freed_memory

_BIG = 1 << 20  # elements: arrays this large make malloc tuning worth it


def effective_size(kernel, dilation):
    """The span of a dilated kernel: (k - 1) * d + 1."""
    return (kernel - 1) * dilation + 1


def conv_output_length(length, kernel, padding, stride, dilation=1):
    """Keras's output length of a convolution along one axis (None stays None).

    valid: floor((L - k_eff) / s) + 1; same and causal: ceil(L / s). May be <= 0
    for valid padding: callers turn that into an error naming the layer.
    """
    if length is None:
        return None
    k = effective_size(kernel, dilation)
    if padding == "valid":
        return (length - k) // stride + 1
    return (length + stride - 1) // stride


def padding_amounts(length, kernel, padding, stride, dilation=1):
    """``(left, right)`` zero padding along one axis, as TensorFlow/Keras pad.

    same: total = max((out - 1) * s + k_eff - L, 0), the smaller half on the left;
    causal: k_eff - 1 on the left only (output t sees inputs <= t).
    """
    if padding == "valid":
        return 0, 0
    k = effective_size(kernel, dilation)
    if padding == "causal":
        return k - 1, 0
    out = (length + stride - 1) // stride
    total = max((out - 1) * stride + k - length, 0)
    return total // 2, total - total // 2


def conv_transpose_geometry(length, kernel, padding, stride, dilation=1, output_padding=None):
    """``(output length, crop)`` of a transposed convolution along one axis, as Keras 3.

    The "full" result of scattering every input position (length (L-1)*s + k_eff) is
    cropped by ``crop`` on the left and cut (or zero-extended) on the right to the
    output length. Keras's rule: valid -> (L-1)*s + k_eff + output_padding (default
    max(k_eff, s) - k_eff); same -> L*s, or (L-1)*s + k_eff % 2 + output_padding.
    """
    k = effective_size(kernel, dilation)
    if padding == "valid":
        op = max(k, stride) - k if output_padding is None else output_padding
        left = k - 1
        pad_len = 2 * (k - 1) + op
    else:
        pad_len = stride + k - 2 if output_padding is None else k + k % 2 - 2 + output_padding
        left = min(pad_len // 2 + pad_len % 2, k - 1)
    if length is None:
        return None, k - 1 - left
    out = (length - 1) * stride + 1 + pad_len - k + 1
    return out, k - 1 - left


def pad(x, pads, value=0.0):
    """``x`` (batch, *spatial, C) with ``pads`` [(left, right), ...] added around the spatial
    axes; ``x`` itself when there is nothing to add (no copy)."""
    if not any(l or r for l, r in pads):
        return x
    shape = (x.shape[0],) + tuple(n + l + r for n, (l, r) in zip(x.shape[1:-1], pads)) + (
        x.shape[-1],)
    out = np.full(shape, value, dtype=x.dtype) if value else np.zeros(shape, dtype=x.dtype)
    out[inner(pads, x.shape)] = x
    return out


def inner(pads, shape):
    """The index of the unpadded region inside a padded array."""
    return (slice(None),) + tuple(slice(l, l + n) for (l, _), n in zip(pads, shape[1:-1])) + (
        slice(None),)


def windows(xp, out, kernel, strides, dilation):
    """A read-only strided view (batch, *out, *kernel, C) of every window of ``xp``.

    Element [n, o..., k..., c] is xp[n, o_i * s_i + k_i * d_i ..., c]; nothing is copied.
    """
    st = xp.strides
    nd = len(kernel)
    shape = (xp.shape[0],) + tuple(out) + tuple(kernel) + (xp.shape[-1],)
    strides_ = ((st[0],) + tuple(st[1 + i] * strides[i] for i in range(nd))
                + tuple(st[1 + i] * dilation[i] for i in range(nd)) + (st[-1],))
    return as_strided(xp, shape, strides_, writeable=False)


def offset_slices(kernel, out, strides, dilation):
    """For each kernel offset (row-major), the slices of the padded input it touches: a
    tuple of (offset, slices), made once per geometry (convolutions ask for it per block)."""
    return _offset_slices(tuple(kernel), tuple(out), tuple(strides), tuple(dilation))


@lru_cache(maxsize=256)
def _offset_slices(kernel, out, strides, dilation):
    return tuple((k, (slice(None),) + tuple(
        slice(k[i] * dilation[i], k[i] * dilation[i] + strides[i] * (out[i] - 1) + 1,
              strides[i]) for i in range(len(kernel))) + (slice(None),))
        for k in product(*[range(n) for n in kernel]))


def im2col(xp, out, kernel, strides, dilation, ones_column=False, dst=None):
    """Every window of ``xp`` (batch, *spatial, C) as a row of a matrix
    (batch * prod(out), prod(kernel) * C), columns ordered (*kernel, C) like a Keras kernel
    reshaped to 2-D; with ``ones_column`` one more column of ones (the bias as one more
    row of the kernel matrix). Written into ``dst`` when given.

    Few channels (an image's 1 or 3) give short contiguous runs that a single copy of the
    whole window view walks slowly; then one copy per kernel offset is faster.
    """
    n, c = xp.shape[0], xp.shape[-1]
    width = math.prod(kernel) * c
    if dst is None:
        dst = np.empty((n * math.prod(out), width + ones_column), dtype=xp.dtype)
    body = dst[:, :width].reshape((n,) + tuple(out) + (math.prod(kernel), c))
    if c <= 4:
        for k, (_, sl) in enumerate(offset_slices(kernel, out, strides, dilation)):
            np.copyto(body[..., k, :], xp[sl])
    else:
        np.copyto(body.reshape((n,) + tuple(out) + tuple(kernel) + (c,)),
                  windows(xp, out, kernel, strides, dilation))
    if ones_column:
        dst[:, width] = 1
    return dst


def col2im(cols, padded_shape, kernel, strides, dilation, dst=None):
    """The adjoint of ``windows``: add each window's values back where they came from.

    ``cols`` has shape (batch, *out, *kernel, C); the result has ``padded_shape`` (added
    into ``dst`` when given). One vectorized add per kernel offset; windows that overlap
    simply add up.
    """
    nd = len(kernel)
    out = cols.shape[1:1 + nd]
    gx = np.zeros(padded_shape, dtype=cols.dtype) if dst is None else dst
    lead = (slice(None),) * (1 + nd)
    for k, sl in offset_slices(kernel, out, strides, dilation):
        gx[sl] += cols[lead + k]
    return gx


# --- pooling ------------------------------------------------------------------------

def pool_geometry(spatial, pool, strides, padding):
    """Output sizes and paddings of a pooling window (Keras: valid or same, no dilation)."""
    out = tuple(conv_output_length(n, p, padding, s) for n, p, s in zip(spatial, pool, strides))
    pads = [padding_amounts(n, p, padding, s) for n, p, s in zip(spatial, pool, strides)]
    return out, pads


def _is_pairwise(pool, strides, pads):
    """The 2x2, stride 2, unpadded window of most convnets: a faster special case."""
    return (len(pool) == 2 and pool == (2, 2) and tuple(strides) == (2, 2)
            and not any(l or r for l, r in pads))


def max_pool(x, pool, strides, padding, with_argmax=False):
    """Max over each window; with ``with_argmax`` also what the backward pass needs to route
    each gradient to the first maximum of its window (as TensorFlow does)."""
    out, pads = pool_geometry(x.shape[1:-1], pool, strides, padding)
    ones = (1,) * len(pool)
    if x.size > _BIG:
        keep_freed_memory()
    if _is_pairwise(pool, strides, pads):
        return _max_pool_2x2(x, out, with_argmax)
    xp = pad(x, pads, -np.inf)
    slices = [sl for _, sl in offset_slices(pool, out, strides, ones)]
    if not with_argmax:
        m = xp[slices[0]].copy() if len(slices) > 1 else xp[slices[0]]
        for sl in slices[1:]:
            np.maximum(m, xp[sl], out=m)
        return np.ascontiguousarray(m), None
    m = xp[slices[0]].copy()
    idx = np.zeros(m.shape, dtype=np.uint8 if len(slices) < 256 else np.int32)
    for k, sl in enumerate(slices[1:], 1):
        s = xp[sl]
        upd = np.greater(s, m)  # strict: on ties the first offset keeps the gradient, as TF
        np.copyto(m, s, where=upd)
        np.copyto(idx, k, where=upd)
    return m, ("index", idx)


def _window_rows_2x2(x, out):
    """The top and bottom rows of every 2x2 window of x (batch, H, W, C), each a
    (batch, h, 2w * C) view: one contiguous run per row of windows. NumPy's vector loops
    want such flat runs; on the equivalent (batch, h, w, 2, C) views they fall back to
    a loop twice as slow."""
    n, c = x.shape[0], x.shape[-1]
    h, w = out
    if x.strides[-1] != x.itemsize or x.strides[2] != c * x.itemsize:
        x = np.ascontiguousarray(x)   # e.g. channels_first data moved to channels_last
    s0, s1 = x.strides[0], x.strides[1]
    shape, strides = (n, h, 2 * w * c), (s0, 2 * s1, x.strides[-1])
    return (as_strided(x, shape, strides), as_strided(x[:, 1:], shape, strides))


def _max_pool_2x2(x, out, with_argmax):
    """Max of the two rows of each window (long contiguous runs), then of the two columns.
    For the backward pass two booleans: per column the bottom pixel won, and the right
    column won. Comparisons are strict, and a tie between the columns goes to the right
    one only when its winner is the top pixel and the left one's the bottom: so the first
    maximum in row-major order gets the gradient, as in TensorFlow and PyTorch."""
    n, c = x.shape[0], x.shape[-1]
    h, w = out
    top, bottom = _window_rows_2x2(x, out)
    rows = np.maximum(top, bottom, out=np.empty(top.shape, x.dtype))
    pairs = rows.reshape(n, h, w, 2, c)
    left, right = pairs[..., 0, :], pairs[..., 1, :]
    m = np.maximum(left, right)
    if not with_argmax:
        return m, None
    low = np.greater(bottom, top, out=np.empty(top.shape, bool)).reshape(n, h, w, 2, c)
    right_won = np.greater(right, left)
    tie = np.equal(right, left)
    tie &= low[..., 0, :]
    tie &= ~low[..., 1, :]
    right_won |= tie
    return m, ("2x2", low, right_won)


def max_pool_backward(g, state, x_shape, pool, strides, padding):
    """Route each output gradient to its window's (first) maximum."""
    out, pads = pool_geometry(x_shape[1:-1], pool, strides, padding)
    padded = (x_shape[0],) + tuple(n + l + r for n, (l, r) in zip(x_shape[1:-1], pads)) + (
        x_shape[-1],)
    disjoint = all(s >= p for s, p in zip(strides, pool))
    # windows that tile the input exactly write every element once: no zero fill needed
    tiled = disjoint and all(s == p and o * s == n for s, p, o, n in
                             zip(strides, pool, out, padded[1:-1]))
    gx = np.empty(padded, g.dtype) if tiled else np.zeros(padded, g.dtype)
    if state[0] == "2x2":
        _, low, right = state
        pair = np.empty(low.shape, g.dtype)         # the gradient of the two column maxima
        np.multiply(g, ~right, out=pair[..., 0, :])
        np.multiply(g, right, out=pair[..., 1, :])
        top, bottom = _window_rows_2x2(gx, out)
        flat = pair.shape[:2] + (-1,)
        low = low.reshape(flat)
        np.multiply(pair.reshape(flat), ~low, out=top)
        np.multiply(pair.reshape(flat), low, out=bottom)
        return gx
    data = state[1]
    ones = (1,) * len(pool)
    for k, (_, sl) in enumerate(offset_slices(pool, out, strides, ones)):
        if disjoint:
            np.multiply(g, data == k, out=gx[sl])
        else:
            gx[sl] += g * (data == k)
    return gx[inner(pads, x_shape)] if any(l or r for l, r in pads) else gx


def avg_pool(x, pool, strides, padding):
    """Mean over each window; with same padding the padded zeros are not counted (Keras)."""
    out, pads = pool_geometry(x.shape[1:-1], pool, strides, padding)
    xp = pad(x, pads)
    ones = (1,) * len(pool)
    slices = [sl for _, sl in offset_slices(pool, out, strides, ones)]
    s = xp[slices[0]].copy()
    for sl in slices[1:]:
        s += xp[sl]
    counts = window_counts(x.shape[1:-1], pool, strides, pads, out, x.dtype)
    s /= counts
    return s


def window_counts(spatial, pool, strides, pads, out, dtype):
    """How many real (unpadded) elements each window covers: an array that broadcasts
    against (batch, *out, C), or a Python number when every window is full."""
    if not any(l or r for l, r in pads):
        return dtype.type(math.prod(pool))
    counts = None
    nd = len(pool)
    for i in range(nd):
        start = np.arange(out[i]) * strides[i] - pads[i][0]
        c = (np.minimum(start + pool[i], spatial[i]) - np.maximum(start, 0)).astype(dtype)
        shape = [1] * (nd + 2)
        shape[1 + i] = out[i]
        c = c.reshape(shape)
        counts = c if counts is None else counts * c
    return counts


def avg_pool_backward(g, x_shape, pool, strides, padding):
    out, pads = pool_geometry(x_shape[1:-1], pool, strides, padding)
    padded = (x_shape[0],) + tuple(n + l + r for n, (l, r) in zip(x_shape[1:-1], pads)) + (
        x_shape[-1],)
    g = g / window_counts(x_shape[1:-1], pool, strides, pads, out, g.dtype)
    ones = (1,) * len(pool)
    gx = np.zeros(padded, g.dtype)
    for _, sl in offset_slices(pool, out, strides, ones):
        gx[sl] += g
    return gx[inner(pads, x_shape)] if any(l or r for l, r in pads) else gx
