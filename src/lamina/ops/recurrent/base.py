"""What the whole-sequence scans share (DESIGN.md, "hot paths"): the set-up before the time
loop and the tear-down after it, so each scan's module holds only its cell's loops.

- ``_Scan._inputs``: time-major inputs (``go_backwards`` and input dropout applied) and
  the input projection of ALL timesteps as one matrix product before the loop;
- ``_Scan._masks``: the time-major mask of padded steps and its complement;
- ``_Scan._outputs`` / ``_seq_grad``: the output sequence and its gradient, with
  ``zero_output_for_mask``;
- ``_Scan._input_grads``: the input and kernel gradients of all timesteps, one matrix
  product each after the loop;
- ``_Act``: an activation for the time loop, in place with few NumPy calls, and its
  derivative for all timesteps at once;
- ``_scan_kwargs``: the static arguments the layer-facing functions pass to ``apply``.

Nothing here runs inside a time loop except ``_Act.__call__`` (as it did before the split):
the loops stay in the scan modules, written out in full, with no helper calls per step.
"""
import numpy as np

from lamina.autodiff.tensor import Function
from lamina.ops.activations import Linear, ReLU, Sigmoid, Tanh

_consts = {}


def _c(value, dtype):
    """A cached 0-d array: NumPy ufuncs take it faster than a Python float."""
    key = (value, dtype)
    a = _consts.get(key)
    if a is None:
        a = _consts[key] = np.array(value, dtype=dtype)
    return a


class _Act:
    """An activation for the time loop: forward into ``out`` with few calls, and the
    derivative for all timesteps at once from the outputs (or the pre-activations)."""

    __slots__ = ("kernel", "mode")

    def __init__(self, kernel):
        self.kernel = kernel
        t = type(kernel)
        if kernel is None or t is Linear:
            self.mode = "linear"
        elif t is Tanh:
            self.mode = "tanh"
        elif t is Sigmoid:
            self.mode = "sigmoid"
        elif t is ReLU and kernel.plain:
            self.mode = "relu"
        else:
            self.mode = "general"   # any other elementwise kernel; needs pre-activations

    @property
    def needs_z(self):
        return self.mode == "general"

    def __call__(self, z, out):
        mode = self.mode
        if mode == "tanh":
            np.tanh(z, out=out)
        elif mode == "sigmoid":
            # 0.5 tanh(z / 2) + 0.5: exact, no overflow warnings, in place
            half = _c(0.5, out.dtype)
            np.multiply(z, half, out=out)
            np.tanh(out, out=out)
            np.multiply(out, half, out=out)
            np.add(out, half, out=out)
        elif mode == "relu":
            np.maximum(z, _c(0, out.dtype), out=out)
        elif mode == "linear":
            if out is not z:
                np.copyto(out, z)
        else:
            out[...] = self.kernel.forward(z)

    def deriv(self, y, z=None):
        """d(output)/d(pre-activation), elementwise, or None where it is 1."""
        mode = self.mode
        if mode == "tanh":
            d = np.multiply(y, y)
            return np.subtract(_c(1, y.dtype), d, out=d)
        if mode == "sigmoid":
            d = np.multiply(y, y)
            return np.subtract(y, d, out=d)
        if mode == "relu":
            return (y > 0).astype(y.dtype)
        if mode == "linear":
            return None
        return self.kernel.backward(z, y, np.ones_like(z))


def _time_major(x, go_backwards):
    xt = x.transpose(1, 0, 2)
    return xt[::-1] if go_backwards else xt


def _batch_major(a, go_backwards):
    """A time-major gradient back to the (batch, time, ...) order of the input."""
    if go_backwards:
        a = a[::-1]
    return a.transpose(1, 0, 2)


class _Scan(Function):
    """Shared set-up and tear-down of the scans (see the module docstring)."""

    # static arguments (set through apply's keyword arguments)
    mask = None
    go_backwards = False
    in_drop = None
    rec_drop = None
    zero_output = False

    def _inputs(self, x, w, b_in):
        """Time-major inputs (dropout applied) and their projection for all timesteps."""
        dtype = np.result_type(x.dtype, w.dtype)
        T, B, D = x.shape[1], x.shape[0], x.shape[2]
        xt = _time_major(x, self.go_backwards)
        if self.in_drop is not None:
            xt = np.multiply(xt, self.in_drop, dtype=dtype)
        else:
            xt = np.ascontiguousarray(xt, dtype=dtype)
        xw = np.matmul(xt.reshape(T * B, D), w).reshape(T, B, w.shape[1])
        if b_in is not None:
            xw += b_in
        self.xt = xt
        return xt, xw, dtype

    def _masks(self, B, T):
        """Time-major (T, B, 1) boolean mask and its complement (None, None without a mask
        or when every step is real)."""
        mask = self.mask
        if mask is None:
            return None, None
        m = np.asarray(mask, dtype=bool)
        if m.all():
            self.mask = None
            return None, None
        mt = _time_major(m[..., None], self.go_backwards)
        self.keep = np.ascontiguousarray(~mt)       # True where the state is carried over
        return np.ascontiguousarray(mt), self.keep

    @staticmethod
    def _state0(h0, B, U, dtype):
        return np.zeros((B, U), dtype) if h0 is None else h0

    def _outputs(self, H):
        """The output sequence (B, T, U) from the states H (T + 1, B, U)."""
        seq = H[1:]
        if self.zero_output and self.mask is not None:
            seq = seq * self.mt
        return seq.transpose(1, 0, 2)

    def _seq_grad(self, gseq, T, B, U, dtype):
        """The time-major gradient of the output sequence, in a fresh contiguous array."""
        if gseq is None:
            return np.zeros((T, B, U), dtype)
        d = np.array(gseq.transpose(1, 0, 2), dtype=dtype, order="C")
        if self.zero_output and self.mask is not None:
            d *= self.mt
        return d

    def _input_grads(self, dz, w, needs):
        """gx and gW from the pre-activation gradients of all timesteps (T, B, G*U)."""
        T, B = dz.shape[0], dz.shape[1]
        dz2 = dz.reshape(T * B, -1)
        gx = gw = None
        if needs[0]:
            gxt = np.dot(dz2, w.T).reshape(T, B, w.shape[0])
            if self.in_drop is not None:
                gxt *= self.in_drop
            gx = _batch_major(gxt, self.go_backwards)
        if needs[1]:
            gw = np.dot(self.xt.reshape(T * B, -1).T, dz2)
        return gx, gw


def _scan_kwargs(mask, go_backwards, in_drop, rec_drop, zero_output_for_mask):
    """The static arguments that differ from the defaults (fewer to set per call)."""
    kw = {}
    if mask is not None:
        kw["mask"] = np.asarray(getattr(mask, "data", mask), bool)
    if go_backwards:
        kw["go_backwards"] = True
    if in_drop is not None:
        kw["in_drop"] = np.asarray(in_drop)
    if rec_drop is not None:
        kw["rec_drop"] = np.asarray(rec_drop)
    if zero_output_for_mask:
        kw["zero_output"] = True
    return kw
