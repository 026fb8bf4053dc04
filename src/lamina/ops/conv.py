"""Convolutions as fused ops: im2col + one matrix product + bias + activation.

Kernels use Keras's layouts: ``conv`` (*window, in // groups, out); ``conv_transpose``
(*window, out, in); ``depthwise_conv`` (*window, in, depth_multiplier);
``locally_connected`` (positions, window * in, filters). Data is channels_last
(batch, *spatial, channels); ``data_format='channels_first'`` is accepted and moved
to that layout around the op.

>>> from lamina.autodiff import Tensor
>>> x = Tensor(np.ones((1, 5, 5, 1), "float32"))
>>> conv(x, Tensor(np.ones((3, 3, 1, 2), "float32")), padding="same").shape
(1, 5, 5, 2)
"""
import math

import numpy as np

from lamina.autodiff.tensor import Function
from lamina.backend import im2col as K
from lamina.backend.memory import keep_freed_memory
from lamina.ops import math as M
from lamina.ops.activations import Linear, ReLU, activate


def _tuple(value, n, name):
    if isinstance(value, (int, np.integer)):
        return (int(value),) * n
    value = tuple(int(v) for v in value)
    if len(value) != n:
        raise ValueError(f"{name} must be an int or a tuple of {n} ints, got {value}")
    return value


def _is_plain_relu(act):
    return isinstance(act, ReLU) and act.plain


class _Act:
    """The activation part of a fused op: in place for plain ReLU (its backward needs only
    the output), through the activation kernel otherwise."""

    def _act_forward(self, z):
        act = self.act
        if act is None:
            self.z = self.y = z
            return z
        if _is_plain_relu(act):
            np.maximum(z, 0, out=z)
            self.z = self.y = z
            return z
        self.z, self.y = z, act.forward(z)
        return self.y

    def _act_backward(self, g):
        act = self.act
        if act is None:
            return g
        if _is_plain_relu(act):
            return np.multiply(g, self.y > 0, dtype=g.dtype)
        return act.backward(self.z, self.y, g)


CHUNK_ROWS = 4096  # output positions per block of the dense convolution's pipeline


class Conv(_Act, Function):
    """act(conv(x, w) + b) on channels_last arrays, any number of spatial dims.

    Static: strides, dilation, pads [(left, right)...], out (output spatial sizes),
    groups, act (activation kernel or None).

    Without groups the work runs over blocks of whole images, ~CHUNK_ROWS output positions
    each: the block's windows are copied (im2col), multiplied by the kernel matrix (one
    BLAS call, the bias folded in as one more kernel row against a column of ones) and a
    ReLU applied while the block is still in cache; the backward pass likewise (ReLU mask,
    weight-gradient product accumulated, input gradient scattered back by kernel offset).
    """

    def forward(self, x, w, b=None):
        nd = x.ndim - 2
        self.kernel = w.shape[:nd]
        xp = K.pad(x, self.pads)
        self.x_shape, self.xp_shape, self.w_shape = x.shape, xp.shape, w.shape
        if self.groups == 1:
            z = self._dense_forward(xp, w, b)
        else:
            z = self._grouped_forward(xp, w, b)
        y = z if _is_plain_relu(self.act) else self._act_forward(z)
        return y.reshape((x.shape[0],) + tuple(self.out) + (w.shape[-1],))

    def _blocks(self):
        """(first, last + 1) images of each block: whole images, ~CHUNK_ROWS positions."""
        n = self.x_shape[0]
        step = max(1, CHUNK_ROWS // math.prod(self.out))
        return [(a, min(a + step, n)) for a in range(0, n, step)]

    def _dense_forward(self, xp, w, b, pool=None):
        """The blocked pipeline; with ``pool`` (a function of the block's output, as
        (images, *out, filters)) each block's output is handed to it while still in cache
        and only a block-sized buffer is kept."""
        c, o = self.x_shape[-1], w.shape[-1]
        kk = math.prod(self.kernel)
        self.fold = fold = b is not None
        self.w2 = w2 = w.reshape(kk * c, o)
        wb = np.concatenate([w2, b.reshape(1, o).astype(w2.dtype)]) if fold else w2
        per = math.prod(self.out)
        rows = self.x_shape[0] * per
        if rows * (kk * c + o) > 1 << 20:
            keep_freed_memory()
        self.cols = cols = np.empty((rows, kk * c + fold), dtype=xp.dtype)
        blocks = self._blocks()
        dtype = np.result_type(xp.dtype, w.dtype)
        z = np.empty(((blocks[0][1] if pool else self.x_shape[0]) * per, o), dtype)
        relu = _is_plain_relu(self.act)
        for a, e in blocks:
            r0, r1 = a * per, e * per
            K.im2col(xp[a:e], self.out, self.kernel, self.strides, self.dilation, fold,
                     dst=cols[r0:r1])
            zb = z[:r1 - r0] if pool else z[r0:r1]
            np.matmul(cols[r0:r1], wb, out=zb)
            if pool:
                pool(a, e, zb.reshape((e - a,) + tuple(self.out) + (o,)))
            elif relu:
                np.maximum(zb, 0, out=zb)
        if relu:
            self.z = self.y = z
        return z

    def _grouped_forward(self, xp, w, b):
        G, c, o = self.groups, self.x_shape[-1], w.shape[-1]
        kk = math.prod(self.kernel)
        view = K.windows(xp, self.out, self.kernel, self.strides, self.dilation)
        cg, og = c // G, o // G
        v = view.reshape(view.shape[:-1] + (G, cg))
        self.cols = cols = np.moveaxis(v, -2, 0).reshape(G, -1, kk * cg)
        self.w2 = w2 = w.reshape(kk, cg, G, og).transpose(2, 0, 1, 3).reshape(G, kk * cg, og)
        z = np.matmul(cols, w2).transpose(1, 0, 2).reshape(-1, o)
        if b is not None:
            z += b
        if _is_plain_relu(self.act):
            np.maximum(z, 0, out=z)
            self.z = self.y = z
        return z

    def backward(self, g):
        needs = self.needs_grad
        g = g.reshape(-1, self.w_shape[-1])
        bias = len(needs) == 3 and needs[2]
        if self.groups == 1:
            gx, gw, gb = self._dense_backward(g, needs[0], needs[1], bias)
        else:
            gx, gw, gb = self._grouped_backward(self._act_backward(g), needs[0], needs[1], bias)
        return (gx, gw) if len(needs) == 2 else (gx, gw, gb)

    def _dense_backward(self, g, need_x, need_w, need_b, block_grad=None):
        """The blocked backward; ``block_grad(a, e)``, when given, makes the gradient of
        the output rows of images a..e (for ``g`` None: see ConvMaxPool)."""
        relu = block_grad is None and _is_plain_relu(self.act)   # the mask goes per block
        if block_grad is None and not relu:
            g = self._act_backward(g)
        c = self.x_shape[-1]
        kk = math.prod(self.kernel)
        per = math.prod(self.out)
        o = self.w_shape[-1]
        rows = self.x_shape[0] * per
        dtype = self.cols.dtype if g is None else g.dtype
        gxp = np.zeros(self.xp_shape, dtype=dtype) if need_x else None
        gwb = None                   # the weight gradient, the bias's as its last row
        y, cols = self.y, self.cols
        gz_all = np.empty((rows, o), dtype) if (relu or block_grad) and need_x else g
        for a, e in self._blocks():
            r0, r1 = a * per, e * per
            if block_grad is not None:
                gz = block_grad(a, e)
                if need_x:
                    gz_all[r0:r1] = gz
            elif relu:  # the ReLU mask while the block is in cache
                gz = np.multiply(g[r0:r1], y[r0:r1] > 0, out=gz_all[r0:r1] if need_x else None)
            else:
                gz = g[r0:r1]
            if need_w or need_b:
                part = cols[r0:r1].T @ gz
                gwb = part if gwb is None else np.add(gwb, part, out=gwb)
        if need_x:
            # the input gradient one kernel offset at a time: gz @ w_k^T is that offset's
            # part of every window's gradient, added into the input pixels the windows read.
            # Each add runs along whole rows of pixels, where scattering the (positions,
            # kernel * in) window gradients (col2im) walks runs of only `in` numbers: for a
            # 3x3 kernel over 32 channels the input gradient takes half the time.
            shape = (self.x_shape[0],) + tuple(self.out) + (c,)
            t = np.empty((rows, c), dtype)
            for i, (_, sl) in enumerate(K.offset_slices(self.kernel, self.out, self.strides,
                                                        self.dilation)):
                np.matmul(gz_all, self.w2[i * c:(i + 1) * c].T, out=t)
                gxp[sl] += t.reshape(shape)
        gw = gwb[:kk * c].reshape(self.w_shape) if need_w else None
        gb = gwb[-1] if need_b else None  # a bias needing a gradient was folded in
        gx = None
        if need_x:
            gx = gxp[K.inner(self.pads, self.x_shape)] if gxp.shape != self.x_shape else gxp
        return gx, gw, gb

    def _grouped_backward(self, g, need_x, need_w, need_b):
        G, o = self.groups, self.w_shape[-1]
        og, c = o // G, self.x_shape[-1]
        cg = c // G
        gg = g.reshape(-1, G, og).transpose(1, 0, 2)
        gx = gw = gb = None
        if need_w:
            gw3 = np.matmul(self.cols.transpose(0, 2, 1), gg)          # (G, kk*cg, og)
            gw = gw3.reshape((G, math.prod(self.kernel), cg, og)).transpose(1, 2, 0, 3).reshape(
                self.w_shape)
        if need_x:
            gc = np.matmul(gg, self.w2.transpose(0, 2, 1))             # (G, m, kk*cg)
            gc = gc.reshape((G, self.x_shape[0]) + tuple(self.out) + self.kernel + (cg,))
            gcols = np.moveaxis(gc, 0, -2).reshape(
                (self.x_shape[0],) + tuple(self.out) + self.kernel + (c,))
            gxp = K.col2im(gcols, self.xp_shape, self.kernel, self.strides, self.dilation)
            gx = gxp[K.inner(self.pads, self.x_shape)] if gxp.shape != self.x_shape else gxp
        if need_b:
            gb = _column_sums(g)
        return gx, gw, gb


class ConvMaxPool(Conv):
    """max_pool_2x2(conv(x, w) + b): a 2-D convolution whose output is max-pooled over 2x2
    windows (stride 2, valid) block by block, while each block is still in cache. The
    convolution's full output is never stored: the backward pass routes the pooled
    gradient back to each window's first maximum, block by block. Exactly the numbers of
    ``max_pool(conv(x, w, b))``: the same blocks, products and pooling.

    Static: as ``Conv`` (groups 1, no activation).
    """

    def forward(self, x, w, b=None):
        self.kernel = w.shape[:2]
        xp = K.pad(x, self.pads)
        self.x_shape, self.xp_shape, self.w_shape = x.shape, xp.shape, w.shape
        self.pooled = pooled = (self.out[0] // 2, self.out[1] // 2)
        n, o = x.shape[0], w.shape[-1]
        m = np.empty((n,) + pooled + (o,), np.result_type(x.dtype, w.dtype))
        self.states = states = []
        train = bool(self.needs_grad)   # inference needs no routing for a backward pass

        def pool(a, e, z):
            mb, state = K.max_pool(z, (2, 2), (2, 2), "valid", with_argmax=train)
            m[a:e] = mb
            states.append(state)

        self.y = None
        self._dense_forward(xp, w, b, pool=pool)
        return m

    def backward(self, g):
        needs = self.needs_grad
        per = math.prod(self.out)
        o = self.w_shape[-1]
        states = dict(zip(self._blocks(), self.states))

        def block_grad(a, e):
            state = states[a, e]
            gz = K.max_pool_backward(g[a:e], state, (e - a,) + tuple(self.out) + (o,),
                                     (2, 2), (2, 2), "valid")
            return gz.reshape((e - a) * per, o)

        bias = len(needs) == 3 and needs[2]
        gx, gw, gb = self._dense_backward(None, needs[0], needs[1], bias, block_grad=block_grad)
        return (gx, gw) if len(needs) == 2 else (gx, gw, gb)


def conv_max_pool_2x2(inputs, kernel, bias=None, strides=1, padding="valid",
                      dilation_rate=1):
    """``max_pool(conv(inputs, kernel, bias), 2)`` for channels_last 2-D inputs in one op
    (see ``ConvMaxPool``); 2x2 windows, stride 2, valid padding, no activation."""
    x = inputs
    if x.ndim != 4 or kernel.shape[-2] != x.shape[-1]:
        raise ValueError(f"conv_max_pool_2x2: expects (batch, h, w, c) inputs and a kernel "
                         f"(kh, kw, c, filters) without groups, got {tuple(x.shape)} and "
                         f"{tuple(kernel.shape)}")
    strides = _tuple(strides, 2, "strides")
    dilation = _tuple(dilation_rate, 2, "dilation_rate")
    out, pads = conv_geometry(x.shape[1:-1], kernel.shape[:2], strides, padding, dilation)
    if min(out) < 2:
        raise ValueError(f"conv_max_pool_2x2: the convolution's output {out} is smaller than "
                         "the 2x2 pooling window")
    args = (x, kernel) if bias is None else (x, kernel, bias)
    return ConvMaxPool.apply(*args, strides=strides, dilation=dilation, pads=pads, out=out,
                             groups=1, act=None)


def _column_sums(g):
    """g.sum(axis=0) as a BLAS matrix-vector product: NumPy's reduction over the long axis
    is a much slower loop."""
    return np.ones(g.shape[0], dtype=g.dtype) @ g


class ConvTranspose(_Act, Function):
    """act(conv_transpose(x, w) + b): the adjoint of a convolution (kernel (*k, out, in)).

    Static: strides, dilation, out (output spatial sizes), crops (left crop per axis), act.
    """

    def forward(self, x, w, b=None):
        nd = x.ndim - 2
        kernel = w.shape[:nd]
        n, cin = x.shape[0], x.shape[-1]
        o = w.shape[-2]
        kk = math.prod(kernel)
        x2 = x.reshape(-1, cin)
        w2 = w.reshape(kk * o, cin)
        cols = (x2 @ w2.T).reshape(x.shape[:-1] + kernel + (o,))
        full = [(L - 1) * s + K.effective_size(k, d) for L, k, s, d in
                zip(x.shape[1:-1], kernel, self.strides, self.dilation)]
        buf = tuple(max(f, c + t) for f, c, t in zip(full, self.crops, self.out))
        y = K.col2im(cols, (n,) + buf + (o,), kernel, self.strides, self.dilation)
        sl = (slice(None),) + tuple(slice(c, c + t) for c, t in zip(self.crops, self.out)) + (
            slice(None),)
        z = np.ascontiguousarray(y[sl])
        if b is not None:
            z += b
        self.x2, self.w2, self.x_shape, self.w_shape, self.buf = x2, w2, x.shape, w.shape, buf
        return self._act_forward(z)

    def backward(self, g):
        needs = self.needs_grad
        g = self._act_backward(g)
        nd = len(self.x_shape) - 2
        kernel = self.w_shape[:nd]
        o = self.w_shape[-2]
        gbuf = np.zeros((g.shape[0],) + self.buf + (o,), dtype=g.dtype)
        gbuf[(slice(None),) + tuple(slice(c, c + t) for c, t in zip(self.crops, self.out))
             + (slice(None),)] = g
        view = K.windows(gbuf, self.x_shape[1:-1], kernel, self.strides, self.dilation)
        gcols = view.reshape(self.x2.shape[0], -1)
        gx = (gcols @ self.w2).reshape(self.x_shape) if needs[0] else None
        gw = (gcols.T @ self.x2).reshape(self.w_shape) if needs[1] else None
        if len(needs) == 2:
            return gx, gw
        gb = g.reshape(-1, o).sum(axis=0) if needs[2] else None
        return gx, gw, gb


class LocallyConnected(_Act, Function):
    """Unshared-weight convolution (Keras 2's LocallyConnected, implementation 1):
    out[n, p, f] = sum_j cols[n, p, j] * w[p, j, f] + b[p..., f]. Static: strides, out, act."""

    def forward(self, x, w, b=None):
        nd = x.ndim - 2
        kernel = self.kernel
        view = K.windows(x, self.out, kernel, self.strides, (1,) * nd)
        n, p = x.shape[0], math.prod(self.out)
        cols = view.reshape(n, p, -1).transpose(1, 0, 2)          # (P, N, K*C)
        z = np.matmul(cols, w).transpose(1, 0, 2)                  # (N, P, F)
        z = z.reshape((n,) + tuple(self.out) + (w.shape[-1],))
        if b is not None:
            z = z + b
        self.cols, self.w, self.x_shape = cols, w, x.shape
        return self._act_forward(z)

    def backward(self, g):
        needs = self.needs_grad
        g = self._act_backward(g)
        n, f = g.shape[0], g.shape[-1]
        gp = g.reshape(n, -1, f).transpose(1, 0, 2)                # (P, N, F)
        gw = np.matmul(self.cols.transpose(0, 2, 1), gp) if needs[1] else None
        gx = None
        if needs[0]:
            nd = len(self.x_shape) - 2
            gc = np.matmul(gp, self.w.transpose(0, 2, 1)).transpose(1, 0, 2)
            gc = gc.reshape((n,) + tuple(self.out) + tuple(self.kernel) + (self.x_shape[-1],))
            gx = K.col2im(gc, self.x_shape, self.kernel, self.strides, (1,) * nd)
        if len(needs) == 2:
            return gx, gw
        gb = g.sum(axis=0) if needs[2] else None
        return gx, gw, gb


# --- the public functions ----------------------------------------------------------

def _split_act(activation):
    """(kernel fused into the op, kernel applied after it): softmax/sigmoid run as their
    own op so a cross-entropy loss can find the logits."""
    if activation is None or isinstance(activation, Linear):
        return None, None
    if activation.saves_logits:
        return None, activation
    return activation, None


def _finish(y, after):
    return y if after is None else activate(y, after)


def _to_last(x, data_format):
    if data_format == "channels_first":
        return M.transpose(x, (0,) + tuple(range(2, x.ndim)) + (1,))
    return x


def _to_first(y, data_format):
    if data_format == "channels_first":
        return M.transpose(y, (0, y.ndim - 1) + tuple(range(1, y.ndim - 1)))
    return y


def _check_data_format(data_format):
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"data_format must be 'channels_last' or 'channels_first', "
                         f"got {data_format!r}")


def conv_geometry(spatial, kernel, strides, padding, dilation, who="conv"):
    """Output sizes and paddings; a clear error when the window does not fit."""
    out, pads = [], []
    for i, (n, k, s, d) in enumerate(zip(spatial, kernel, strides, dilation)):
        o = K.conv_output_length(n, k, padding, s, d)
        if o is not None and o <= 0:
            raise ValueError(
                f"{who}: the kernel (size {tuple(kernel)}, dilation {tuple(dilation)}: spans "
                f"{K.effective_size(k, d)} along spatial axis {i}) is larger than the "
                f"{'padded ' if padding != 'valid' else ''}input (spatial shape "
                f"{tuple(spatial)}, padding '{padding}'); the output would be empty")
        out.append(o)
        pads.append(K.padding_amounts(n, k, padding, s, d) if n is not None else (0, 0))
    return tuple(out), pads


def conv(inputs, kernel, bias=None, strides=1, padding="valid", data_format="channels_last",
         dilation_rate=1, activation=None):
    """N-D convolution (1, 2 or 3 spatial dims) with Keras's kernel layout
    (*window, in_channels // groups, filters); groups = in_channels // kernel.shape[-2].

    ``padding``: 'valid', 'same' or 'causal' (1-D, left padding only). ``activation`` is an
    activation kernel (``lamina.activations.kernel_of``), fused with the bias into the op.
    """
    _check_data_format(data_format)
    nd = inputs.ndim - 2
    if nd < 1:
        raise ValueError(f"conv: inputs must have a batch, spatial and channel axis, got shape "
                         f"{tuple(inputs.shape)}")
    strides = _tuple(strides, nd, "strides")
    dilation = _tuple(dilation_rate, nd, "dilation_rate")
    x = _to_last(inputs, data_format)
    c, kin, f = x.shape[-1], kernel.shape[-2], kernel.shape[-1]
    if c % kin or f % (c // kin):
        raise ValueError(f"conv: inputs have {c} channels; the kernel of shape "
                         f"{tuple(kernel.shape)} expects a multiple of {kin} channels that "
                         f"divides its {f} filters into equal groups")
    out, pads = conv_geometry(x.shape[1:-1], kernel.shape[:nd], strides, padding, dilation)
    fused, after = _split_act(activation)
    args = (x, kernel) if bias is None else (x, kernel, bias)
    y = Conv.apply(*args, strides=strides, dilation=dilation, pads=pads, out=out,
                   groups=c // kin, act=fused)
    return _to_first(_finish(y, after), data_format)


def depthwise_conv(inputs, kernel, bias=None, strides=1, padding="valid",
                   data_format="channels_last", dilation_rate=1, activation=None):
    """Each input channel convolved with its own ``depth_multiplier`` filters; kernel
    (*window, in_channels, depth_multiplier); output channel c * depth_multiplier + m."""
    nd = kernel.ndim - 2
    shape = tuple(kernel.shape[:nd]) + (1, kernel.shape[-2] * kernel.shape[-1])
    return conv(inputs, M.reshape(kernel, shape), bias, strides, padding, data_format,
                dilation_rate, activation)


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, bias=None, strides=1,
                   padding="valid", data_format="channels_last", dilation_rate=1,
                   activation=None):
    """A depthwise convolution followed by a 1x1 (pointwise) convolution, as Keras."""
    y = depthwise_conv(inputs, depthwise_kernel, None, strides, padding, data_format,
                       dilation_rate)
    return conv(y, pointwise_kernel, bias, 1, "valid", data_format, 1, activation)


def conv_transpose(inputs, kernel, bias=None, strides=1, padding="valid", output_padding=None,
                   data_format="channels_last", dilation_rate=1, activation=None):
    """Transposed convolution with Keras's kernel layout (*window, filters, in_channels) and
    Keras's output size: valid -> (L-1)*s + k_eff (+ output_padding), same -> L*s."""
    _check_data_format(data_format)
    nd = inputs.ndim - 2
    strides = _tuple(strides, nd, "strides")
    dilation = _tuple(dilation_rate, nd, "dilation_rate")
    ops_ = (None,) * nd if output_padding is None else _tuple(output_padding, nd,
                                                               "output_padding")
    x = _to_last(inputs, data_format)
    if x.shape[-1] != kernel.shape[-1]:
        raise ValueError(f"conv_transpose: inputs have {x.shape[-1]} channels, the kernel of "
                         f"shape {tuple(kernel.shape)} expects {kernel.shape[-1]}")
    out, crops = [], []
    for n, k, s, d, op in zip(x.shape[1:-1], kernel.shape[:nd], strides, dilation, ops_):
        o, crop = K.conv_transpose_geometry(n, k, padding, s, d, op)
        if o <= 0:
            raise ValueError(f"conv_transpose: output_padding {output_padding} gives an empty "
                             f"output for input spatial shape {tuple(x.shape[1:-1])}")
        out.append(o)
        crops.append(crop)
    fused, after = _split_act(activation)
    args = (x, kernel) if bias is None else (x, kernel, bias)
    y = ConvTranspose.apply(*args, strides=strides, dilation=dilation, out=tuple(out),
                            crops=tuple(crops), act=fused)
    return _to_first(_finish(y, after), data_format)


def locally_connected(inputs, kernel, bias=None, kernel_size=1, strides=1,
                      data_format="channels_last", activation=None):
    """Keras 2's locally connected layer (valid padding): kernel (positions, window * in,
    filters) with each position's window flattened as (*window, in) for channels_last and
    (in, *window) for channels_first, as Keras 2 did; bias (*out, filters)."""
    _check_data_format(data_format)
    nd = inputs.ndim - 2
    kernel_size = _tuple(kernel_size, nd, "kernel_size")
    strides = _tuple(strides, nd, "strides")
    x = _to_last(inputs, data_format)
    out, _ = conv_geometry(x.shape[1:-1], kernel_size, strides, "valid", (1,) * nd,
                           "locally_connected")
    if data_format == "channels_first":  # rows of the kernel in (in, *window) order
        p, _, f = kernel.shape
        c = x.shape[-1]
        kernel = M.reshape(M.transpose(M.reshape(kernel, (p, c, -1, f)), (0, 2, 1, 3)),
                           (p, -1, f))
    fused, after = _split_act(activation)
    args = (x, kernel) if bias is None else (x, kernel, bias)
    y = LocallyConnected.apply(*args, kernel=kernel_size, strides=strides, out=out, act=fused)
    return _to_first(_finish(y, after), data_format)


__all__ = ["conv", "conv_transpose", "depthwise_conv", "separable_conv", "locally_connected",
           "conv_geometry", "Conv", "ConvTranspose", "LocallyConnected"]
