"""Fused per-sample losses: one Function call computes a loss and, in backward, its exact gradient.

``pointwise_loss`` covers every loss of the form ``reduce(f(y_pred, y_true), axis)`` with ``f``
elementwise (MSE, MAE, MAPE, MSLE, Huber, log-cosh, hinges, Poisson, KL divergence, binary
cross-entropy on probabilities or on logits). The others (categorical cross-entropy on
probabilities, its sparse form, cosine similarity, categorical hinge) have their own Function.
``y_true`` is usually a constant array; when it is a Tensor that needs a gradient, every
Function here returns that gradient too, so losses stay differentiable in both arguments.

>>> import numpy as np
>>> from lamina.autodiff import Tensor
>>> pointwise_loss(Tensor(np.array([[1.0, 2.0]])), np.array([[0.0, 0.0]]), "mse").data
array([2.5])
"""
import math

import numpy as np

from lamina.autodiff.tensor import Function
from lamina.backend import epsilon
from lamina.ops.math import unbroadcast

_LOG2 = math.log(2.0)


# --- elementwise kernels: value(p, t) -> (v, cache); grads(cache, p, t) -> (dv/dp, dv/dt) --------

class _Kernel:
    def __init__(self, **params):
        self.__dict__.update(params)


class _SquaredError(_Kernel):
    def value(self, p, t):
        d = p - t
        return d * d, d

    def grads(self, d, p, t):
        return 2 * d, -2 * d


class _AbsoluteError(_Kernel):
    def value(self, p, t):
        d = p - t
        return np.abs(d), d

    def grads(self, d, p, t):
        s = np.sign(d)
        return s, -s


class _AbsolutePercentageError(_Kernel):
    """100 * |(t - p) / max(|t|, eps)|."""

    def value(self, p, t):
        eps = epsilon()
        den = np.maximum(np.abs(t), eps)
        r = (t - p) / den
        return 100.0 * np.abs(r), (den, r)

    def grads(self, cache, p, t):
        den, r = cache
        s = 100.0 * np.sign(r)
        dp = -s / den
        # d/dt [(t - p) / max(|t|, eps)]; the denominator only moves where |t| > eps
        dr_dt = 1 / den - r * np.sign(t) * (np.abs(t) > epsilon()) / den
        return dp, s * dr_dt


class _SquaredLogError(_Kernel):
    """(log(max(p, eps) + 1) - log(max(t, eps) + 1))^2."""

    def value(self, p, t):
        eps = epsilon()
        a = np.maximum(p, eps) + 1
        b = np.maximum(t, eps) + 1
        d = np.log(a) - np.log(b)
        return d * d, (a, b, d)

    def grads(self, cache, p, t):
        a, b, d = cache
        eps = epsilon()
        return 2 * d / a * (p > eps), -2 * d / b * (t > eps)


class _Huber(_Kernel):
    def value(self, p, t):
        e = p - t
        ae = np.abs(e)
        quad = ae <= self.delta
        v = np.where(quad, 0.5 * e * e, self.delta * ae - 0.5 * self.delta ** 2)
        return v.astype(p.dtype, copy=False), (e, quad)

    def grads(self, cache, p, t):
        e, quad = cache
        de = np.where(quad, e, self.delta * np.sign(e)).astype(p.dtype, copy=False)
        return de, -de


class _LogCosh(_Kernel):
    """log(cosh(x)) = x + softplus(-2x) - log 2, stable for large |x|."""

    def value(self, p, t):
        x = p - t
        return x + np.logaddexp(0, -2 * x) - _LOG2, x

    def grads(self, x, p, t):
        th = np.tanh(x)
        return th, -th


class _Hinge(_Kernel):
    """max(1 - t p, 0) (t already in {-1, 1}); squared when ``self.squared``."""

    def value(self, p, t):
        m = np.maximum(1 - t * p, 0)
        return (m * m if self.squared else m), m

    def grads(self, m, p, t):
        k = 2 * m if self.squared else (m > 0).astype(p.dtype)
        return -k * t, -k * p


class _Poisson(_Kernel):
    def value(self, p, t):
        q = p + epsilon()
        return p - t * np.log(q), q

    def grads(self, q, p, t):
        return 1 - t / q, -np.log(q)


class _KLDivergence(_Kernel):
    """clip(t) * log(clip(t) / clip(p)), both clipped to [eps, 1]."""

    def value(self, p, t):
        eps = epsilon()
        tc = np.clip(t, eps, 1)
        pc = np.clip(p, eps, 1)
        lr = np.log(tc / pc)
        return tc * lr, (tc, pc, lr)

    def grads(self, cache, p, t):
        tc, pc, lr = cache
        eps = epsilon()
        return -tc / pc * ((p >= eps) & (p <= 1)), (lr + 1) * ((t >= eps) & (t <= 1))


class _BinaryCrossentropy(_Kernel):
    """-(t log p + (1 - t) log(1 - p)) with p clipped to [eps, 1 - eps], as Keras does."""

    def value(self, p, t):
        eps = epsilon()
        pc = np.clip(p, eps, 1 - eps)
        lp, lq = np.log(pc), np.log1p(-pc)
        return -(t * lp + (1 - t) * lq), (pc, lp, lq)

    def grads(self, cache, p, t):
        pc, lp, lq = cache
        eps = epsilon()
        inside = (p >= eps) & (p <= 1 - eps)
        return (pc - t) / (pc * (1 - pc)) * inside, lq - lp


class _SigmoidCrossentropy(_Kernel):
    """Binary cross-entropy on logits z: max(z, 0) - z t + log(1 + exp(-|z|))."""

    def value(self, z, t):
        e = np.exp(-np.abs(z))
        return np.maximum(z, 0) - z * t + np.log1p(e), e

    def grads(self, e, z, t):
        sig = np.where(z >= 0, 1 / (1 + e), e / (1 + e)).astype(z.dtype, copy=False)
        return sig - t, -z


KERNELS = {
    "mse": _SquaredError, "mae": _AbsoluteError, "mape": _AbsolutePercentageError,
    "msle": _SquaredLogError, "huber": _Huber, "log_cosh": _LogCosh, "hinge": _Hinge,
    "poisson": _Poisson, "kld": _KLDivergence, "bce": _BinaryCrossentropy,
    "sigmoid_bce": _SigmoidCrossentropy,
}


class PointwiseLoss(Function):
    """``mean`` (or ``sum``) over ``axis`` of an elementwise loss kernel, in one op."""

    def forward(self, p, t):
        self.p, self.t = p, t
        if self.reduce == "all" and type(self.kernel) is _SquaredError and p.shape == t.shape:
            d = self.cache = np.subtract(p, t)
            flat = d.reshape(-1)
            self.n = flat.size
            return np.asarray(np.dot(flat, flat) / max(flat.size, 1), dtype=p.dtype)
        v, self.cache = self.kernel.value(p, t)
        if self.reduce == "all":  # the mean over every element: a scalar loss in one op
            self.n = v.size
            return np.asarray(np.add.reduce(v, axis=None) / v.size, dtype=p.dtype)
        if v.ndim == 0:
            self.n = 1
            return np.asarray(v, dtype=p.dtype)
        self.full_shape = v.shape
        self.n = v.shape[self.axis] if self.reduce == "mean" else 1
        out = v.mean(axis=self.axis) if self.reduce == "mean" else v.sum(axis=self.axis)
        return out.astype(p.dtype, copy=False)

    def backward(self, g):
        needs_t = len(self.needs_grad) > 1 and self.needs_grad[1]
        if self.reduce == "all" and not needs_t and type(self.kernel) is _SquaredError:
            # the training hot path: d(mean((p - t)^2))/dp = 2 (p - t) / n, one array pass
            return np.multiply(self.cache, self.p.dtype.type(2.0 * float(g) / self.n)), None
        if self.p.ndim and self.reduce != "all":
            g = np.expand_dims(g, self.axis)
        if self.n != 1:
            g = g / self.n
        dp, dt = self.kernel.grads(self.cache, self.p, self.t)
        gp = gt = None
        if self.needs_grad[0]:
            gp = unbroadcast(g * dp, self.p.shape)
        if len(self.needs_grad) > 1 and self.needs_grad[1]:
            gt = unbroadcast(g * dt, np.shape(self.t))
        return gp, gt


def pointwise_loss(y_pred, y_true, kind, reduce="mean", axis=-1, **params):
    """Per-sample ``reduce(f(y_pred, y_true), axis)`` for the kernel named ``kind``
    (one of ``KERNELS``); ``reduce="all"`` gives the scalar mean over every element.
    ``y_true`` is an array or a Tensor; ``params`` go to the kernel
    (``delta`` for huber, ``squared`` for hinge)."""
    if kind == "hinge":
        params.setdefault("squared", False)
    return PointwiseLoss.apply(y_pred, y_true, kernel=KERNELS[kind](**params), reduce=reduce,
                               axis=axis)


# --- losses along a class axis ------------------------------------------------------------

class CategoricalCrossentropyProbs(Function):
    """-sum(t * log(clip(p / sum(p), eps, 1 - eps))) along ``axis``: Keras's probability path."""

    def forward(self, p, t):
        eps = epsilon()
        self.s = p.sum(axis=self.axis, keepdims=True)
        self.q = p / self.s
        qc = np.clip(self.q, eps, 1 - eps)
        self.inside = (self.q >= eps) & (self.q <= 1 - eps)
        self.qc, self.lq, self.t = qc, np.log(qc), t
        return -(t * self.lq).sum(axis=self.axis)

    def backward(self, g):
        g = np.expand_dims(g, self.axis)
        gp = gt = None
        if self.needs_grad[0]:
            gq = -g * self.t / self.qc * self.inside
            # through the normalisation q = p / sum(p)
            gp = (gq - (gq * self.q).sum(axis=self.axis, keepdims=True)) / self.s
        if len(self.needs_grad) > 1 and self.needs_grad[1]:
            gt = -g * self.lq
        return gp, gt


class SparseCategoricalCrossentropyProbs(Function):
    """-log(clip(p[label] / sum(p), eps, 1 - eps)) over the last axis; labels are integers."""

    def forward(self, p, labels):
        eps = epsilon()
        self.labels = labels[..., None]
        self.s = p.sum(axis=-1, keepdims=True)
        self.ql = np.take_along_axis(p, self.labels, -1) / self.s
        self.qc = np.clip(self.ql, eps, 1 - eps)
        self.inside = (self.ql >= eps) & (self.ql <= 1 - eps)
        self.shape = p.shape
        return -np.log(self.qc)[..., 0]

    def backward(self, g):
        gql = -g[..., None] / self.qc * self.inside  # dL/dq at the label
        scale = gql / self.s
        grad = np.broadcast_to(-scale * self.ql, self.shape).copy()
        np.put_along_axis(grad, self.labels, np.take_along_axis(grad, self.labels, -1) + scale, -1)
        return grad, None


class CosineSimilarity(Function):
    """-sum(l2_normalize(t) * l2_normalize(p)) along ``axis``; norms are floored at eps."""

    def forward(self, p, t):
        eps = epsilon()
        ax = self.axis
        tiny = np.finfo(p.dtype).tiny  # keeps 1/sqrt finite for zero vectors
        self.rp = np.minimum(1 / np.sqrt(np.maximum((p * p).sum(axis=ax, keepdims=True), tiny)),
                             1 / eps)
        self.rt = np.minimum(1 / np.sqrt(np.maximum((t * t).sum(axis=ax, keepdims=True), tiny)),
                             1 / eps)
        self.pn, self.tn = p * self.rp, t * self.rt
        self.cos = (self.pn * self.tn).sum(axis=ax, keepdims=True)
        self.clamp_p = self.rp >= 1 / eps
        self.clamp_t = self.rt >= 1 / eps
        return -np.squeeze(self.cos, ax).astype(p.dtype, copy=False)

    def _grad(self, g, r, own_n, other_n, clamped):
        # d(x / |x|)/dx = (I - n n^T) / |x|; with a clamped (tiny) norm the scale is constant
        full = r * (other_n - own_n * self.cos)
        return -g * np.where(clamped, r * other_n, full)

    def backward(self, g):
        g = np.expand_dims(g, self.axis)
        gp = gt = None
        if self.needs_grad[0]:
            gp = self._grad(g, self.rp, self.pn, self.tn, self.clamp_p)
        if len(self.needs_grad) > 1 and self.needs_grad[1]:
            gt = self._grad(g, self.rt, self.tn, self.pn, self.clamp_t)
        return gp, gt


class CategoricalHinge(Function):
    """max(max((1 - t) * p) - sum(t * p) + 1, 0) over the last axis."""

    def forward(self, p, t):
        self.p, self.t = p, t
        neg_all = (1 - t) * p
        self.arg = neg_all.argmax(axis=-1)[..., None]
        neg = np.take_along_axis(neg_all, self.arg, -1)[..., 0]
        pos = (t * p).sum(axis=-1)
        out = np.maximum(neg - pos + 1, 0)
        self.active = (out > 0)[..., None]
        return out

    def backward(self, g):
        g = (g[..., None] * self.active).astype(self.p.dtype, copy=False)
        gp = gt = None
        if self.needs_grad[0]:
            gp = -g * self.t
            np.put_along_axis(gp, self.arg, np.take_along_axis(gp, self.arg, -1)
                              + np.take_along_axis(g * (1 - self.t), self.arg, -1), -1)
        if len(self.needs_grad) > 1 and self.needs_grad[1]:
            gt = -g * self.p
            np.put_along_axis(gt, self.arg, np.take_along_axis(gt, self.arg, -1)
                              - np.take_along_axis(g * self.p, self.arg, -1), -1)
        return gp, gt
