"""LSTM over a whole sequence as one Function: ``LSTMScan`` and ``lstm``, with the gate
reordering (Keras's i, f, c, o to o, i, f, c) the scan runs in.

See ``lamina.ops.recurrent`` for the conventions (layouts, masks, dropout) and
``base`` for the set-up and tear-down shared with the SimpleRNN and GRU scans.
"""
import numpy as np

from lamina.ops.recurrent.base import _Act, _batch_major, _c, _Scan, _scan_kwargs


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


def lstm(x, kernel, recurrent_kernel, bias=None, initial_h=None, initial_c=None,
         activation=None, recurrent_activation=None, mask=None, go_backwards=False,
         in_drop=None, rec_drop=None, zero_output_for_mask=False):
    """A whole LSTM sequence as one op: returns ``(sequence, last_h, last_c)`` Tensors."""
    return LSTMScan.apply(x, kernel, recurrent_kernel, bias, initial_h, initial_c,
                          activation=activation, recurrent_activation=recurrent_activation,
                          **_scan_kwargs(mask, go_backwards, in_drop, rec_drop,
                                         zero_output_for_mask))
