"""Fused neural-network ops: one Function call per layer per step on the hot path."""
import numpy as np

from lamina.autodiff.tensor import Function, Tensor
from lamina.backend import rng
from lamina.ops.activations import Linear


class Dense(Function):
    """y = act(x @ W + b) over the last axis of ``x``, any leading dims."""

    def forward(self, x, w, b=None):
        self.in_shape = x.shape
        x2 = x.reshape(-1, x.shape[-1]) if x.ndim != 2 else x
        z = x2 @ w
        if b is not None:
            z += b
        self.x2, self.w, self.z = x2, w, z
        act = self.act
        if act is None:
            y = z
        elif act.name == "relu" and act.plain and type(self) is Dense:
            y = np.maximum(z, 0, out=z)  # z is ours and plain relu's backward needs only y
        else:
            y = act.forward(z)
        self.y = y
        if x.ndim != 2:
            y = y.reshape(x.shape[:-1] + (w.shape[1],))
        return y

    def backward(self, g):
        g = g.reshape(self.z.shape) if g.ndim != 2 else g
        if self.act is not None:
            g = self.act.backward(self.z, self.y, g)
        needs = self.needs_grad
        gx = (g @ self.w.T).reshape(self.in_shape) if needs[0] else None
        gw = self.x2.T @ g if needs[1] else None
        if len(needs) == 2:
            return gx, gw
        gb = np.add.reduce(g, axis=0) if needs[2] else None
        return gx, gw, gb


class DenseWithLogits(Dense):
    """Dense whose second output is the pre-activation, for cross-entropy on logits."""

    n_outputs = 2

    def forward(self, x, w, b=None):
        y = Dense.forward(self, x, w, b)
        z = self.z if x.ndim == 2 else self.z.reshape(y.shape)
        return y, z

    def backward(self, gy, gz):
        g = None
        if gy is not None:
            gy = gy.reshape(self.z.shape) if gy.ndim != 2 else gy
            g = self.act.backward(self.z, self.y, gy)
        if gz is not None:
            gz = gz.reshape(self.z.shape) if gz.ndim != 2 else gz
            g = gz if g is None else g + gz
        needs = self.needs_grad
        gx = (g @ self.w.T).reshape(self.in_shape) if needs[0] else None
        gw = self.x2.T @ g if needs[1] else None
        if len(needs) == 2:
            return gx, gw
        return gx, gw, (np.add.reduce(g, axis=0) if needs[2] else None)


def dense(x, kernel, bias=None, activation=None):
    """The Dense layer's computation: ``activation(x @ kernel + bias)``, fused into one op.

    ``activation`` is an activation kernel (``lamina.activations.get(...)`` returns one
    wrapped). After softmax and sigmoid the op also returns the logits, which the output
    remembers (``y._logits``) so that a cross-entropy loss can use them directly.
    """
    kern = None if activation is None or isinstance(activation, Linear) else activation
    args = (x, kernel) if bias is None else (x, kernel, bias)
    if kern is not None and kern.saves_logits:
        y, z = DenseWithLogits.apply(*args, act=kern)
        y._logits = (z, kern)
        return y
    return Dense.apply(*args, act=kern)


class DropoutFn(Function):
    def forward(self, x):
        keep = 1.0 - self.rate
        shape = x.shape if self.noise_shape is None else self.noise_shape
        mask = rng().random(shape, dtype=np.float32 if x.dtype == np.float32 else np.float64)
        self.mask = (mask >= self.rate).astype(x.dtype) * x.dtype.type(1.0 / keep)
        return x * self.mask

    def backward(self, g):
        return g * self.mask


def dropout(x, rate, noise_shape=None):
    """Inverted dropout: zero each element with probability ``rate``, scale the rest by
    1 / (1 - rate)."""
    if rate <= 0:
        return x
    if noise_shape is not None:
        noise_shape = tuple(x.shape[i] if n is None else n for i, n in enumerate(noise_shape))
    return DropoutFn.apply(x, rate=float(rate), noise_shape=noise_shape)


# --- fused cross-entropies on logits -------------------------------------------

class SoftmaxCrossEntropy(Function):
    """Per-sample -sum(target * log_softmax(logits)) along ``axis``; target is a constant."""

    def forward(self, logits, target):
        z = logits - logits.max(axis=self.axis, keepdims=True)
        lse = np.log(np.exp(z).sum(axis=self.axis, keepdims=True))
        self.log_p = z - lse
        self.target = target
        return -(target * self.log_p).sum(axis=self.axis)

    def backward(self, g):
        p = np.exp(self.log_p)
        t = self.target
        g = np.expand_dims(g, self.axis)
        return g * (p * t.sum(axis=self.axis, keepdims=True) - t), None


class SparseSoftmaxCrossEntropy(Function):
    """Per-sample -log_softmax(logits)[label] along the last axis; labels are integers."""

    def forward(self, logits, labels):
        z = logits - logits.max(axis=-1, keepdims=True)
        self.log_p = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
        self.labels = labels.astype(np.intp).reshape(logits.shape[:-1])
        return -np.take_along_axis(self.log_p, self.labels[..., None], -1)[..., 0]

    def backward(self, g):
        grad = np.exp(self.log_p)
        np.put_along_axis(grad, self.labels[..., None],
                          np.take_along_axis(grad, self.labels[..., None], -1) - 1, -1)
        return grad * g[..., None], None


class SigmoidCrossEntropy(Function):
    """Elementwise binary cross-entropy on logits: max(z,0) - z*t + log(1 + exp(-|z|))."""

    def forward(self, logits, target):
        self.z, self.t = logits, target
        return np.maximum(logits, 0) - logits * target + np.log1p(np.exp(-np.abs(logits)))

    def backward(self, g):
        e = np.exp(-np.abs(self.z))
        sig = np.where(self.z >= 0, 1 / (1 + e), e / (1 + e))
        return g * (sig - self.t), None


def softmax_cross_entropy(logits, target, axis=-1):
    return SoftmaxCrossEntropy.apply(logits, _raw(target, logits), axis=axis)


def sparse_softmax_cross_entropy(logits, labels):
    return SparseSoftmaxCrossEntropy.apply(logits, np.asarray(getattr(labels, "data", labels)))


def sigmoid_cross_entropy(logits, target):
    return SigmoidCrossEntropy.apply(logits, _raw(target, logits))


def _raw(x, like):
    x = x.data if isinstance(x, Tensor) else x
    return np.asarray(x, dtype=like.data.dtype if isinstance(like, Tensor) else None)


class WeightedMean(Function):
    """sum(values * weights) / divisor: Keras's sum_over_batch_size reduction in one op."""

    def forward(self, values):
        self.shape = values.shape
        w = self.weights
        total = values.sum() if w is None else (values * w).sum()
        return np.asarray(total / self.divisor, dtype=values.dtype)

    def backward(self, g):
        g = g / self.divisor
        if self.weights is None:
            return np.broadcast_to(g, self.shape).astype(g.dtype)
        return (g * np.broadcast_to(self.weights, self.shape)).astype(g.dtype)


def weighted_mean(values, weights=None, divisor=None):
    """Mean of ``values`` weighted by ``weights`` (broadcast), divided by ``divisor``
    (default: the number of elements, Keras's sum_over_batch_size)."""
    data = values.data if isinstance(values, Tensor) else values
    if divisor is None:
        divisor = data.size
    if weights is not None:
        weights = np.asarray(weights, dtype=data.dtype)
        while weights.ndim < data.ndim:
            weights = weights[..., None]
    return WeightedMean.apply(values, weights=weights, divisor=divisor if divisor > 0 else 1)
