"""Whole-sequence recurrent ops: one Function per layer call (DESIGN.md, "hot paths").

``simple_rnn``, ``lstm`` and ``gru`` run Keras's cell math over a whole sequence:

- the input projection of all timesteps is ONE matrix product before the loop;
- inside the time loop only the recurrent product and the gate arithmetic run, on
  preallocated arrays with ``out=`` (a handful of NumPy calls per timestep);
- backward walks the loop once in reverse, carrying only d(state); every per-step
  factor that does not depend on the carried gradient (activation derivatives, gate
  products) is computed ahead, for all timesteps at once or (LSTM) inside the forward
  loop while that step's arrays are in cache, so a backward step is a few adds and
  multiplies and the recurrent product;
- the weight gradients of all timesteps are one matrix product each, after the loop.

Arrays are time-major inside ``(T, B, ...)`` so each step works on contiguous rows.
Weight layouts are Keras's: kernel ``(input_dim, G * units)``, recurrent kernel
``(units, G * units)`` with gates i, f, c, o (LSTM) or z, r, h (GRU; bias ``(2, 3 * units)``
when ``reset_after``). A boolean ``mask`` (batch, timesteps) keeps the state of masked
steps unchanged; their output is the carried-over state (Keras's JAX/NumPy backends), or
zeros with ``zero_output_for_mask``. ``go_backwards`` processes the sequence from its end
and returns the outputs in that (reversed) order, as Keras does. ``in_drop`` (batch,
input_dim) and ``rec_drop`` (batch, units) are dropout masks (already scaled by
1 / (1 - rate)) applied to the inputs and to the previous state in the recurrent
product, the same for every timestep.

>>> seq, h = simple_rnn(x, kernel, recurrent_kernel, bias, h0, activation=tanh_kernel)
"""
import numpy as np

from lamina.autodiff.tensor import Function
from lamina.ops.activations import Linear, ReLU, Sigmoid, Tanh

_consts = {}
_row_buffers = {}   # SimpleRNN's single-sample work rows, by (T, D, U, dtype)


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


# --- SimpleRNN -------------------------------------------------------------------------

class SimpleRNNScan(_Scan):
    """h_t = act(x_t W + b + (h_{t-1} * rec_drop) U); outputs (sequence, last state).

    For tanh and sigmoid with a single sample (the rnn package's batch size 1) each
    timestep is two NumPy calls: the state, the inputs and a 1 share one row
    ``[s_{t-1} | x_t | 1]``, multiplied by the stacked ``[U; W; b]``, then one tanh
    (sigmoid(z) = (1 + tanh(z / 2)) / 2, computed in s = 2h - 1). Backward with a single
    sample folds the activation derivative into the recurrent matrix of each step, so a
    step is an add and one product.
    """

    n_outputs = 2

    def forward(self, x, w, u, b, h0):
        B, T = x.shape[0], x.shape[1]
        act = self.act = _Act(self.activation)
        if B == 1 and act.mode in ("tanh", "sigmoid") and self.rec_drop is None:
            H = self._forward_row(x, w, u, b, h0, act.mode == "sigmoid")
        else:
            H = self._forward_loop(x, w, u, b, h0, act)
        self.H, self.u, self.w = H, u, w
        return self._outputs(H), H[T]

    def _forward_row(self, x, w, u, b, h0, sigmoid):
        T, D, U = x.shape[1], x.shape[2], u.shape[0]
        dtype = w.dtype if x.dtype == w.dtype else np.result_type(x.dtype, w.dtype)
        xt = _time_major(x, self.go_backwards)
        if self.in_drop is not None:
            xt = xt * self.in_drop
        self.xt = xt
        self.mt, keep = self._masks(1, T)
        key = (T, D, U, np.dtype(dtype).char)
        cached = _row_buffers.get(key)
        if cached is None:   # row t: [s_{t-1} | x_t | 1]; reused: H is copied out of it
            A = np.empty((T + 1, 1, U + D + 1), dtype)
            A[:, :, U + D] = 1
            cached = _row_buffers[key] = (A, list(A), list(A[1:, :, :U]), list(A[:, :, :U]))
        A, rows, outs, prev = cached
        A[:T, :, U:U + D] = xt
        M = np.empty((U + D + 1, U), dtype)           # [U; W; b]
        if sigmoid:  # s = tanh(z / 2), h = (s + 1) / 2: z / 2 = s (U / 4) + x W / 2 + c
            np.multiply(u, _c(0.25, dtype), out=M[:U])
            np.multiply(w, _c(0.5, dtype), out=M[U:U + D])
            np.add.reduce(M[:U], axis=0, out=M[U + D])
            if b is not None:
                M[U + D] += b * _c(0.5, dtype)
            if h0 is None:
                A[0, :, :U] = -1
            else:
                np.multiply(h0, _c(2, dtype), out=A[0, :, :U])
                A[0, :, :U] -= _c(1, dtype)
        else:
            M[:U] = u
            M[U:U + D] = w
            M[U + D] = 0 if b is None else b
            A[0, :, :U] = 0 if h0 is None else h0
        dot, tanh = np.dot, np.tanh
        if keep is None:
            for t in range(T):
                s = outs[t]
                dot(rows[t], M, out=s)
                tanh(s, out=s)
        else:
            for t in range(T):
                s = outs[t]
                dot(rows[t], M, out=s)
                tanh(s, out=s)
                np.copyto(s, prev[t], where=keep[t])
        H = A[:, :, :U]
        if sigmoid:
            H = np.multiply(H, _c(0.5, dtype))
            H += _c(0.5, dtype)
        else:
            H = np.ascontiguousarray(H)
        return H

    def _forward_loop(self, x, w, u, b, h0, act):
        T, B = x.shape[1], x.shape[0]
        U = u.shape[0]
        xt, xw, dtype = self._inputs(x, w, b)
        self.mt, keep = self._masks(B, T)
        rd = self.rec_drop
        H = np.empty((T + 1, B, U), dtype)
        H[0] = self._state0(h0, B, U, dtype)
        hs = list(H)
        dot = np.dot
        if act.needs_z:
            tmp = np.empty((B, U), dtype)
            for t in range(T):
                hp = hs[t] if rd is None else hs[t] * rd
                dot(hp, u, out=tmp)
                z = xw[t]
                z += tmp
                act(z, hs[t + 1])
                if keep is not None:
                    np.copyto(hs[t + 1], hs[t], where=keep[t])
            self.z = xw
        else:
            for t in range(T):
                hp = hs[t] if rd is None else hs[t] * rd
                h = hs[t + 1]
                dot(hp, u, out=h)
                h += xw[t]
                act(h, h)
                if keep is not None:
                    np.copyto(h, hs[t], where=keep[t])
        return H

    def backward(self, gseq, glast):
        needs = self.needs_grad
        H, u = self.H, self.u
        T, B, U = H.shape[0] - 1, H.shape[1], H.shape[2]
        dtype = H.dtype
        da = self._seq_grad(gseq, T, B, U, dtype)
        D = self.act.deriv(H[1:], getattr(self, "z", None))
        mt, keep = self.mt, getattr(self, "keep", None)
        if mt is not None:
            D = mt.astype(dtype) if D is None else np.multiply(D, mt, out=D)
        carry = np.zeros((B, U), dtype) if glast is None else np.array(glast, dtype=dtype)
        rd = self.rec_drop
        ds = list(da)
        dot = np.dot
        if B == 1:
            uT = u.T if rd is None else u.T * rd     # (d u^T) * rd = d (u^T * rd) for one row
            # carry_{t-1} = (g_t + carry_t) M_t with M_t = diag(D_t) U^T (the identity on a
            # masked step: the state passes through); dZ = (g + carry) D after the loop
            M = uT[None] if D is None else D.reshape(T, -1, 1) * uT
            if keep is not None:
                M = np.array(np.broadcast_to(M, (T, U, U)))
                M[keep[:, 0, 0]] = np.eye(U, dtype=dtype)
            Ms = list(M) if M.shape[0] == T else [M[0]] * T
            for t in range(T - 1, -1, -1):
                d = ds[t]
                d += carry
                dot(d, Ms[t], out=carry)
            dz = da if D is None else np.multiply(da, D, out=da)
        else:
            uT = np.ascontiguousarray(u.T)
            Ds = None if D is None else list(D)
            for t in range(T - 1, -1, -1):
                d = ds[t]
                d += carry
                if keep is not None:
                    passed = d * keep[t]         # masked rows: d(state) flows straight through
                if Ds is not None:
                    d *= Ds[t]
                dot(d, uT, out=carry)
                if rd is not None:
                    carry *= rd
                if keep is not None:
                    carry += passed
            dz = da
        gx, gw = self._input_grads(dz, self.w, needs)
        gu = gb = None
        dz2 = dz.reshape(T * B, U)
        if needs[2]:
            hp = H[:-1] if rd is None else H[:-1] * rd
            gu = np.dot(hp.reshape(T * B, U).T, dz2)
        if needs[3]:
            gb = np.add.reduce(dz2, axis=0)
        return gx, gw, gu, gb, (carry if needs[4] else None)


# --- LSTM ------------------------------------------------------------------------------

class LSTMScan(_Scan):
    """Keras's LSTM: gates i, f, c, o; c_t = f c_{t-1} + i act(z_c); h_t = o act(c_t).

    Outputs (sequence, last h, last c). Inside, the gate columns are reordered to o, i, f, g
    (g = the cell candidate): the recurrent activation then runs on one contiguous block
    (o, i, f) and the gradients that the cell gradient scales (i, f, g) are one block too.
    With the default sigmoid / tanh, the o, i, f columns of the weights are pre-scaled by
    1/2 so ONE tanh call gives every gate: sigmoid(z) = (1 + tanh(z / 2)) / 2, and every
    gate's derivative is a multiple of 1 - tanh^2. When a gradient will be needed, the
    per-step factors of the backward pass are computed inside the forward loop, while that
    step's arrays are still in cache.
    """

    n_outputs = 3

    def forward(self, x, w, u, b, h0, c0):
        T, B = x.shape[1], x.shape[0]
        U = u.shape[0]
        U2, U3 = 2 * U, 3 * U
        ract, act = _Act(self.recurrent_activation), _Act(self.activation)
        self.ract, self.act = ract, act
        fast = ract.mode == "sigmoid" and act.mode == "tanh"
        train = bool(self.needs_grad)
        f = 0.5 if fast else None
        ws, us = _to_ofic(w, U, f), _to_ofic(u, U, f)
        bs = None if b is None else _to_ofic(b, U, f)
        xt, xw, dtype = self._inputs(x, ws, bs)
        self.mt, keep = self._masks(B, T)
        rd = self.rec_drop
        H = np.empty((T + 1, B, U), dtype)
        C = np.empty((T + 1, B, U), dtype)
        H[0] = self._state0(h0, B, U, dtype)
        C[0] = self._state0(c0, B, U, dtype)
        G = np.empty((T, B, 4 * U), dtype)      # activated gates o, i, f, g
        TC = np.empty((T, B, U), dtype)         # act(c_t)
        tmp = np.empty((B, U), dtype)
        z = np.empty((B, 4 * U), dtype)
        hs, cs, gs, tcs = list(H), list(C), list(G), list(TC)
        P = Pc = None
        if fast and train:
            # backward factors: d(pre-activation) = (dh, dc, dc, dc) * P per gate o, i, f, g
            # (times 1/4 for o, i, f, applied to the products after the loop), dc += dh Pc
            P = np.empty((T, B, 4 * U), dtype)
            Pc = np.empty((T, B, U), dtype)
            ps, pcs = list(P), list(Pc)
        one, half = _c(1, dtype), _c(0.5, dtype)
        dot, mul, tanh = np.dot, np.multiply, np.tanh
        for t in range(T):
            hp = hs[t] if rd is None else hs[t] * rd
            g = gs[t]
            if fast:
                dot(hp, us, out=g)
                g += xw[t]
                tanh(g, out=g)
                if P is not None:
                    p = ps[t]
                    mul(g, g, out=p)
                    np.subtract(one, p, out=p)             # 1 - tanh^2, every gate
                s = g[:, :U3]
                s *= half
                s += half
            else:
                zt = xw[t]                       # pre-activations kept for general kernels
                dot(hp, us, out=z)
                zt += z
                ract(zt[:, :U3], g[:, :U3])
                act(zt[:, U3:], g[:, U3:])
            c = cs[t + 1]
            mul(g[:, U2:U3], cs[t], out=c)                # f c_{t-1}
            mul(g[:, U:U2], g[:, U3:], out=tmp)           # i g
            c += tmp
            tc = tcs[t]
            act(c, tc)
            h = hs[t + 1]
            mul(g[:, :U], tc, out=h)
            if P is not None:
                p = ps[t]
                p[:, :U] *= tc                             # o: act(c)
                p[:, U:U2] *= g[:, U3:]                    # i: g
                p[:, U2:U3] *= cs[t]                       # f: c_{t-1}
                p[:, U3:] *= g[:, U:U2]                    # g: i
                pc = pcs[t]
                mul(h, tc, out=pc)
                np.subtract(g[:, :U], pc, out=pc)          # o (1 - act(c)^2) = o - h act(c)
            if keep is not None:
                np.copyto(h, hs[t], where=keep[t])
                np.copyto(c, cs[t], where=keep[t])
        self.z = None if fast else xw
        self.H, self.C, self.G, self.TC, self.P, self.Pc = H, C, G, TC, P, Pc
        self.w, self.u, self.fast = w, u, fast
        return self._outputs(H), H[T], C[T]

    def _factors(self):
        """P (T, B, 4U) and Pc (T, B, U) for the general path, for all timesteps at once."""
        H, C, G, TC, z = self.H, self.C, self.G, self.TC, self.z
        T, B, U = TC.shape
        U3 = 3 * U
        G4 = G.reshape(T, B, 4, U)
        o, i, gg = G4[:, :, 0], G4[:, :, 1], G4[:, :, 3]
        R = self.ract.deriv(G[..., :U3], z[..., :U3])
        ad_g = self.act.deriv(gg, z[..., U3:])
        ad_c = self.act.deriv(TC, C[1:])
        P = np.empty((T, B, 4, U), H.dtype)
        P[:, :, 0] = TC
        P[:, :, 1] = gg
        P[:, :, 2] = C[:-1]
        P[:, :, 3] = i
        if R is not None:
            P[:, :, :3] *= R.reshape(T, B, 3, U)
        if ad_g is not None:
            P[:, :, 3] *= ad_g
        Pc = o.copy() if ad_c is None else np.multiply(o, ad_c, out=ad_c)
        return P.reshape(T, B, 4 * U), Pc

    def backward(self, gseq, gh, gc):
        needs = self.needs_grad
        H, G = self.H, self.G
        T, B, U = H.shape[0] - 1, H.shape[1], H.shape[2]
        dtype = H.dtype
        U3 = 3 * U
        # without a sequence gradient, d(h_t) is just the carried gradient: no (T, B, U) array
        da = None if gseq is None else self._seq_grad(gseq, T, B, U, dtype)
        if self.P is not None:
            # the o, i, f factors lack the 1/4 of sigmoid' = (1 - tanh(z/2)^2) / 4: it is
            # folded into the matrices that dz meets instead (f below)
            P, Pc, f = self.P, self.Pc, 0.25
        else:
            (P, Pc), f = self._factors(), None
        F = G[..., 2 * U:U3]                       # dc_{t-1} = dc_t f
        mt, keep = self.mt, getattr(self, "keep", None)
        if mt is not None:                       # masked steps: no gate gradients, dc passes
            P = P * mt
            Pc = Pc * mt
            F = np.where(keep, _c(1, dtype), F)
        upT = np.ascontiguousarray(_to_ofic(self.u, U, f).T)
        dzp = np.empty((T, B, 4 * U), dtype)    # d(pre-activations) (o, i, f / 4), o, i, f, g
        carry_h = np.zeros((B, U), dtype) if gh is None else np.array(gh, dtype=dtype)
        carry_c = np.zeros((B, U), dtype) if gc is None else np.array(gc, dtype=dtype)
        rd = self.rec_drop
        tmp = np.empty((B, U), dtype)
        ds = [carry_h] * T if da is None else list(da)
        Pcs, Fs, dzs = list(Pc), list(F), list(dzp)
        P4s = list(P.reshape(T, B, 4, U))
        d4s = list(dzp.reshape(T, B, 4, U))
        dot, mul = np.dot, np.multiply
        for t in range(T - 1, -1, -1):
            dh = ds[t]
            if da is not None:
                dh += carry_h
            if keep is not None:
                passed = dh * keep[t]
            mul(dh, Pcs[t], out=tmp)
            carry_c += tmp                                        # dc_t
            d4, p4 = d4s[t], P4s[t]
            mul(carry_c[:, None, :], p4[:, 1:], out=d4[:, 1:])
            mul(dh, p4[:, 0], out=d4[:, 0])
            carry_c *= Fs[t]                                      # dc_{t-1}
            dot(dzs[t], upT, out=carry_h)
            if rd is not None:
                carry_h *= rd
            if keep is not None:
                carry_h += passed
        dz2 = dzp.reshape(T * B, 4 * U)
        gx = gw = gu = gb = None
        if needs[0]:
            gxt = np.dot(dz2, _to_ofic(self.w, U, f).T).reshape(T, B, -1)
            if self.in_drop is not None:
                gxt *= self.in_drop
            gx = _batch_major(gxt, self.go_backwards)
        if needs[1]:
            gw = _from_ofic(np.dot(self.xt.reshape(T * B, -1).T, dz2), U, f)
        if needs[2]:
            hp = H[:-1] if rd is None else H[:-1] * rd
            gu = _from_ofic(np.dot(hp.reshape(T * B, U).T, dz2), U, f)
        if needs[3]:
            gb = _from_ofic(np.add.reduce(dz2, axis=0), U, f)
        return gx, gw, gu, gb, carry_h, carry_c


def _to_ofic(a, U, factor=None):
    """Gate columns (last axis) from Keras's order i, f, c, o to o, i, f, c, with the o, i, f
    columns times ``factor``."""
    out = np.empty(a.shape, a.dtype)
    U2, U3 = 2 * U, 3 * U
    if factor is None:
        out[..., :U] = a[..., U3:]
        out[..., U:] = a[..., :U3]
    else:
        k = _c(factor, a.dtype)
        np.multiply(a[..., U3:], k, out=out[..., :U])
        np.multiply(a[..., :U2], k, out=out[..., U:U3])
        out[..., U3:] = a[..., U2:U3]
    return out


def _from_ofic(a, U, factor=None):
    """The inverse of ``_to_ofic``: o, i, f, c back to i, f, c, o (o, i, f times factor)."""
    out = np.empty(a.shape, a.dtype)
    U2, U3 = 2 * U, 3 * U
    if factor is None:
        out[..., :U3] = a[..., U:]
        out[..., U3:] = a[..., :U]
    else:
        k = _c(factor, a.dtype)
        np.multiply(a[..., U:U3], k, out=out[..., :U2])
        out[..., U2:U3] = a[..., U3:]
        np.multiply(a[..., :U], k, out=out[..., U3:])
    return out


# --- GRU -------------------------------------------------------------------------------

class GRUScan(_Scan):
    """Keras's GRU, gates z, r, h: h_t = z h_{t-1} + (1 - z) hh.

    reset_after=True (default): hh = act(x W_h + b_in_h + r (h_{t-1} U_h + b_rec_h)),
    bias (2, 3 * units). reset_after=False: hh = act(x W_h + b_h + (r h_{t-1}) U_h),
    bias (3 * units,). Outputs (sequence, last state).
    """

    n_outputs = 2

    def forward(self, x, w, u, b, h0):
        T, B = x.shape[1], x.shape[0]
        U = u.shape[0]
        U2 = 2 * U
        ra = self.reset_after
        b_in = b_rec_h = None
        if b is not None:
            if ra:
                b_in = b[0].copy()
                b_in[:U2] += b[1, :U2]          # the recurrent z, r biases add linearly
                b_rec_h = b[1, U2:]
            else:
                b_in = b
        xt, xw, dtype = self._inputs(x, w, b_in)
        self.mt, keep = self._masks(B, T)
        ract, act = _Act(self.recurrent_activation), _Act(self.activation)
        self.ract, self.act = ract, act
        rd = self.rec_drop
        H = np.empty((T + 1, B, U), dtype)
        H[0] = self._state0(h0, B, U, dtype)
        G = np.empty((T, B, U2), dtype)         # z, r
        HH = np.empty((T, B, U), dtype)         # candidate hh
        Zh = np.empty((T, B, U), dtype) if act.needs_z else None
        Zzr = xw if ract.needs_z else None      # pre-activations of z, r kept in xw
        hs, gs, hhs = list(H), list(G), list(HH)
        tmp = np.empty((B, U), dtype)
        if ra:
            RH = np.empty((T, B, U), dtype)     # h_{t-1} U_h + b_rec_h
            rr = np.empty((B, 3 * U), dtype)
            for t in range(T):
                hp = hs[t] if rd is None else hs[t] * rd
                np.matmul(hp, u, out=rr)
                gt = gs[t]
                if Zzr is None:
                    np.add(xw[t][:, :U2], rr[:, :U2], out=gt)
                    ract(gt, gt)
                else:
                    zz = xw[t][:, :U2]
                    zz += rr[:, :U2]
                    ract(zz, gt)
                rh = RH[t]
                if b_rec_h is None:
                    np.copyto(rh, rr[:, U2:])
                else:
                    np.add(rr[:, U2:], b_rec_h, out=rh)
                zh = tmp if Zh is None else Zh[t]
                np.multiply(gt[:, U:], rh, out=zh)
                zh += xw[t][:, U2:]
                hh = hhs[t]
                act(zh, hh)
                h = hs[t + 1]
                np.subtract(hs[t], hh, out=h)
                h *= gt[:, :U]
                h += hh
                if keep is not None:
                    np.copyto(h, hs[t], where=keep[t])
            self.RH = RH
        else:
            u_zr = np.ascontiguousarray(u[:, :U2])
            u_h = np.ascontiguousarray(u[:, U2:])
            RHin = np.empty((T, B, U), dtype)   # r * h_{t-1} (dropped out), input of U_h
            rzr = np.empty((B, U2), dtype)
            for t in range(T):
                hp = hs[t] if rd is None else hs[t] * rd
                np.matmul(hp, u_zr, out=rzr)
                gt = gs[t]
                if Zzr is None:
                    np.add(xw[t][:, :U2], rzr, out=gt)
                    ract(gt, gt)
                else:
                    zz = xw[t][:, :U2]
                    zz += rzr
                    ract(zz, gt)
                rin = RHin[t]
                np.multiply(gt[:, U:], hp, out=rin)
                zh = tmp if Zh is None else Zh[t]
                np.matmul(rin, u_h, out=zh)
                zh += xw[t][:, U2:]
                hh = hhs[t]
                act(zh, hh)
                h = hs[t + 1]
                np.subtract(hs[t], hh, out=h)
                h *= gt[:, :U]
                h += hh
                if keep is not None:
                    np.copyto(h, hs[t], where=keep[t])
            self.RHin, self.u_zr, self.u_h = RHin, u_zr, u_h
        self.H, self.G, self.HH, self.Zh, self.Zzr = H, G, HH, Zh, Zzr
        self.u, self.w, self.has_bias = u, w, b is not None
        return self._outputs(H), H[T]

    def backward(self, gseq, gh):
        needs = self.needs_grad
        H, G, HH = self.H, self.G, self.HH
        T, B, U = H.shape[0] - 1, H.shape[1], H.shape[2]
        U2 = 2 * U
        dtype = H.dtype
        da = self._seq_grad(gseq, T, B, U, dtype)
        zg, rg = G[..., :U], G[..., U:]
        Zzr = self.Zzr
        R = self.ract.deriv(G, None if Zzr is None else Zzr[..., :U2])
        A = self.act.deriv(HH, self.Zh)
        # P2 = (1 - z) act'(hh): d(pre-activation of hh) = dh P2
        P2 = np.subtract(_c(1, dtype), zg)
        if A is not None:
            P2 *= A
        # P1 = (h_{t-1} - hh) rz': d(pre-activation of z) = dh P1
        P1 = np.subtract(H[:-1], HH)
        if R is not None:
            P1 *= R[..., :U]
        Zc = zg                                  # d h_{t-1} (direct) = dh z
        mt, keep = self.mt, getattr(self, "keep", None)
        if mt is not None:
            P1 *= mt
            P2 *= mt
            Zc = np.where(keep, _c(1, dtype), zg)
        rd = self.rec_drop
        carry = np.zeros((B, U), dtype) if gh is None else np.array(gh, dtype=dtype)
        tmp = np.empty((B, U), dtype)
        ds, Zcs = list(da), list(Zc)
        if self.reset_after:
            # dR_t = d(h_{t-1} U + b_rec) = dh * (P1, P2 rh rr', P2 r): one broadcast product
            P = np.empty((T, B, 3, U), dtype)
            P[:, :, 0] = P1
            np.multiply(P2, self.RH, out=P[:, :, 1])
            if R is not None:
                P[:, :, 1] *= R[..., U:]
            np.multiply(P2, rg, out=P[:, :, 2])
            dR = np.empty((T, B, 3 * U), dtype)
            dRs, Ps = list(dR), list(P)
            d3s = list(dR.reshape(T, B, 3, U))
            uT = np.ascontiguousarray(self.u.T)
            for t in range(T - 1, -1, -1):
                dh = ds[t]
                dh += carry
                np.multiply(dh[:, None, :], Ps[t], out=d3s[t])
                np.matmul(dRs[t], uT, out=carry)
                if rd is not None:
                    carry *= rd
                np.multiply(dh, Zcs[t], out=tmp)
                carry += tmp
            dXW = dR.copy()
            np.multiply(da, P2, out=dXW[..., U2:])  # d(x W_h): dh P2 (no r factor)
            gx, gw = self._input_grads(dXW, self.w, needs)
            gu = gb = None
            if needs[2]:
                hp = H[:-1] if rd is None else H[:-1] * rd
                gu = np.matmul(hp.reshape(T * B, U).T, dR.reshape(T * B, 3 * U))
            if needs[3]:
                gb = np.stack([dXW.reshape(T * B, -1).sum(axis=0),
                               dR.reshape(T * B, -1).sum(axis=0)])
            return gx, gw, gu, gb, carry
        # reset_after=False
        hp_all = H[:-1] if rd is None else H[:-1] * rd
        Q = hp_all.copy() if R is None else np.multiply(hp_all, R[..., U:])  # dr' = drh Q
        dXW = np.empty((T, B, 3 * U), dtype)
        d3s = list(dXW.reshape(T, B, 3, U))
        dXs = list(dXW)
        P1s, P2s, Qs, rgs = list(P1), list(P2), list(Q), list(rg)
        u_zrT = np.ascontiguousarray(self.u_zr.T)
        u_hT = np.ascontiguousarray(self.u_h.T)
        drh = np.empty((B, U), dtype)
        for t in range(T - 1, -1, -1):
            dh = ds[t]
            dh += carry
            d3 = d3s[t]
            np.multiply(dh, P1s[t], out=d3[:, 0])
            np.multiply(dh, P2s[t], out=d3[:, 2])
            np.matmul(d3[:, 2], u_hT, out=drh)            # d(r h_{t-1})
            np.multiply(drh, Qs[t], out=d3[:, 1])
            np.matmul(dXs[t][:, :U2], u_zrT, out=carry)
            np.multiply(drh, rgs[t], out=tmp)
            carry += tmp
            if rd is not None:
                carry *= rd
            np.multiply(dh, Zcs[t], out=tmp)
            carry += tmp
        gx, gw = self._input_grads(dXW, self.w, needs)
        gu = gb = None
        dx2 = dXW.reshape(T * B, 3 * U)
        if needs[2]:
            gu = np.empty_like(self.u)
            gu[:, :U2] = np.matmul(hp_all.reshape(T * B, U).T, dx2[:, :U2])
            gu[:, U2:] = np.matmul(self.RHin.reshape(T * B, U).T, dx2[:, U2:])
        if needs[3]:
            gb = dx2.sum(axis=0)
        return gx, gw, gu, gb, carry


# --- the functions layers call -------------------------------------------------------------

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


def simple_rnn(x, kernel, recurrent_kernel, bias=None, initial_state=None, activation=None,
               mask=None, go_backwards=False, in_drop=None, rec_drop=None,
               zero_output_for_mask=False):
    """A whole SimpleRNN sequence as one op: returns ``(sequence, last_state)`` Tensors.

    ``x`` (batch, time, features); ``activation`` an activation kernel (tanh if None is
    not what you want: None means linear); see the module docstring for the rest.
    """
    return SimpleRNNScan.apply(x, kernel, recurrent_kernel, bias, initial_state,
                               activation=activation,
                               **_scan_kwargs(mask, go_backwards, in_drop, rec_drop,
                                              zero_output_for_mask))


def lstm(x, kernel, recurrent_kernel, bias=None, initial_h=None, initial_c=None,
         activation=None, recurrent_activation=None, mask=None, go_backwards=False,
         in_drop=None, rec_drop=None, zero_output_for_mask=False):
    """A whole LSTM sequence as one op: returns ``(sequence, last_h, last_c)`` Tensors."""
    return LSTMScan.apply(x, kernel, recurrent_kernel, bias, initial_h, initial_c,
                          activation=activation, recurrent_activation=recurrent_activation,
                          **_scan_kwargs(mask, go_backwards, in_drop, rec_drop,
                                         zero_output_for_mask))


def gru(x, kernel, recurrent_kernel, bias=None, initial_state=None, activation=None,
        recurrent_activation=None, reset_after=True, mask=None, go_backwards=False,
        in_drop=None, rec_drop=None, zero_output_for_mask=False):
    """A whole GRU sequence as one op: returns ``(sequence, last_state)`` Tensors."""
    return GRUScan.apply(x, kernel, recurrent_kernel, bias, initial_state,
                         activation=activation, recurrent_activation=recurrent_activation,
                         reset_after=bool(reset_after),
                         **_scan_kwargs(mask, go_backwards, in_drop, rec_drop,
                                        zero_output_for_mask))
