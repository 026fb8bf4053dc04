"""The fused whole-sequence scans (lamina.ops.recurrent) against NumPy references of Keras's
cell math, and their gradients against float64 finite differences."""
import numpy as np
import pytest

from lamina.autodiff import Tensor, gradient_check
from lamina.ops import recurrent as R
from lamina.ops.activations import ELU, Linear, ReLU, Sigmoid, Tanh


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


ACTS = {"tanh": (Tanh(), np.tanh), "sigmoid": (Sigmoid(), sigmoid),
        "relu": (ReLU(), lambda z: np.maximum(z, 0)), "linear": (Linear(), lambda z: z),
        "elu": (ELU(), lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0))))}


# --- NumPy references of Keras 3's cells, stepped as keras/src/backend/numpy/rnn.py -------

def _steps(T, go_backwards):
    return range(T - 1, -1, -1) if go_backwards else range(T)


def _run(step, x, states, mask=None, go_backwards=False, in_drop=None, rec_drop=None,
         zero_output=False):
    """Keras's scan: a masked step keeps the states; its output is the carried state h
    (or zeros with zero_output_for_mask). Outputs come in processing order."""
    outs = []
    for t in _steps(x.shape[1], go_backwards):
        xt = x[:, t] if in_drop is None else x[:, t] * in_drop
        new = step(xt, states, rec_drop)
        if mask is not None:
            m = mask[:, t][:, None]
            new = [np.where(m, n, s) for n, s in zip(new, states)]
            outs.append(new[0] * m if zero_output else new[0])
        else:
            outs.append(new[0])
        states = new
    return np.stack(outs, 1), states


def ref_simple_rnn(x, w, u, b, h0, act, **kw):
    def step(xt, st, rd):
        hp = st[0] if rd is None else st[0] * rd
        return [act(xt @ w + b + hp @ u)]
    return _run(step, x, [h0], **kw)


def ref_lstm(x, w, u, b, h0, c0, act=np.tanh, ract=sigmoid, **kw):
    n = u.shape[0]

    def step(xt, st, rd):
        h, c = st
        hp = h if rd is None else h * rd
        z = xt @ w + hp @ u + b
        i, f = ract(z[:, :n]), ract(z[:, n:2 * n])
        c = f * c + i * act(z[:, 2 * n:3 * n])
        o = ract(z[:, 3 * n:])
        return [o * act(c), c]
    return _run(step, x, [h0, c0], **kw)


def ref_gru(x, w, u, b, h0, reset_after=True, act=np.tanh, ract=sigmoid, **kw):
    n = u.shape[0]

    def step(xt, st, rd):
        h = st[0]
        hp = h if rd is None else h * rd
        if reset_after:
            mx, mi = xt @ w + b[0], hp @ u + b[1]
            z, r = ract(mx[:, :n] + mi[:, :n]), ract(mx[:, n:2 * n] + mi[:, n:2 * n])
            hh = act(mx[:, 2 * n:] + r * mi[:, 2 * n:])
        else:
            mx, mi = xt @ w + b, hp @ u[:, :2 * n]
            z, r = ract(mx[:, :n] + mi[:, :n]), ract(mx[:, n:2 * n] + mi[:, n:2 * n])
            hh = act(mx[:, 2 * n:] + (r * hp) @ u[:, 2 * n:])
        return [z * h + (1 - z) * hh]
    return _run(step, x, [h0], **kw)


# --- fixtures ------------------------------------------------------------------------------

def _data(B, T=5, D=3, U=4, gates=1, seed=0, bias_shape=None):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((B, T, D))
    w = rng.standard_normal((D, gates * U)) * 0.5
    u = rng.standard_normal((U, gates * U)) * 0.5
    b = rng.standard_normal(bias_shape or (gates * U,)) * 0.2
    h0 = rng.standard_normal((B, U)) * 0.5
    mask = rng.random((B, T)) > 0.35
    mask[0, 1] = False
    mask[-1, -1] = False
    return x, w, u, b, h0, mask


def _loss(seq, *states):
    """A scalar using every output, with unequal weights so each element matters."""
    total = (seq * Tensor(np.cos(np.arange(seq.size)).reshape(seq.shape))).sum()
    for k, s in enumerate(states):
        total = total + (s * s).sum() * (k + 1)
    return total


def _drops(B, D, U, on, seed=3):
    if not on:
        return None, None
    rng = np.random.default_rng(seed)
    return ((rng.random((B, D)) > 0.3) / 0.7, (rng.random((B, U)) > 0.3) / 0.7)


# --- SimpleRNN ----------------------------------------------------------------------------

@pytest.mark.parametrize("B", [1, 3])   # batch 1 takes the two-calls-per-step path
@pytest.mark.parametrize("act", ["tanh", "sigmoid", "relu", "linear", "elu"])
@pytest.mark.parametrize("masked,back,drop", [(False, False, False), (True, False, False),
                                              (False, True, True), (True, True, True)])
def test_simple_rnn_matches_keras_math_and_gradients(B, act, masked, back, drop):
    x, w, u, b, h0, mask = _data(B)
    m = mask if masked else None
    ind, rd = _drops(B, 3, 4, drop)
    kern, fn = ACTS[act]
    kw = dict(activation=kern, mask=m, go_backwards=back, in_drop=ind, rec_drop=rd)
    seq, h = R.simple_rnn(Tensor(x), Tensor(w), Tensor(u), Tensor(b), Tensor(h0), **kw)
    ref_seq, (ref_h,) = ref_simple_rnn(x, w, u, b, h0, fn, mask=m, go_backwards=back,
                                       in_drop=ind, rec_drop=rd)
    np.testing.assert_allclose(seq.data, ref_seq, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(h.data, ref_h, rtol=1e-10, atol=1e-12)
    gradient_check(lambda *a: _loss(*R.simple_rnn(*a, **kw)), x, w, u, b, h0)


def test_simple_rnn_without_bias_or_initial_state_and_float32():
    x, w, u, b, h0, _ = _data(2)
    seq, h = R.simple_rnn(Tensor(x), Tensor(w), Tensor(u), None, None, activation=Tanh())
    ref_seq, _ = ref_simple_rnn(x, w, u, 0.0, np.zeros((2, 4)), np.tanh)
    np.testing.assert_allclose(seq.data, ref_seq, rtol=1e-10)
    gradient_check(lambda *a: _loss(*R.simple_rnn(*a, None, None, activation=Tanh())), x, w, u)
    f32 = [a.astype(np.float32) for a in (x, w, u, b)]
    seq32, _ = R.simple_rnn(*map(Tensor, f32), None, activation=Sigmoid())
    assert seq32.dtype == np.float32
    np.testing.assert_allclose(seq32.data, ref_simple_rnn(x, w, u, b, np.zeros((2, 4)),
                                                          sigmoid)[0], rtol=2e-5)


def test_zero_output_for_mask_and_fully_masked_rows():
    x, w, u, b, h0, mask = _data(3)
    mask[1] = False                       # a sequence with no real step keeps h0
    seq, h = R.simple_rnn(Tensor(x), Tensor(w), Tensor(u), Tensor(b), Tensor(h0),
                          activation=Tanh(), mask=mask, zero_output_for_mask=True)
    ref_seq, (ref_h,) = ref_simple_rnn(x, w, u, b, h0, np.tanh, mask=mask, zero_output=True)
    np.testing.assert_allclose(seq.data, ref_seq, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(h.data[1], h0[1])
    assert np.all(seq.data[~mask] == 0)
    gradient_check(lambda *a: _loss(*R.simple_rnn(*a, activation=Tanh(), mask=mask,
                                                  zero_output_for_mask=True)), x, w, u, b, h0)


# --- LSTM -----------------------------------------------------------------------------------

@pytest.mark.parametrize("B", [1, 3])
@pytest.mark.parametrize("masked,back,drop", [(False, False, False), (True, False, True),
                                              (True, True, False), (False, True, True)])
def test_lstm_matches_keras_math_and_gradients(B, masked, back, drop):
    x, w, u, b, h0, mask = _data(B, gates=4)
    c0 = np.random.default_rng(9).standard_normal((B, 4))
    m = mask if masked else None
    ind, rd = _drops(B, 3, 4, drop)
    kw = dict(activation=Tanh(), recurrent_activation=Sigmoid(), mask=m, go_backwards=back,
              in_drop=ind, rec_drop=rd)
    seq, h, c = R.lstm(*map(Tensor, (x, w, u, b, h0, c0)), **kw)
    ref_seq, (ref_h, ref_c) = ref_lstm(x, w, u, b, h0, c0, mask=m, go_backwards=back,
                                       in_drop=ind, rec_drop=rd)
    np.testing.assert_allclose(seq.data, ref_seq, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(h.data, ref_h, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(c.data, ref_c, rtol=1e-10, atol=1e-12)
    gradient_check(lambda *a: _loss(*R.lstm(*a, **kw)), x, w, u, b, h0, c0)


@pytest.mark.parametrize("act,ract", [("sigmoid", "tanh"), ("elu", "sigmoid"),
                                      ("tanh", "linear")])
def test_lstm_other_activations(act, ract):
    """Any elementwise activations take the general path (pre-activations kept)."""
    x, w, u, b, h0, mask = _data(2, gates=4)
    c0 = np.zeros((2, 4))
    kw = dict(activation=ACTS[act][0], recurrent_activation=ACTS[ract][0], mask=mask)
    seq, h, c = R.lstm(*map(Tensor, (x, w, u, b, h0, c0)), **kw)
    ref_seq, (ref_h, ref_c) = ref_lstm(x, w, u, b, h0, c0, act=ACTS[act][1],
                                       ract=ACTS[ract][1], mask=mask)
    np.testing.assert_allclose(seq.data, ref_seq, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(c.data, ref_c, rtol=1e-10, atol=1e-12)
    gradient_check(lambda *a: _loss(*R.lstm(*a, **kw)), x, w, u, b, h0, c0)


def test_lstm_without_bias_or_states():
    x, w, u, _, _, _ = _data(2, gates=4)
    kw = dict(activation=Tanh(), recurrent_activation=Sigmoid())
    seq, h, c = R.lstm(Tensor(x), Tensor(w), Tensor(u), None, None, None, **kw)
    ref_seq, _ = ref_lstm(x, w, u, 0.0, np.zeros((2, 4)), np.zeros((2, 4)))
    np.testing.assert_allclose(seq.data, ref_seq, rtol=1e-10, atol=1e-12)
    gradient_check(lambda *a: _loss(*R.lstm(*a, None, None, None, **kw)), x, w, u)


# --- GRU ------------------------------------------------------------------------------------

@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("B", [1, 3])
@pytest.mark.parametrize("masked,back,drop", [(False, False, False), (True, True, True),
                                              (True, False, True)])
def test_gru_matches_keras_math_and_gradients(reset_after, B, masked, back, drop):
    x, w, u, b, h0, mask = _data(B, gates=3, bias_shape=(2, 12) if reset_after else (12,))
    m = mask if masked else None
    ind, rd = _drops(B, 3, 4, drop)
    kw = dict(activation=Tanh(), recurrent_activation=Sigmoid(), reset_after=reset_after,
              mask=m, go_backwards=back, in_drop=ind, rec_drop=rd)
    seq, h = R.gru(*map(Tensor, (x, w, u, b, h0)), **kw)
    ref_seq, (ref_h,) = ref_gru(x, w, u, b, h0, reset_after, mask=m, go_backwards=back,
                                in_drop=ind, rec_drop=rd)
    np.testing.assert_allclose(seq.data, ref_seq, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(h.data, ref_h, rtol=1e-10, atol=1e-12)
    gradient_check(lambda *a: _loss(*R.gru(*a, **kw)), x, w, u, b, h0)


@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_other_activations_and_no_bias(reset_after):
    x, w, u, b, h0, mask = _data(2, gates=3, bias_shape=(2, 12) if reset_after else (12,))
    kw = dict(activation=ELU(), recurrent_activation=Tanh(), reset_after=reset_after,
              mask=mask)
    seq, _ = R.gru(*map(Tensor, (x, w, u, b, h0)), **kw)
    ref_seq, _ = ref_gru(x, w, u, b, h0, reset_after, act=ACTS["elu"][1], ract=np.tanh,
                         mask=mask)
    np.testing.assert_allclose(seq.data, ref_seq, rtol=1e-10, atol=1e-12)
    gradient_check(lambda *a: _loss(*R.gru(*a, **kw)), x, w, u, b, h0)
    zero_b = np.zeros((2, 12) if reset_after else (12,))
    kw["mask"] = None
    seq, _ = R.gru(Tensor(x), Tensor(w), Tensor(u), None, None, **kw)
    ref_seq, _ = ref_gru(x, w, u, zero_b, np.zeros((2, 4)), reset_after, act=ACTS["elu"][1],
                         ract=np.tanh)
    np.testing.assert_allclose(seq.data, ref_seq, rtol=1e-10, atol=1e-12)
    gradient_check(lambda *a: _loss(*R.gru(*a, None, None, **kw)), x, w, u)


def test_only_requested_gradients_are_computed():
    """Constant inputs (the data, a missing initial state) get no gradient array."""
    x, w, u, b, h0, _ = _data(2, gates=4)
    xt, wt = Tensor(x), Tensor(w, requires_grad=True)
    seq, h, c = R.lstm(xt, wt, Tensor(u), Tensor(b), None, None, activation=Tanh(),
                       recurrent_activation=Sigmoid())
    h.sum().backward()
    assert xt.grad is None and wt.grad.shape == w.shape


@pytest.mark.parametrize("B", [1, 3])
def test_gradients_through_the_last_states_only(B):
    """return_sequences=False: no sequence gradient reaches the scans."""
    x, w, u, b, h0, mask = _data(B, gates=4)
    c0 = np.ones((B, 4)) * 0.3
    kw = dict(activation=Tanh(), recurrent_activation=Sigmoid(), mask=mask, go_backwards=True)
    gradient_check(lambda *a: (lambda s, h, c: (h * h).sum() + (c * h).sum())(
        *R.lstm(*a, **kw)), x, w, u, b, h0, c0)
    x, w, u, b, h0, mask = _data(B, gates=3, bias_shape=(2, 12))
    gradient_check(lambda *a: (lambda s, h: (h * h * h).sum())(
        *R.gru(*a, activation=Tanh(), recurrent_activation=Sigmoid(), mask=mask)),
        x, w, u, b, h0)
    x, w, u, b, h0, mask = _data(B)
    gradient_check(lambda *a: (lambda s, h: (h * h * h).sum())(
        *R.simple_rnn(*a, activation=Sigmoid(), mask=mask)), x, w, u, b, h0)
