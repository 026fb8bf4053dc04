"""Keras 3's ``keras.ops`` numpy ops, part two: shapes, indexing, reordering, products
and constructors (``keras/src/ops/numpy.py``) on lamina Tensors.

The elementwise and reducing half of Keras's numpy namespace is ``keras_numpy``; see there
why it is two modules. Every op here that moves values (``take``, ``sort``, ``tile``,
``pad``, ``einsum``...) gives its gradient back to where each value came from.

>>> einsum("ij,jk->ik", np.eye(2), np.ones((2, 3))).shape
(2, 3)
"""
import builtins

import numpy as np

from lamina.autodiff.tensor import Function, Tensor
from lamina.backend import floatx
from lamina.ops import math as M
from lamina.ops.keras_core import _const, _d, _np_dtype, _t
from lamina.ops.keras_numpy import _pair
from lamina.ops.math import unbroadcast

# --- shapes and indexing ----------------------------------------------------------------------

def reshape(x, newshape):
    return M.reshape(_t(x), newshape)


def transpose(x, axes=None):
    return M.transpose(_t(x), axes)


def expand_dims(x, axis):
    return M.expand_dims(_t(x), axis)


def squeeze(x, axis=None):
    return M.squeeze(_t(x), axis)


def ravel(x):
    return M.reshape(_t(x), (-1,))


def concatenate(xs, axis=0):
    """Join tensors along ``axis`` (Keras's default is 0)."""
    return M.concatenate([_t(x) for x in xs], axis=axis)


def stack(x, axis=0):
    return M.stack([_t(a) for a in x], axis=axis)


def split(x, indices_or_sections, axis=0):
    x = _t(x)
    n = x.shape[axis]
    if isinstance(indices_or_sections, int):
        if n % indices_or_sections:
            raise ValueError(f"split: axis {axis} of size {n} does not divide into "
                             f"{indices_or_sections} equal sections")
        step = n // indices_or_sections
        cuts = list(range(step, n, step))
    else:
        cuts = list(indices_or_sections)
    lead = (builtins.slice(None),) * (axis % x.ndim)
    bounds = zip([0] + cuts, cuts + [n])
    return [M.getitem(x, lead + (builtins.slice(a, b),)) for a, b in bounds]


class _Permute(Function):
    """A pure reordering of axes or elements given by ``fwd`` and undone by ``bwd``."""

    def forward(self, a):
        return self.fwd(a)

    def backward(self, g):
        return self.bwd(g)


def moveaxis(x, source, destination):
    return _Permute.apply(_t(x), fwd=lambda a: np.moveaxis(a, source, destination),
                          bwd=lambda g: np.moveaxis(g, destination, source))


def swapaxes(x, axis1, axis2):
    swap = lambda a: np.swapaxes(a, axis1, axis2)  # noqa: E731
    return _Permute.apply(_t(x), fwd=swap, bwd=swap)


def flip(x, axis=None):
    f = lambda a: np.flip(a, axis)  # noqa: E731
    return _Permute.apply(_t(x), fwd=f, bwd=f)


def roll(x, shift, axis=None):
    back = tuple(-s for s in shift) if isinstance(shift, (tuple, list)) else -shift
    return _Permute.apply(_t(x), fwd=lambda a: np.roll(a, shift, axis),
                          bwd=lambda g: np.roll(g, back, axis))


class BroadcastTo(Function):
    def forward(self, a):
        self.in_shape = a.shape
        return np.broadcast_to(a, self.shape).copy()

    def backward(self, g):
        return unbroadcast(g, self.in_shape)


def broadcast_to(x, shape):
    return BroadcastTo.apply(_t(x), shape=tuple(shape))


class Tile(Function):
    def forward(self, a):
        reps = tuple(self.repeats)
        n = builtins.max(a.ndim, len(reps))
        self.in_shape = a.shape
        self.shape = (1,) * (n - a.ndim) + a.shape
        self.reps = (1,) * (n - len(reps)) + reps
        return np.tile(a, reps)

    def backward(self, g):
        pairs = [d for r, s in zip(self.reps, self.shape) for d in (r, s)]
        g = g.reshape(pairs).sum(axis=tuple(range(0, len(pairs), 2)))
        return g.reshape(self.in_shape)


def tile(x, repeats):
    reps = (int(repeats),) if np.ndim(repeats) == 0 else tuple(int(r) for r in _d(repeats))
    return Tile.apply(_t(x), repeats=reps)


class Repeat(Function):
    def forward(self, a):
        self.in_shape = a.shape
        flat = a.reshape(-1) if self.axis is None else a
        self.ax = 0 if self.axis is None else self.axis % a.ndim
        self.n = flat.shape[self.ax]
        self.reps = np.broadcast_to(np.asarray(self.repeats, dtype=np.intp), (self.n,))
        return np.repeat(flat, self.reps, axis=self.ax)

    def backward(self, g):
        # sum each run of copies; a zero pad at the end keeps every start index in range
        starts = np.concatenate([[0], np.cumsum(self.reps)[:-1]]).astype(np.intp)
        pad_shape = g.shape[:self.ax] + (1,) + g.shape[self.ax + 1:]
        g = np.concatenate([g, np.zeros(pad_shape, dtype=g.dtype)], axis=self.ax)
        out = np.add.reduceat(g, starts, axis=self.ax)
        empty = np.nonzero(self.reps == 0)[0]
        if empty.size:  # reduceat gives a stray element for an empty run
            out[(builtins.slice(None),) * self.ax + (empty,)] = 0
        return out.reshape(self.in_shape)


def repeat(x, repeats, axis=None):
    return Repeat.apply(_t(x), repeats=_d(repeats), axis=axis)


class Take(Function):
    def forward(self, a):
        self.shape, self.dtype = a.shape, a.dtype
        return np.take(a, self.indices, axis=self.axis)

    def backward(self, g):
        out = np.zeros(self.shape, dtype=g.dtype)
        if self.axis is None:
            np.add.at(out.reshape(-1), self.indices.reshape(-1), g.reshape(-1))
            return out
        ax, k = self.axis % len(self.shape), self.indices.ndim
        gm = np.moveaxis(g, tuple(range(ax, ax + k)), tuple(range(k)))
        np.add.at(np.moveaxis(out, ax, 0), self.indices, gm)  # indices may repeat
        return out


def take(x, indices, axis=None):
    """Elements of ``x`` at ``indices`` along ``axis`` (flattened when None); the gradient
    is added back to the elements taken."""
    return Take.apply(_t(x), indices=_d(indices).astype(np.intp), axis=axis)


class TakeAlongAxis(Function):
    def forward(self, a):
        self.shape = a.shape
        return np.take_along_axis(a, self.indices, axis=self.axis)

    def backward(self, g):
        out = np.zeros(self.shape, dtype=g.dtype)
        nd, ax = g.ndim, self.axis % g.ndim
        key = []
        for d in range(nd):
            if d == ax:
                key.append(np.broadcast_to(self.indices, g.shape))
            else:
                shape_d = [1] * nd
                shape_d[d] = g.shape[d]
                pos = np.arange(g.shape[d]) if self.shape[d] != 1 else np.zeros(g.shape[d], int)
                key.append(pos.reshape(shape_d))
        np.add.at(out, tuple(key), g)
        return out


def take_along_axis(x, indices, axis=None):
    x, idx = _t(x), _d(indices).astype(np.intp)
    if axis is None:
        x, axis = M.reshape(x, (-1,)), 0
    return TakeAlongAxis.apply(x, indices=idx, axis=axis)


def sort(x, axis=-1):
    """Sorted values along ``axis``; the gradient goes back to where each value came from."""
    x = _t(x)
    return TakeAlongAxis.apply(x, indices=np.argsort(x.data, axis=axis, kind="stable"),
                               axis=axis)


class Pad(Function):
    def forward(self, a):
        self.key = tuple(builtins.slice(lo, lo + n) for (lo, _), n in zip(self.width, a.shape))
        return np.pad(a, self.width, mode="constant", constant_values=self.value)

    def backward(self, g):
        return g[self.key]


def pad(x, pad_width, mode="constant", constant_values=None):
    if mode != "constant":
        raise NotImplementedError(f"pad: mode={mode!r} is not supported; use 'constant'")
    x = _t(x)
    width = np.broadcast_to(np.asarray(pad_width, dtype=np.intp), (x.ndim, 2))
    return Pad.apply(x, width=[tuple(map(int, w)) for w in width],
                     value=0 if constant_values is None else constant_values)


# --- products -------------------------------------------------------------------------------

class TensorDot(Function):
    def forward(self, a, b):
        self.a, self.b = a, b
        ax_a, ax_b = self.axes
        self.free_a = [i for i in range(a.ndim) if i not in ax_a]
        self.free_b = [i for i in range(b.ndim) if i not in ax_b]
        return np.tensordot(a, b, axes=(ax_a, ax_b))

    def backward(self, g):
        ax_a, ax_b = self.axes
        na = len(self.free_a)
        ga = gb = None
        if self.needs_grad[0]:
            t = np.tensordot(g, self.b, axes=(list(range(na, g.ndim)), self.free_b))
            ga = np.transpose(t, np.argsort(self.free_a + list(ax_a)))
        if self.needs_grad[1]:
            t = np.tensordot(self.a, g, axes=(self.free_a, list(range(na))))
            gb = np.transpose(t, np.argsort(list(ax_b) + self.free_b))
        return ga, gb


def tensordot(x1, x2, axes=2):
    x1, x2 = _pair(x1, x2)
    na, nb = _d(x1).ndim, _d(x2).ndim
    if isinstance(axes, int):
        ax_a, ax_b = list(range(na - axes, na)), list(range(axes))
    else:
        ax_a, ax_b = ([a] if isinstance(a, int) else list(a) for a in axes)
    ax_a = [a % na for a in ax_a]
    ax_b = [b % nb for b in ax_b]
    return TensorDot.apply(x1, x2, axes=(ax_a, ax_b))


def matmul(x1, x2):
    return M.matmul(*_pair(x1, x2))


def dot(x1, x2):
    """``numpy.dot``: products of scalars, matrix products, and over the last axis of ``x1``
    and the second-to-last of ``x2`` beyond."""
    x1, x2 = _pair(x1, x2)
    na, nb = _d(x1).ndim, _d(x2).ndim
    if na == 0 or nb == 0:
        return M.multiply(x1, x2)
    if nb <= 2:
        return M.matmul(x1, x2)
    return tensordot(x1, x2, axes=([na - 1], [nb - 2]))


class Einsum(Function):
    """``numpy.einsum`` on explicit subscripts; the gradient for each operand is another
    einsum of the output gradient with the other operands."""

    def forward(self, *arrays):
        self.arrays = arrays
        return np.einsum(self.expr, *arrays)

    def backward(self, g):
        grads = []
        for i, (sub, a) in enumerate(zip(self.ins, self.arrays)):
            if not self.needs_grad[i]:
                grads.append(None)
                continue
            others = [s for j, s in enumerate(self.ins) if j != i]
            arrays = [x for j, x in enumerate(self.arrays) if j != i]
            seen = set(self.out).union(*others)
            keep = "".join(c for c in sub if c in seen)
            r = np.einsum(",".join([self.out, *others]) + "->" + keep, g, *arrays)
            missing = [k for k, c in enumerate(sub) if c not in seen]
            if missing:  # labels summed within this operand alone: every element gets g
                r = np.broadcast_to(np.expand_dims(r, missing), a.shape).copy()
            grads.append(r)
        return tuple(grads)


def _einsum_parse(subscripts, ndims):
    """Explicit ``ins -> out`` subscripts, with ``...`` spelled as capital letters."""
    subscripts = subscripts.replace(" ", "")
    lhs, arrow, out = subscripts.partition("->")
    ins = lhs.split(",")
    if len(ins) != len(ndims):
        raise ValueError(f"einsum: {len(ins)} operand subscripts for {len(ndims)} operands")
    if not arrow:  # NumPy's implicit output: the labels seen once, in order
        letters = lhs.replace(",", "").replace(".", "")
        out = ("..." if "..." in lhs else "") + "".join(
            sorted(c for c in set(letters) if letters.count(c) == 1))
    width = builtins.max([n - len(s.replace("...", "")) for s, n in zip(ins, ndims)
                          if "..." in s] or [0])
    fill = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[:width]
    ins = [s.replace("...", fill[width - (n - len(s.replace("...", ""))):])
           for s, n in zip(ins, ndims)]
    out = out.replace("...", fill)
    for s in ins:
        if len(set(s)) != len(s):
            raise NotImplementedError(f"einsum: a repeated label within one operand ({s!r}, "
                                      "a diagonal) is not supported")
    return ins, out


def einsum(subscripts, *operands, **kwargs):
    """Einstein summation, as ``numpy.einsum``, differentiable in every operand.

    >>> einsum("ij,jk->ik", np.eye(2), np.ones((2, 3))).shape
    (2, 3)
    """
    operands = [x if isinstance(x, Tensor) else np.asarray(x) for x in operands]
    ins, out = _einsum_parse(subscripts, [_d(x).ndim for x in operands])
    return Einsum.apply(*operands, expr=",".join(ins) + "->" + out, ins=ins, out=out)


def outer(x1, x2):
    x1, x2 = _pair(x1, x2)
    return M.multiply(M.reshape(_t(x1), (-1, 1)), M.reshape(_t(x2), (1, -1)))


# --- constructors -----------------------------------------------------------------------------

def _float_dtype(dtype):
    return _np_dtype(dtype) or np.dtype(floatx())


def zeros(shape, dtype=None):
    return _const(np.zeros(shape, dtype=_float_dtype(dtype)))


def ones(shape, dtype=None):
    return _const(np.ones(shape, dtype=_float_dtype(dtype)))


def full(shape, fill_value, dtype=None):
    return _const(np.full(shape, _d(fill_value), dtype=_float_dtype(dtype)))


def zeros_like(x, dtype=None):
    return _const(np.zeros_like(_d(x), dtype=_np_dtype(dtype)))


def ones_like(x, dtype=None):
    return _const(np.ones_like(_d(x), dtype=_np_dtype(dtype)))


def full_like(x, fill_value, dtype=None):
    return _const(np.full_like(_d(x), _d(fill_value), dtype=_np_dtype(dtype)))


def eye(N, M=None, k=0, dtype=None):  # noqa: N803 - Keras's argument names
    return _const(np.eye(N, M, k, dtype=_float_dtype(dtype)))


def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values; int32 for integer arguments, floatx for floats (Keras's rule)."""
    step = 1 if step is None else step
    if dtype is None:
        args = [a for a in (start, stop, step) if a is not None]
        ints = builtins.all(isinstance(a, (int, np.integer)) for a in args)
        dtype = "int32" if ints else floatx()
    if stop is None:
        start, stop = 0, start
    return _const(np.arange(start, stop, step, dtype=_np_dtype(dtype)))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    out = np.linspace(_d(start), _d(stop), num, endpoint=endpoint, retstep=retstep,
                      dtype=_float_dtype(dtype), axis=axis)
    return (_const(out[0]), out[1]) if retstep else _const(out)


__all__ = [
    "arange", "broadcast_to", "concatenate", "dot", "einsum", "expand_dims", "eye", "flip",
    "full", "full_like", "linspace", "matmul", "moveaxis", "ones", "ones_like", "outer", "pad",
    "ravel", "repeat", "reshape", "roll", "sort", "split", "squeeze", "stack", "swapaxes",
    "take", "take_along_axis", "tensordot", "tile", "transpose", "zeros", "zeros_like",
]
