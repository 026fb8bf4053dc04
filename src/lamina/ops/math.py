"""Differentiable array math with NumPy broadcasting and its gradient rules."""
import numpy as np

from lamina.autodiff.tensor import Function, Tensor


def unbroadcast(grad, shape):
    """Sum ``grad`` over the axes that broadcasting added or stretched to reach it from
    ``shape``."""
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra:
        grad = grad.sum(axis=tuple(range(extra)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad


def _data(x):
    return x.data if isinstance(x, Tensor) else x


def _const(x, like):
    """A constant operand as an array; Python numbers take the dtype of the other operand."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        dtype = _data(like).dtype if isinstance(like, (Tensor, np.ndarray)) else None
        if dtype is not None and dtype.kind == "f":
            return np.asarray(x, dtype=dtype)
    return np.asarray(x)


def _binary(fn_cls, a, b):
    if not isinstance(a, Tensor):
        a = _const(a, b)
    if not isinstance(b, Tensor):
        b = _const(b, a)
    return fn_cls.apply(a, b)


# --- elementwise binary ------------------------------------------------------

class Add(Function):
    def forward(self, a, b):
        self.shapes = (a.shape, b.shape)
        return a + b

    def backward(self, g):
        return unbroadcast(g, self.shapes[0]), unbroadcast(g, self.shapes[1])


class Subtract(Function):
    def forward(self, a, b):
        self.shapes = (a.shape, b.shape)
        return a - b

    def backward(self, g):
        gb = unbroadcast(-g, self.shapes[1]) if self.needs_grad[1] else None
        return unbroadcast(g, self.shapes[0]), gb


class Multiply(Function):
    def forward(self, a, b):
        self.a, self.b = a, b
        return a * b

    def backward(self, g):
        ga = unbroadcast(g * self.b, self.a.shape) if self.needs_grad[0] else None
        gb = unbroadcast(g * self.a, self.b.shape) if self.needs_grad[1] else None
        return ga, gb


class Divide(Function):
    def forward(self, a, b):
        self.a, self.b = a, b
        return a / b

    def backward(self, g):
        ga = unbroadcast(g / self.b, self.a.shape) if self.needs_grad[0] else None
        gb = None
        if self.needs_grad[1]:
            gb = unbroadcast(-g * self.a / (self.b * self.b), self.b.shape)
        return ga, gb


class Power(Function):
    def forward(self, a, b):
        self.a, self.b = a, b
        self.out = np.power(a, b)
        return self.out

    def backward(self, g):
        a, b = self.a, self.b
        ga = gb = None
        if self.needs_grad[0]:
            ga = unbroadcast(g * b * np.power(a, b - 1), a.shape)
        if self.needs_grad[1]:
            with np.errstate(divide="ignore", invalid="ignore"):
                log_a = np.where(a > 0, np.log(np.where(a > 0, a, 1)), 0)
            gb = unbroadcast(g * self.out * log_a, np.shape(b))
        return ga, gb


class Maximum(Function):
    def forward(self, a, b):
        self.a, self.b = a, b
        return np.maximum(a, b)

    def backward(self, g):
        # ties share the gradient equally, as TensorFlow does
        a_wins = (self.a > self.b) + 0.5 * (self.a == self.b)
        return (unbroadcast(g * a_wins, self.a.shape),
                unbroadcast(g * (1 - a_wins), np.shape(self.b)))


class Minimum(Function):
    def forward(self, a, b):
        self.a, self.b = a, b
        return np.minimum(a, b)

    def backward(self, g):
        a_wins = (self.a < self.b) + 0.5 * (self.a == self.b)
        return (unbroadcast(g * a_wins, self.a.shape),
                unbroadcast(g * (1 - a_wins), np.shape(self.b)))


def add(a, b):
    return _binary(Add, a, b)


def subtract(a, b):
    return _binary(Subtract, a, b)


def multiply(a, b):
    return _binary(Multiply, a, b)


def divide(a, b):
    return _binary(Divide, a, b)


def power(a, b):
    return _binary(Power, a, b)


def maximum(a, b):
    return _binary(Maximum, a, b)


def minimum(a, b):
    return _binary(Minimum, a, b)


# --- elementwise unary -------------------------------------------------------

class Negative(Function):
    def forward(self, a):
        return -a

    def backward(self, g):
        return -g


class Exp(Function):
    def forward(self, a):
        self.out = np.exp(a)
        return self.out

    def backward(self, g):
        return g * self.out


class Log(Function):
    def forward(self, a):
        self.a = a
        return np.log(a)

    def backward(self, g):
        return g / self.a


class Sqrt(Function):
    def forward(self, a):
        self.out = np.sqrt(a)
        return self.out

    def backward(self, g):
        return g / (2 * self.out)


class Square(Function):
    def forward(self, a):
        self.a = a
        return a * a

    def backward(self, g):
        return 2 * g * self.a


class Abs(Function):
    def forward(self, a):
        self.a = a
        return np.abs(a)

    def backward(self, g):
        return g * np.sign(self.a)


class Clip(Function):
    def forward(self, a):
        self.a = a
        return np.clip(a, self.lo, self.hi)

    def backward(self, g):
        inside = np.ones(self.a.shape, dtype=bool)
        if self.lo is not None:
            inside &= self.a >= self.lo
        if self.hi is not None:
            inside &= self.a <= self.hi
        return g * inside


def negative(a):
    return Negative.apply(a)


def exp(a):
    return Exp.apply(a)


def log(a):
    return Log.apply(a)


def sqrt(a):
    return Sqrt.apply(a)


def square(a):
    return Square.apply(a)


def abs(a):  # noqa: A001 - the NumPy and Keras name
    return Abs.apply(a)


def clip(a, min_value=None, max_value=None):
    return Clip.apply(a, lo=min_value, hi=max_value)


# --- matrix product ----------------------------------------------------------

class MatMul(Function):
    def forward(self, a, b):
        # 1-D operands are promoted to matrices as np.matmul does, so one rule serves all
        self.a_shape, self.b_shape = a.shape, b.shape
        self.a = a if a.ndim > 1 else a[None, :]
        self.b = b if b.ndim > 1 else b[:, None]
        out = np.matmul(self.a, self.b)
        self.out_shape = out.shape
        return np.matmul(a, b) if (a.ndim == 1 or b.ndim == 1) else out

    def backward(self, g):
        g = g.reshape(self.out_shape)
        ga = gb = None
        if self.needs_grad[0]:
            ga = unbroadcast(np.matmul(g, np.swapaxes(self.b, -1, -2)), self.a.shape)
            ga = ga.reshape(self.a_shape)
        if self.needs_grad[1]:
            gb = unbroadcast(np.matmul(np.swapaxes(self.a, -1, -2), g), self.b.shape)
            gb = gb.reshape(self.b_shape)
        return ga, gb


def matmul(a, b):
    return _binary(MatMul, a, b)


# --- reductions --------------------------------------------------------------

def _norm_axis(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, int):
        axis = (axis,)
    return tuple(sorted(a % ndim for a in axis))


def _expand_to(g, in_shape, axes, keepdims):
    if not keepdims:
        g = np.expand_dims(g, axes) if axes else g
    return np.broadcast_to(g, in_shape)


class Sum(Function):
    def forward(self, a):
        self.shape = a.shape
        self.axes = _norm_axis(self.axis, a.ndim)
        return np.sum(a, axis=self.axes, keepdims=self.keepdims)

    def backward(self, g):
        return _expand_to(g, self.shape, self.axes, self.keepdims)


class Mean(Function):
    def forward(self, a):
        self.shape = a.shape
        self.axes = _norm_axis(self.axis, a.ndim)
        self.count = int(np.prod([a.shape[i] for i in self.axes])) if self.axes else 1
        return np.mean(a, axis=self.axes, keepdims=self.keepdims)

    def backward(self, g):
        return _expand_to(g / self.count, self.shape, self.axes, self.keepdims)


class Max(Function):
    reduce = staticmethod(np.max)

    def forward(self, a):
        self.a = a
        self.axes = _norm_axis(self.axis, a.ndim)
        self.out = self.reduce(a, axis=self.axes, keepdims=True)
        return self.out if self.keepdims else np.squeeze(self.out, self.axes)

    def backward(self, g):
        hit = self.a == self.out
        hit = hit / hit.sum(axis=self.axes, keepdims=True)  # ties share the gradient
        if not self.keepdims:
            g = np.expand_dims(g, self.axes)
        return g * hit


class Min(Max):
    reduce = staticmethod(np.min)


def sum(a, axis=None, keepdims=False):  # noqa: A001
    return Sum.apply(a, axis=axis, keepdims=keepdims)


def mean(a, axis=None, keepdims=False):
    return Mean.apply(a, axis=axis, keepdims=keepdims)


def max(a, axis=None, keepdims=False):  # noqa: A001
    return Max.apply(a, axis=axis, keepdims=keepdims)


def min(a, axis=None, keepdims=False):  # noqa: A001
    return Min.apply(a, axis=axis, keepdims=keepdims)


# --- shapes ------------------------------------------------------------------

class Reshape(Function):
    def forward(self, a):
        self.in_shape = a.shape
        return a.reshape(self.shape)

    def backward(self, g):
        return g.reshape(self.in_shape)


class Transpose(Function):
    def forward(self, a):
        self.perm = tuple(range(a.ndim))[::-1] if self.axes is None else tuple(self.axes)
        return np.transpose(a, self.perm)

    def backward(self, g):
        return np.transpose(g, np.argsort(self.perm))


class GetItem(Function):
    def forward(self, a):
        self.shape, self.dtype = a.shape, a.dtype
        return a[self.key]

    def backward(self, g):
        out = np.zeros(self.shape, dtype=g.dtype)
        np.add.at(out, self.key, g)  # indices may repeat in fancy indexing
        return out


class Concatenate(Function):
    def forward(self, *arrays):
        self.sizes = [a.shape[self.axis] for a in arrays]
        return np.concatenate(arrays, axis=self.axis)

    def backward(self, g):
        cuts = np.cumsum(self.sizes)[:-1]
        return tuple(np.split(g, cuts, axis=self.axis))


class Stack(Function):
    def forward(self, *arrays):
        return np.stack(arrays, axis=self.axis)

    def backward(self, g):
        n = g.shape[self.axis]
        return tuple(np.take(g, i, axis=self.axis) for i in range(n))


class Where(Function):
    def forward(self, a, b):
        self.shapes = (np.shape(a), np.shape(b))
        return np.where(self.cond, a, b)

    def backward(self, g):
        zero = np.zeros((), dtype=g.dtype)
        return (unbroadcast(np.where(self.cond, g, zero), self.shapes[0]),
                unbroadcast(np.where(self.cond, zero, g), self.shapes[1]))


def reshape(a, shape):
    return Reshape.apply(a, shape=tuple(shape) if not isinstance(shape, int) else (shape,))


def transpose(a, axes=None):
    return Transpose.apply(a, axes=axes)


def expand_dims(a, axis):
    shape = np.expand_dims(np.empty(_data(a).shape, dtype=np.bool_), axis).shape
    return reshape(a, shape)


def squeeze(a, axis=None):
    shape = np.squeeze(np.empty(_data(a).shape, dtype=np.bool_), axis).shape
    return reshape(a, shape)


def getitem(a, key):
    if isinstance(key, Tensor):
        key = key.data
    elif isinstance(key, tuple):
        key = tuple(k.data if isinstance(k, Tensor) else k for k in key)
    return GetItem.apply(a, key=key)


def concatenate(tensors, axis=-1):
    return Concatenate.apply(*tensors, axis=axis)


def stack(tensors, axis=0):
    return Stack.apply(*tensors, axis=axis)


def where(condition, a, b):
    cond = np.asarray(_data(condition), dtype=bool)
    if not isinstance(a, Tensor):
        a = _const(a, b)
    if not isinstance(b, Tensor):
        b = _const(b, a)
    return Where.apply(a, b, cond=cond)


# --- Tensor operators --------------------------------------------------------

def _rev(fn):
    return lambda self, other: fn(other, self)


Tensor.__add__ = add
Tensor.__radd__ = _rev(add)
Tensor.__sub__ = subtract
Tensor.__rsub__ = _rev(subtract)
Tensor.__mul__ = multiply
Tensor.__rmul__ = _rev(multiply)
Tensor.__truediv__ = divide
Tensor.__rtruediv__ = _rev(divide)
Tensor.__pow__ = power
Tensor.__rpow__ = _rev(power)
Tensor.__matmul__ = matmul
Tensor.__rmatmul__ = _rev(matmul)
Tensor.__neg__ = negative
Tensor.__abs__ = abs
Tensor.__getitem__ = getitem
Tensor.sum = sum
Tensor.mean = mean
Tensor.max = max
Tensor.min = min
Tensor.reshape = lambda self, *shape: reshape(self, shape[0] if len(shape) == 1 else shape)
Tensor.transpose = lambda self, *axes: transpose(self, axes or None)
Tensor.T = property(lambda self: transpose(self))
Tensor.exp = exp
Tensor.log = log
Tensor.sqrt = sqrt
Tensor.square = square
Tensor.clip = clip
for _name, _op in (("__lt__", np.less), ("__le__", np.less_equal), ("__gt__", np.greater),
                   ("__ge__", np.greater_equal)):
    setattr(Tensor, _name,
            (lambda op: lambda self, other: Tensor(op(self.data, _data(other))))(_op))
