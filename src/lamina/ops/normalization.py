"""Batch and layer normalization as fused ops (forward and backward in one Function each).

>>> from lamina.autodiff import Tensor
>>> x = Tensor(np.array([[1.0, 2.0], [3.0, 6.0]]))
>>> y, mean, var = batch_norm_train(x, None, None, axis=-1, epsilon=0.0)
>>> y.data, mean
(array([[-1., -1.],
       [ 1.,  1.]]), array([2., 4.]))
"""
import numpy as np

from lamina.autodiff.tensor import Function, Tensor


def _raw(t):
    return t.data if isinstance(t, Tensor) else t


def _bshape(ndim, axes, shape):
    """The shape that broadcasts a per-feature vector along ``axes`` of an ndim array."""
    out = [1] * ndim
    for a in axes:
        out[a] = shape[a]
    return tuple(out)


class BatchNormTrain(Function):
    """y = gamma * (x - mean) / sqrt(var + eps) + beta with the batch's (optionally
    mask-weighted) moments ``self.mean``/``self.var`` over ``self.axes``; the gradient
    includes the moments' dependence on x. ``self.w``: mask weights broadcastable to x
    (None: every element counts) and ``self.D`` the divisor of the moments."""

    def forward(self, x, gamma, beta):
        xc = x - self.mean
        inv = 1.0 / np.sqrt(self.var + self.epsilon)
        xhat = xc * inv
        self.xhat, self.inv, self.gamma = xhat, inv, gamma
        y = xhat * gamma if gamma is not None else xhat.copy()
        if beta is not None:
            y += beta
        return y.astype(x.dtype, copy=False)

    def backward(self, g):
        axes, xhat, inv, shape = self.axes, self.xhat, self.inv, self.pshape
        ggamma = (g * xhat).sum(axis=axes).reshape(shape) if self.needs_grad[1] else None
        gbeta = g.sum(axis=axes).reshape(shape) if self.needs_grad[2] else None
        gx = None
        if self.needs_grad[0]:
            gh = g * self.gamma if self.gamma is not None else g
            w, D = self.w, self.D
            s1 = gh.sum(axis=axes, keepdims=True)
            s2 = (gh * xhat).sum(axis=axes, keepdims=True)
            if w is None:
                gx = inv * (gh - (s1 + xhat * s2) / D)
            else:
                dvar = -0.5 * inv * inv * s2                     # dL/dvar
                # d var / d mean = -2 sum(w (x - mean)) / D = -2 mean eps / D (Keras adds
                # eps to the weights' sum): tiny, but kept so the gradient is exact
                dmean = -inv * s1 - dvar * 2.0 * self.mean * self.keras_eps / D
                gx = gh * inv + w * (dmean + dvar * 2.0 * xhat / inv) / D
        return gx, ggamma, gbeta


def moments(x, axes, w=None, keras_eps=1e-7):
    """Mean and (biased) variance over ``axes``, kept as broadcastable arrays; with mask
    weights ``w`` Keras's weighted moments (divisor sum(w) + epsilon). Returns
    (mean, var, divisor)."""
    if w is None:
        mean = x.mean(axis=axes, keepdims=True)
        xc = x - mean
        return mean, np.mean(xc * xc, axis=axes, keepdims=True), x.size / mean.size
    D = np.broadcast_to(w, x.shape).sum(axis=axes, keepdims=True) + keras_eps
    mean = (w * x).sum(axis=axes, keepdims=True) / D
    xc = x - mean
    return mean, (w * xc * xc).sum(axis=axes, keepdims=True) / D, D


class Affine(Function):
    """y = x * scale + shift per feature (batch norm in inference mode), with the
    gradients of gamma and beta through scale = gamma * inv, shift = beta - mean * scale."""

    def forward(self, x, gamma, beta):
        scale = self.inv if gamma is None else gamma * self.inv
        self.gamma = gamma
        self.xhat_parts = (x, self.mean, self.inv)
        y = x * scale + (-self.mean * scale if beta is None else beta - self.mean * scale)
        return y.astype(x.dtype, copy=False)

    def backward(self, g):
        x, mean, inv = self.xhat_parts
        axes = self.axes
        shape = self.pshape
        gx = ggamma = gbeta = None
        if self.needs_grad[0]:
            gx = g * (inv if self.gamma is None else self.gamma * inv)
        if self.needs_grad[1]:
            ggamma = (g * ((x - mean) * inv)).sum(axis=axes).reshape(shape)
        if self.needs_grad[2]:
            gbeta = g.sum(axis=axes).reshape(shape)
        return gx, ggamma, gbeta


def _axes(ndim, axis):
    axis = axis % ndim
    return tuple(i for i in range(ndim) if i != axis), axis


def batch_norm_train(x, gamma, beta, axis=-1, epsilon=1e-3, mask=None):
    """Normalize with the batch's moments; returns (output, batch mean, batch variance),
    the moments as raw 1-D arrays for the moving averages. ``mask`` (one dim less than x)
    excludes masked positions from the moments, as Keras."""
    from lamina.backend import epsilon as keras_eps
    data = _raw(x)
    axes, axis = _axes(data.ndim, axis)
    bshape = _bshape(data.ndim, (axis,), data.shape)
    w = None
    if mask is not None:
        w = np.expand_dims(np.asarray(_raw(mask), dtype=data.dtype), -1)
    mean, var, D = moments(data, axes, w, keras_eps())
    y = BatchNormTrain.apply(x, _reshaped(gamma, bshape), _reshaped(beta, bshape), axes=axes,
                             epsilon=epsilon, w=w, D=D, mean=mean, var=var,
                             keras_eps=keras_eps(), pshape=bshape)
    return y, mean.reshape(-1), var.reshape(-1)


def _reshaped(v, shape):
    if v is None:
        return None
    from lamina.ops import math as M
    return M.reshape(v, shape) if isinstance(v, Tensor) else np.reshape(v, shape)


def batch_norm_inference(x, gamma, beta, mean, variance, axis=-1, epsilon=1e-3):
    """Normalize with given (moving) statistics: an affine map per feature."""
    data = _raw(x)
    axes, axis = _axes(data.ndim, axis)
    bshape = _bshape(data.ndim, (axis,), data.shape)
    mean = np.asarray(_raw(mean), dtype=data.dtype).reshape(bshape)
    inv = (1.0 / np.sqrt(np.asarray(_raw(variance), dtype=data.dtype) + epsilon)).reshape(
        bshape).astype(data.dtype)
    return Affine.apply(x, _reshaped(gamma, bshape), _reshaped(beta, bshape), mean=mean,
                        inv=inv, axes=axes, pshape=bshape)


class LayerNorm(Function):
    """y = gamma * (x - mean) / sqrt(var + eps) + beta, moments over ``self.axes`` per
    sample; with ``self.rms`` (Keras's rms_scaling) y = gamma * x / sqrt(var + eps)."""

    def forward(self, x, gamma, beta):
        axes = self.axes
        mean = x.mean(axis=axes, keepdims=True)
        xc = x - mean
        var = np.mean(xc * xc, axis=axes, keepdims=True)
        inv = 1.0 / np.sqrt(var + self.epsilon)
        self.x, self.xc, self.inv, self.gamma = x, xc, inv, gamma
        self.n = x.size / mean.size
        base = (x if self.rms else xc) * inv
        self.base = base
        y = base * gamma if gamma is not None else base.copy()
        if beta is not None:
            y += beta
        return y.astype(x.dtype, copy=False)

    def backward(self, g):
        axes, inv, n = self.axes, self.inv, self.n
        red = tuple(i for i in range(g.ndim) if i not in axes)
        ggamma = (g * self.base).sum(axis=red).reshape(self.pshape) \
            if self.needs_grad[1] else None
        gbeta = g.sum(axis=red).reshape(self.pshape) if self.needs_grad[2] else None
        gx = None
        if self.needs_grad[0]:
            gh = g * self.gamma if self.gamma is not None else g
            xhat = self.xc * inv
            s2 = (gh * (self.x if self.rms else self.xc)).sum(axis=axes, keepdims=True)
            dvar_term = xhat * (inv * inv) * s2 / n     # d/dx through the variance
            if self.rms:
                gx = gh * inv - dvar_term
            else:
                gx = gh * inv - (inv * gh.sum(axis=axes, keepdims=True)) / n - dvar_term
        return gx, ggamma, gbeta


def layer_norm(x, gamma, beta, axis=-1, epsilon=1e-3, rms_scaling=False):
    """Normalize each sample over ``axis`` (an int or a list of ints); gamma and beta have
    the shape of those axes (None to skip them)."""
    data = _raw(x)
    axes = tuple(sorted(a % data.ndim for a in ([axis] if isinstance(axis, int) else axis)))
    bshape = _bshape(data.ndim, axes, data.shape)
    return LayerNorm.apply(x, _reshaped(gamma, bshape), _reshaped(beta, bshape), axes=axes,
                           epsilon=epsilon, rms=bool(rms_scaling), pshape=bshape)
