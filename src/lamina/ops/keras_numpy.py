"""Keras 3's ``keras.ops`` numpy ops, part one: elementwise math, comparisons and
reductions (``keras/src/ops/numpy.py``) on lamina Tensors, and the Tensor operators
(``==``, ``&``, ``%``, ``//``...) that Keras code uses.

Keras keeps all its numpy-like ops in one module; here they are two, so neither grows past
a reader's page count: this one holds the ops that work value by value or reduce over axes,
``keras_numpy_arrays`` the ones that move, index, combine or build arrays.
Differentiable ops carry exact gradients; the others (comparisons, logical ops,
``argmax``, ``round``, ``floor``, ``sign``...) return constant Tensors.

>>> argmax([[0.1, 0.9], [0.8, 0.2]], axis=-1)
Tensor([1 0])
"""
import math

import numpy as np

from lamina.autodiff.tensor import Function, Tensor
from lamina.backend import floatx
from lamina.ops import math as M
from lamina.ops.keras_core import _const, _d, _ft, _raw, _t, cast
from lamina.ops.math import unbroadcast

# --- array facts ------------------------------------------------------------------------------

def ndim(x):
    return _d(x).ndim


def size(x):
    return int(_d(x).size)


# --- elementwise unary ----------------------------------------------------------------------

class Elementwise(Function):
    """``f(a)`` with derivative ``df(a, f(a))``, both on raw arrays."""

    def forward(self, a):
        self.a = a
        self.y = self.f(a)
        return self.y

    def backward(self, g):
        return g * self.df(self.a, self.y)


def _elementwise(name, f, df):
    def op(x):
        return Elementwise.apply(_ft(x), f=f, df=df)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise ``{name}``, differentiable."
    return op


_LN2, _LN10 = math.log(2.0), math.log(10.0)


log1p = _elementwise("log1p", np.log1p, lambda a, y: 1 / (1 + a))
expm1 = _elementwise("expm1", np.expm1, lambda a, y: y + 1)
log2 = _elementwise("log2", np.log2, lambda a, y: 1 / (a * _LN2))
log10 = _elementwise("log10", np.log10, lambda a, y: 1 / (a * _LN10))
sin = _elementwise("sin", np.sin, lambda a, y: np.cos(a))
cos = _elementwise("cos", np.cos, lambda a, y: -np.sin(a))
tan = _elementwise("tan", np.tan, lambda a, y: 1 + y * y)
tanh = _elementwise("tanh", np.tanh, lambda a, y: 1 - y * y)
sinh = _elementwise("sinh", np.sinh, lambda a, y: np.cosh(a))
cosh = _elementwise("cosh", np.cosh, lambda a, y: np.sinh(a))
arcsin = _elementwise("arcsin", np.arcsin, lambda a, y: 1 / np.sqrt(1 - a * a))
arccos = _elementwise("arccos", np.arccos, lambda a, y: -1 / np.sqrt(1 - a * a))
arctan = _elementwise("arctan", np.arctan, lambda a, y: 1 / (1 + a * a))
arcsinh = _elementwise("arcsinh", np.arcsinh, lambda a, y: 1 / np.sqrt(a * a + 1))
arctanh = _elementwise("arctanh", np.arctanh, lambda a, y: 1 / (1 - a * a))
reciprocal = _elementwise("reciprocal", np.reciprocal, lambda a, y: -y * y)
cbrt = _elementwise("cbrt", np.cbrt, lambda a, y: 1 / (3 * y * y))


def exp(x):
    return M.exp(_ft(x))


def log(x):
    return M.log(_ft(x))


def sqrt(x):
    return M.sqrt(_ft(x))


def square(x):
    return M.square(_t(x))


def abs(x):  # noqa: A001 - the NumPy and Keras name
    return M.abs(_t(x))


absolute = abs


def negative(x):
    return M.negative(_t(x))


# --- elementwise binary ---------------------------------------------------------------------

class DivideNoNan(Function):
    def forward(self, a, b):
        self.zero = b == 0
        self.a, self.b = a, np.where(self.zero, 1, b).astype(np.result_type(a, b), copy=False)
        return np.where(self.zero, 0, a / self.b).astype(self.b.dtype, copy=False)

    def backward(self, g):
        g = np.where(self.zero, 0, g)
        ga = unbroadcast(g / self.b, self.a.shape) if self.needs_grad[0] else None
        gb = None
        if self.needs_grad[1]:
            gb = unbroadcast(-g * self.a / (self.b * self.b), self.zero.shape)
        return ga, gb


class Mod(Function):
    def forward(self, a, b):
        self.a, self.b = a, b
        return np.mod(a, b)

    def backward(self, g):
        ga = unbroadcast(g, self.a.shape) if self.needs_grad[0] else None
        gb = None
        if self.needs_grad[1]:
            gb = unbroadcast(-g * np.floor(self.a / self.b), np.shape(self.b))
        return ga, gb


def _pair(x1, x2):
    """Both operands as arrays or Tensors; a Python number takes the other's float dtype."""
    x1 = M._const(x1, x2) if not isinstance(x1, Tensor) else x1
    x2 = M._const(x2, x1) if not isinstance(x2, Tensor) else x2
    return x1, x2


def divide_no_nan(x1, x2):
    """``x1 / x2``, with 0 wherever ``x2`` is 0 (and no gradient there).

    >>> divide_no_nan(Tensor([1.0, 2.0]), Tensor([0.0, 4.0]))
    Tensor([0.  0.5])
    """
    x1, x2 = _pair(x1, x2)
    if _d(x1).dtype.kind != "f" and _d(x2).dtype.kind != "f":  # integers divide to floatx
        x1, x2 = _d(x1).astype(floatx()), _d(x2).astype(floatx())
    return DivideNoNan.apply(x1, x2)


def mod(x1, x2):
    return Mod.apply(*_pair(x1, x2))


true_divide = M.divide


def floor_divide(x1, x2):
    return _const(np.floor_divide(_raw(x1), _raw(x2)))


# --- non-differentiable elementwise ops -------------------------------------------------

def _constant_op(name, fn, doc):
    def op(*args, **kwargs):
        return _const(fn(*[_raw(a) for a in args], **kwargs))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc + " A constant Tensor: no gradient flows through it."
    return op


equal = _constant_op("equal", np.equal, "``x1 == x2`` elementwise, as bool.")
not_equal = _constant_op("not_equal", np.not_equal, "``x1 != x2`` elementwise, as bool.")
greater = _constant_op("greater", np.greater, "``x1 > x2`` elementwise, as bool.")
greater_equal = _constant_op("greater_equal", np.greater_equal, "``x1 >= x2``, as bool.")
less = _constant_op("less", np.less, "``x1 < x2`` elementwise, as bool.")
less_equal = _constant_op("less_equal", np.less_equal, "``x1 <= x2``, as bool.")
logical_and = _constant_op("logical_and", np.logical_and, "Elementwise AND.")
logical_or = _constant_op("logical_or", np.logical_or, "Elementwise OR.")
logical_xor = _constant_op("logical_xor", np.logical_xor, "Elementwise XOR.")
logical_not = _constant_op("logical_not", np.logical_not, "Elementwise NOT.")
isnan = _constant_op("isnan", np.isnan, "Whether each element is NaN.")
isinf = _constant_op("isinf", np.isinf, "Whether each element is infinite.")
isfinite = _constant_op("isfinite", np.isfinite, "Whether each element is finite.")
floor = _constant_op("floor", np.floor, "Elementwise floor.")
ceil = _constant_op("ceil", np.ceil, "Elementwise ceiling.")
trunc = _constant_op("trunc", np.trunc, "Elementwise truncation towards 0.")
sign = _constant_op("sign", np.sign, "Elementwise sign (-1, 0 or 1).")


def round(x, decimals=0):  # noqa: A001 - the NumPy and Keras name
    """Round half to even, as NumPy and Keras do. A constant Tensor."""
    return _const(np.round(_d(x), decimals))


def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    return _const(np.isclose(_raw(x1), _raw(x2), rtol=rtol, atol=atol, equal_nan=equal_nan))


def all(x, axis=None, keepdims=False):  # noqa: A001
    return _const(np.all(_d(x), axis=_axis(axis), keepdims=keepdims))


def any(x, axis=None, keepdims=False):  # noqa: A001
    return _const(np.any(_d(x), axis=_axis(axis), keepdims=keepdims))


def count_nonzero(x, axis=None):
    return _const(np.count_nonzero(_d(x), axis=_axis(axis)).astype(np.int32))


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def argmax(x, axis=None, keepdims=False):
    """Index of the largest value (first one on ties), as int32; a constant Tensor.

    >>> argmax([[1, 5, 5]], axis=-1, keepdims=True)
    Tensor([[1]])
    """
    return _const(np.argmax(_d(x), axis=axis, keepdims=keepdims).astype(np.int32))


def argmin(x, axis=None, keepdims=False):
    return _const(np.argmin(_d(x), axis=axis, keepdims=keepdims).astype(np.int32))


def argsort(x, axis=-1):
    return _const(np.argsort(_d(x), axis=axis, kind="stable").astype(np.int32))


def where(condition, x1=None, x2=None):
    """``x1`` where ``condition`` holds, else ``x2`` (differentiable in both); with neither
    given, the indices of the true elements, one Tensor per axis."""
    if x1 is None and x2 is None:
        return tuple(_const(i.astype(np.int32)) for i in np.nonzero(_d(condition)))
    if x1 is None or x2 is None:
        raise ValueError("where: give both x1 and x2, or neither")
    return M.where(condition, x1, x2)


def clip(x, x_min, x_max):
    """``x`` clipped to ``[x_min, x_max]``; the gradient is 0 outside."""
    x = _t(x)
    kind = x.dtype.kind  # bounds take a float x's dtype: clipping never widens float32

    def bound(v):
        return None if v is None else np.asarray(_d(v), dtype=x.dtype if kind == "f" else None)
    return M.clip(x, bound(x_min), bound(x_max))


# --- reductions -----------------------------------------------------------------------------

def sum(x, axis=None, keepdims=False):  # noqa: A001
    return M.sum(_t(x), axis=_axis(axis), keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    """Mean over ``axis``; integer inputs give floatx, as in Keras."""
    return M.mean(_ft(x), axis=_axis(axis), keepdims=keepdims)


def max(x, axis=None, keepdims=False, initial=None):  # noqa: A001
    out = M.max(_t(x), axis=_axis(axis), keepdims=keepdims)
    return out if initial is None else M.maximum(out, initial)


def min(x, axis=None, keepdims=False, initial=None):  # noqa: A001
    out = M.min(_t(x), axis=_axis(axis), keepdims=keepdims)
    return out if initial is None else M.minimum(out, initial)


amax, amin = max, min


class Prod(Function):
    def forward(self, a):
        self.a = a
        self.axes = M._norm_axis(self.axis, a.ndim)
        return np.prod(a, axis=self.axes, keepdims=self.keepdims)

    def backward(self, g):
        # d prod / d a_i = product of the others: exclusive cumulative products from each
        # side, so zeros in the input need no division
        a, axes = self.a, self.axes
        rest = [d for d in range(a.ndim) if d not in axes]
        moved = np.transpose(a, rest + list(axes))
        flat = moved.reshape(moved.shape[:len(rest)] + (-1,))
        ones = np.ones(flat.shape[:-1] + (1,), dtype=a.dtype)
        left = np.cumprod(np.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
        right = np.flip(np.cumprod(np.concatenate([ones, np.flip(flat, -1)[..., :-1]], -1),
                                   axis=-1), -1)
        others = np.transpose((left * right).reshape(moved.shape),
                              np.argsort(rest + list(axes)))
        if not self.keepdims:
            g = np.expand_dims(g, axes)
        return g * others


def prod(x, axis=None, keepdims=False, dtype=None):
    """Product over ``axis``; differentiable, zeros included."""
    x = _t(x) if dtype is None else cast(x, dtype)
    return Prod.apply(x, axis=_axis(axis), keepdims=keepdims)


def var(x, axis=None, keepdims=False):
    """Population variance (ddof 0) over ``axis``, differentiable."""
    x = _ft(x)
    centred = M.subtract(x, M.mean(x, axis=_axis(axis), keepdims=True))
    return M.mean(M.square(centred), axis=_axis(axis), keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    return M.sqrt(var(x, axis=axis, keepdims=keepdims))


def average(x, axis=None, weights=None):
    """Weighted mean over ``axis``; 1-D ``weights`` run along ``axis``, as in NumPy."""
    if weights is None:
        return mean(x, axis=axis)
    x, w = _ft(x), _t(weights)
    if w.ndim == 1 and x.ndim > 1 and axis is not None:
        shape_w = [1] * x.ndim
        shape_w[axis] = w.shape[0]
        w = M.reshape(w, shape_w)
    return M.divide(M.sum(M.multiply(x, w), axis=axis), M.sum(w, axis=axis))


class CumSum(Function):
    def forward(self, a):
        self.shape = a.shape
        return np.cumsum(a.reshape(-1) if self.axis is None else a, axis=self.axis or 0)

    def backward(self, g):
        ax = self.axis or 0
        out = np.flip(np.cumsum(np.flip(g, ax), axis=ax), ax)
        return out.reshape(self.shape)


def cumsum(x, axis=None, dtype=None):
    x = _t(x) if dtype is None else cast(x, dtype)
    return CumSum.apply(x, axis=axis)


# --- Tensor operators that Keras code uses --------------------------------------------------

def _bool(self):
    if self.data.size != 1:
        raise ValueError(f"The truth value of a Tensor of shape {self.shape} is ambiguous; "
                         "use ops.any(x) or ops.all(x)")
    return bool(self.data.item())


def _reflected(fn):
    return lambda self, other: fn(other, self)


# elementwise ``==`` as in NumPy and Keras (``ops.cast(a, "int32") == ops.cast(b, "int32")``);
# hashing stays by identity, so Tensors still work as dict keys and set members
Tensor.__eq__ = equal
Tensor.__ne__ = not_equal
Tensor.__hash__ = object.__hash__
Tensor.__bool__ = _bool
Tensor.__float__ = lambda self: float(self.data)
Tensor.__int__ = lambda self: int(self.data)
# &, |, ^, ~ are bitwise as in NumPy: logical on bool Tensors
Tensor.__and__ = Tensor.__rand__ = _constant_op("bitwise_and", np.bitwise_and, "``x1 & x2``.")
Tensor.__or__ = Tensor.__ror__ = _constant_op("bitwise_or", np.bitwise_or, "``x1 | x2``.")
Tensor.__xor__ = Tensor.__rxor__ = _constant_op("bitwise_xor", np.bitwise_xor, "``x1 ^ x2``.")
Tensor.__invert__ = _constant_op("invert", np.invert, "``~x``.")
Tensor.__mod__ = mod
Tensor.__rmod__ = _reflected(mod)
Tensor.__floordiv__ = floor_divide
Tensor.__rfloordiv__ = _reflected(floor_divide)


__all__ = [
    "abs", "absolute", "all", "amax", "amin", "any", "arccos", "arcsin", "arcsinh", "arctan",
    "arctanh", "argmax", "argmin", "argsort", "average", "cbrt", "ceil", "clip", "cos", "cosh",
    "count_nonzero", "cumsum", "divide_no_nan", "equal", "exp", "expm1", "floor",
    "floor_divide", "greater", "greater_equal", "isclose", "isfinite", "isinf", "isnan",
    "less", "less_equal", "log", "log10", "log1p", "log2", "logical_and", "logical_not",
    "logical_or", "logical_xor", "max", "mean", "min", "mod", "ndim", "negative", "not_equal",
    "prod", "reciprocal", "round", "sign", "sin", "sinh", "size", "sqrt", "square", "std",
    "sum", "tan", "tanh", "true_divide", "trunc", "var", "where",
]
