"""GRU over a whole sequence as one Function: ``GRUScan`` and ``gru``, for both
``reset_after`` forms.

See ``lamina.ops.recurrent`` for the conventions (layouts, masks, dropout) and
``base`` for the set-up and tear-down shared with the SimpleRNN and LSTM scans.
"""
import numpy as np

from lamina.ops.recurrent.base import _Act, _c, _Scan, _scan_kwargs


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


def gru(x, kernel, recurrent_kernel, bias=None, initial_state=None, activation=None,
        recurrent_activation=None, reset_after=True, mask=None, go_backwards=False,
        in_drop=None, rec_drop=None, zero_output_for_mask=False):
    """A whole GRU sequence as one op: returns ``(sequence, last_state)`` Tensors."""
    return GRUScan.apply(x, kernel, recurrent_kernel, bias, initial_state,
                         activation=activation, recurrent_activation=recurrent_activation,
                         reset_after=bool(reset_after),
                         **_scan_kwargs(mask, go_backwards, in_drop, rec_drop,
                                        zero_output_for_mask))
