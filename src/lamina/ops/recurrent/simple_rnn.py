"""SimpleRNN over a whole sequence as one Function: ``SimpleRNNScan`` and ``simple_rnn``.

See ``lamina.ops.recurrent`` for the conventions (layouts, masks, dropout) and
``base`` for the set-up and tear-down shared with the LSTM and GRU scans.
"""
import numpy as np

from lamina.ops.recurrent.base import _Act, _c, _Scan, _scan_kwargs, _time_major

_row_buffers = {}   # SimpleRNN's single-sample work rows, by (T, D, U, dtype)


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
