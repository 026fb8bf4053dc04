"""Activation kernels: forward and backward side by side on raw arrays.

Each kernel is an object with ``forward(x) -> y`` and ``backward(x, y, g) -> dL/dx``.
The same kernel serves the standalone activation op and the fused dense op,
so an activation's math is written once.
"""
import functools
import math

import numpy as np

from lamina.autodiff.tensor import Function

_erf = np.frompyfunc(math.erf, 1, 1)


@functools.lru_cache(maxsize=None)
def _exp_cap(dtype):
    """The largest whole z for which exp(z) is finite in ``dtype``."""
    return np.dtype(dtype).type(math.floor(math.log(np.finfo(dtype).max)))


def erf(x):
    return _erf(x).astype(x.dtype) if x.size else x.copy()


class Kernel:
    name = None
    saves_logits = False  # softmax/sigmoid: keep the pre-activation for fused cross-entropy

    def config(self):
        return {}

    def __repr__(self):
        return f"{type(self).__name__}({self.config()})"


class Linear(Kernel):
    name = "linear"

    def forward(self, x):
        return x

    def backward(self, x, y, g):
        return g


class ReLU(Kernel):
    """max(x, 0), or Keras's general form with negative_slope, max_value and threshold."""

    name = "relu"

    def __init__(self, negative_slope=0.0, max_value=None, threshold=0.0):
        self.negative_slope = float(negative_slope)
        self.max_value = None if max_value is None else float(max_value)
        self.threshold = float(threshold)
        self.plain = self.negative_slope == 0 and self.max_value is None and self.threshold == 0

    def config(self):
        return {"negative_slope": self.negative_slope, "max_value": self.max_value,
                "threshold": self.threshold}

    def forward(self, x):
        if self.plain:
            return np.maximum(x, 0, dtype=x.dtype)
        t = x.dtype.type(self.threshold)
        y = np.where(x >= t, x, x.dtype.type(self.negative_slope) * (x - t))
        if self.max_value is not None:
            y = np.minimum(y, x.dtype.type(self.max_value))
        return y.astype(x.dtype, copy=False)

    def backward(self, x, y, g):
        if self.plain:
            return g * (y > 0)
        d = np.where(x >= self.threshold, 1.0, self.negative_slope).astype(x.dtype)
        if self.max_value is not None:
            d = d * (x < self.max_value)
        return g * d


class LeakyReLU(ReLU):
    name = "leaky_relu"

    def __init__(self, negative_slope=0.2):
        super().__init__(negative_slope=negative_slope)

    def config(self):
        return {"negative_slope": self.negative_slope}


class ReLU6(ReLU):
    name = "relu6"

    def __init__(self):
        super().__init__(max_value=6.0)

    def config(self):
        return {}


class Sigmoid(Kernel):
    name = "sigmoid"
    saves_logits = True

    def forward(self, x):
        # 1 / (1 + exp(-x)) keeps every digit for large negative x, where the shorter
        # (1 + tanh(x/2)) / 2 rounds to 0 in float32 (sigmoid(-20) is 2.06e-9). -x is capped
        # where exp would overflow; the true value there is below the smallest normal float.
        y = np.negative(x)
        np.minimum(y, _exp_cap(x.dtype), out=y)
        np.exp(y, out=y)
        y += x.dtype.type(1)
        np.reciprocal(y, out=y)
        return y

    def backward(self, x, y, g):
        return g * y * (1 - y)


class HardSigmoid(Kernel):
    """Keras 3's hard sigmoid: clip(x / 6 + 0.5, 0, 1)."""

    name = "hard_sigmoid"

    def forward(self, x):
        return np.clip(x / 6 + 0.5, 0, 1).astype(x.dtype, copy=False)

    def backward(self, x, y, g):
        return g * ((x > -3) & (x < 3)) / 6


class Tanh(Kernel):
    name = "tanh"

    def forward(self, x):
        return np.tanh(x)

    def backward(self, x, y, g):
        return g * (1 - y * y)


class Softmax(Kernel):
    name = "softmax"
    saves_logits = True

    def __init__(self, axis=-1):
        self.axis = axis

    def config(self):
        return {"axis": self.axis}

    def forward(self, x):
        e = np.exp(x - x.max(axis=self.axis, keepdims=True))
        e /= e.sum(axis=self.axis, keepdims=True)
        return e

    def backward(self, x, y, g):
        gy = g * y
        return gy - y * gy.sum(axis=self.axis, keepdims=True)


class LogSoftmax(Softmax):
    name = "log_softmax"
    saves_logits = False

    def forward(self, x):
        z = x - x.max(axis=self.axis, keepdims=True)
        return z - np.log(np.exp(z).sum(axis=self.axis, keepdims=True))

    def backward(self, x, y, g):
        return g - np.exp(y) * g.sum(axis=self.axis, keepdims=True)


class ELU(Kernel):
    name = "elu"

    def __init__(self, alpha=1.0):
        self.alpha = float(alpha)

    def config(self):
        return {"alpha": self.alpha}

    def forward(self, x):
        neg = self.alpha * np.expm1(np.minimum(x, 0))
        return np.where(x > 0, x, neg).astype(x.dtype, copy=False)

    def backward(self, x, y, g):
        return g * np.where(x > 0, 1, y + self.alpha).astype(x.dtype, copy=False)


class SELU(Kernel):
    name = "selu"
    alpha = 1.6732632423543772848170429916717
    scale = 1.0507009873554804934193349852946

    def forward(self, x):
        neg = self.alpha * np.expm1(np.minimum(x, 0))
        return (self.scale * np.where(x > 0, x, neg)).astype(x.dtype, copy=False)

    def backward(self, x, y, g):
        d = np.where(x > 0, self.scale, y + self.scale * self.alpha)
        return (g * d).astype(x.dtype, copy=False)


class Softplus(Kernel):
    name = "softplus"

    def forward(self, x):
        return np.logaddexp(0, x).astype(x.dtype, copy=False)

    def backward(self, x, y, g):
        return g * Sigmoid().forward(x)


class Softsign(Kernel):
    name = "softsign"

    def forward(self, x):
        return x / (1 + np.abs(x))

    def backward(self, x, y, g):
        d = 1 + np.abs(x)
        return g / (d * d)


class Exponential(Kernel):
    name = "exponential"

    def forward(self, x):
        return np.exp(x)

    def backward(self, x, y, g):
        return g * y


class GELU(Kernel):
    """x * Phi(x); with approximate=True the tanh form (Keras 3's default is exact)."""

    name = "gelu"
    _c = math.sqrt(2 / math.pi)

    def __init__(self, approximate=False):
        self.approximate = bool(approximate)

    def config(self):
        return {"approximate": self.approximate}

    def forward(self, x):
        if self.approximate:
            return 0.5 * x * (1 + np.tanh(self._c * (x + 0.044715 * x ** 3)))
        return 0.5 * x * (1 + erf(x / math.sqrt(2)))

    def backward(self, x, y, g):
        if self.approximate:
            u = self._c * (x + 0.044715 * x ** 3)
            t = np.tanh(u)
            du = self._c * (1 + 3 * 0.044715 * x * x)
            return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du)
        cdf = 0.5 * (1 + erf(x / math.sqrt(2)))
        pdf = np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
        return g * (cdf + x * pdf)


class Swish(Kernel):
    name = "silu"

    def forward(self, x):
        return x * Sigmoid().forward(x)

    def backward(self, x, y, g):
        s = Sigmoid().forward(x)
        return g * (s + x * s * (1 - s))


class Mish(Kernel):
    name = "mish"

    def forward(self, x):
        return x * np.tanh(np.logaddexp(0, x))

    def backward(self, x, y, g):
        t = np.tanh(np.logaddexp(0, x))
        return g * (t + x * (1 - t * t) * Sigmoid().forward(x))


KERNELS = {
    "linear": Linear, "relu": ReLU, "relu6": ReLU6, "leaky_relu": LeakyReLU,
    "sigmoid": Sigmoid, "hard_sigmoid": HardSigmoid, "tanh": Tanh, "softmax": Softmax,
    "log_softmax": LogSoftmax, "elu": ELU, "selu": SELU, "softplus": Softplus,
    "softsign": Softsign, "exponential": Exponential, "gelu": GELU, "silu": Swish,
    "swish": Swish, "mish": Mish,
}


class Activate(Function):
    """Applies ``self.kernel`` elementwise (or along an axis, for softmax)."""

    def forward(self, x):
        self.x = x
        self.y = self.kernel.forward(x)
        return self.y

    def backward(self, g):
        return self.kernel.backward(self.x, self.y, g)


def activate(x, kernel):
    """Apply an activation kernel to tensor ``x``; softmax/sigmoid outputs remember their logits."""
    if isinstance(kernel, Linear):
        return x
    y = Activate.apply(x, kernel=kernel)
    if kernel.saves_logits:
        y._logits = (x, kernel)
    return y
