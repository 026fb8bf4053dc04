"""Convolution and pooling ops against direct-loop references of Keras's definitions,
and their float64 gradient checks."""
import itertools
import math

import numpy as np
import pytest

from lamina.autodiff import Tensor, gradient_check, no_grad
from lamina.backend import im2col
from lamina.ops import activations as A
from lamina.ops import conv as C
from lamina.ops import pooling as P

# --- direct-loop references (TensorFlow / Keras semantics, channels_last) -------------

def ref_pads(spatial, kernel, strides, padding, dilation):
    """Keras's padding and output sizes, written out independently of lamina."""
    pads, out = [], []
    for n, k, s, d in zip(spatial, kernel, strides, dilation):
        keff = (k - 1) * d + 1
        if padding == "valid":
            pads.append((0, 0))
            out.append((n - keff) // s + 1)
        elif padding == "causal":
            pads.append((keff - 1, 0))
            out.append((n - 1) // s + 1)
        else:
            o = -(-n // s)
            total = max((o - 1) * s + keff - n, 0)
            pads.append((total // 2, total - total // 2))
            out.append(o)
    return pads, out


def ref_conv(x, w, b=None, strides=None, padding="valid", dilation=None):
    nd = x.ndim - 2
    kernel = w.shape[:nd]
    strides = strides or (1,) * nd
    dilation = dilation or (1,) * nd
    pads, out = ref_pads(x.shape[1:-1], kernel, strides, padding, dilation)
    xp = np.pad(x, [(0, 0)] + pads + [(0, 0)])
    cin, cg, o = x.shape[-1], w.shape[-2], w.shape[-1]
    groups = cin // cg
    og = o // groups
    y = np.zeros((x.shape[0], *out, o))
    for n in range(x.shape[0]):
        for pos in itertools.product(*map(range, out)):
            for f in range(o):
                g = f // og
                acc = 0.0 if b is None else b[f]
                for kk in itertools.product(*map(range, kernel)):
                    src = tuple(p * s + k * d for p, s, k, d in zip(pos, strides, kk, dilation))
                    acc += xp[(n,) + src][g * cg:(g + 1) * cg] @ w[kk][:, f]
                y[(n,) + pos + (f,)] = acc
    return y


def ref_conv_transpose(x, w, strides, padding, output_padding=None, dilation=None):
    """Scatter every input position through the kernel (w: *k, out, in), then crop as
    TensorFlow's conv_transpose (the gradient of a conv) does for Keras's output size."""
    nd = x.ndim - 2
    kernel = w.shape[:nd]
    dilation = dilation or (1,) * nd
    o = w.shape[-2]
    keff = [(k - 1) * d + 1 for k, d in zip(kernel, dilation)]
    full_len = [(n - 1) * s + ke for n, s, ke in zip(x.shape[1:-1], strides, keff)]
    full = np.zeros((x.shape[0], *full_len, o))
    for n in range(x.shape[0]):
        for pos in itertools.product(*map(range, x.shape[1:-1])):
            for kk in itertools.product(*map(range, kernel)):
                dst = tuple(p * s + k * d for p, s, k, d in zip(pos, strides, kk, dilation))
                full[(n,) + dst] += w[kk] @ x[(n,) + pos]
    outs, lefts = [], []
    for i, (n, s, ke) in enumerate(zip(x.shape[1:-1], strides, keff)):
        op = None if output_padding is None else output_padding[i]
        if padding == "valid":
            out = (n - 1) * s + ke + (max(ke, s) - ke if op is None else op)
            left = 0
        else:
            out = n * s if op is None else (n - 1) * s + ke % 2 + op
            left = max((n - 1) * s + ke - out, 0) // 2
        outs.append(out)
        lefts.append(left)
    y = np.zeros((x.shape[0], *outs, o))
    for pos in itertools.product(*map(range, outs)):
        src = tuple(p + l for p, l in zip(pos, lefts))
        if all(s < f for s, f in zip(src, full_len)):
            y[(slice(None),) + pos] = full[(slice(None),) + src]
    return y


def ref_pool(x, pool, strides, padding, kind):
    nd = x.ndim - 2
    pads, out = ref_pads(x.shape[1:-1], pool, strides, padding, (1,) * nd)
    y = np.zeros((x.shape[0], *out, x.shape[-1]))
    for pos in itertools.product(*map(range, out)):
        idx = [slice(None)]
        for p, s, k, (l, _), n in zip(pos, strides, pool, pads, x.shape[1:-1]):
            lo = p * s - l
            idx.append(slice(max(lo, 0), min(lo + k, n)))
        win = x[tuple(idx)].reshape(x.shape[0], -1, x.shape[-1])
        y[(slice(None),) + pos] = win.max(axis=1) if kind == "max" else win.mean(axis=1)
    return y


def _rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def T(a):
    return Tensor(np.asarray(a))


# --- forward values ---------------------------------------------------------------------

CONV_CASES = [
    # (input shape, kernel shape, strides, padding, dilation)
    ((2, 6, 3), (3, 3, 4), 1, "valid", 1),
    ((2, 7, 2), (3, 2, 3), 2, "same", 1),
    ((2, 7, 2), (2, 2, 3), 1, "causal", 2),
    ((2, 6, 6, 3), (3, 3, 3, 4), 1, "valid", 1),
    ((2, 7, 6, 2), (3, 2, 2, 3), (2, 3), "same", 1),
    ((1, 8, 8, 2), (3, 3, 2, 2), 1, "same", (2, 3)),
    ((2, 6, 6, 4), (3, 3, 2, 6), 1, "same", 1),            # groups = 2
    ((1, 6, 6, 4), (2, 2, 1, 4), 2, "valid", 1),            # groups = 4
    ((1, 5, 4, 6, 2), (2, 3, 2, 2, 3), (1, 2, 2), "same", 1),
    ((1, 5, 5, 5, 2), (2, 2, 2, 2, 2), 1, "valid", (2, 1, 2)),
]


@pytest.mark.parametrize("xs,ws,strides,padding,dilation", CONV_CASES)
def test_conv_matches_direct_loops(xs, ws, strides, padding, dilation):
    nd = len(xs) - 2
    x, w, b = _rand(*xs), _rand(*ws, seed=1), _rand(ws[-1], seed=2)
    st = C._tuple(strides, nd, "s")
    dl = C._tuple(dilation, nd, "d")
    y = C.conv(T(x), T(w), T(b), strides, padding, dilation_rate=dilation)
    np.testing.assert_allclose(y.data, ref_conv(x, w, b, st, padding, dl), rtol=1e-10, atol=1e-10)


def test_conv_channels_first_and_float32():
    x, w = _rand(2, 7, 7, 3).astype(np.float32), _rand(3, 3, 3, 5, seed=1).astype(np.float32)
    y_last = C.conv(T(x), T(w), padding="same", strides=2)
    y_first = C.conv(T(x.transpose(0, 3, 1, 2)), T(w), padding="same", strides=2,
                     data_format="channels_first")
    assert y_last.dtype == np.float32 and y_first.shape == (2, 5, 4, 4)
    np.testing.assert_allclose(y_first.data.transpose(0, 2, 3, 1), y_last.data, rtol=1e-6)


def test_conv_fused_activations():
    x, w, b = _rand(2, 6, 6, 2), _rand(3, 3, 2, 3, seed=1), _rand(3, seed=2)
    ref = ref_conv(x, w, b)
    np.testing.assert_allclose(C.conv(T(x), T(w), T(b), activation=A.ReLU()).data,
                               np.maximum(ref, 0), rtol=1e-10)
    np.testing.assert_allclose(C.conv(T(x), T(w), T(b), activation=A.Tanh()).data,
                               np.tanh(ref), rtol=1e-10)
    y = C.conv(T(x), T(w), T(b), activation=A.Softmax())  # the logits stay reachable
    np.testing.assert_allclose(y.data.sum(-1), 1.0)
    assert y._logits is not None


def test_depthwise_and_separable_match_loops():
    x = _rand(2, 6, 5, 3)
    dw = _rand(3, 2, 3, 2, seed=1)       # (kh, kw, in, depth_multiplier)
    pw = _rand(1, 1, 6, 4, seed=2)
    y = C.depthwise_conv(T(x), T(dw), padding="same")
    ref = np.zeros(y.shape)
    for c in range(3):
        for m in range(2):
            ref[..., c * 2 + m] = ref_conv(x[..., c:c + 1], dw[:, :, c:c + 1, m:m + 1],
                                           padding="same")[..., 0]
    np.testing.assert_allclose(y.data, ref, rtol=1e-10, atol=1e-12)
    s = C.separable_conv(T(x), T(dw), T(pw), T(np.arange(4.0)), padding="same")
    np.testing.assert_allclose(s.data, ref @ pw[0, 0] + np.arange(4.0), rtol=1e-10)


TRANSPOSE_CASES = [
    # (input shape, kernel (*k, out, in), strides, padding, output_padding, dilation)
    ((2, 5, 3), (3, 2, 3), 2, "valid", None, 1),
    ((2, 5, 3), (3, 2, 3), 2, "same", None, 1),
    ((2, 4, 2), (4, 3, 2), 2, "same", None, 1),
    ((2, 4, 2), (1, 2, 2), 3, "valid", None, 1),
    ((2, 4, 2), (1, 2, 2), 2, "same", None, 1),
    ((1, 4, 2), (3, 2, 2), 2, "same", 1, 1),
    ((1, 4, 2), (4, 2, 2), 3, "valid", 2, 1),
    ((1, 5, 2), (3, 2, 2), 1, "same", None, 2),
    ((2, 3, 4, 2), (3, 3, 3, 2), (2, 1), "same", None, 1),
    ((1, 3, 3, 2), (2, 3, 2, 2), 2, "valid", (1, 0), 1),
    ((1, 2, 3, 2, 2), (2, 2, 2, 2, 2), 2, "same", None, 1),
]


@pytest.mark.parametrize("xs,ws,strides,padding,op,dilation", TRANSPOSE_CASES)
def test_conv_transpose_matches_loops(xs, ws, strides, padding, op, dilation):
    nd = len(xs) - 2
    x, w = _rand(*xs), _rand(*ws, seed=1)
    st = C._tuple(strides, nd, "s")
    ops_ = None if op is None else C._tuple(op, nd, "o")
    y = C.conv_transpose(T(x), T(w), None, strides, padding, op, dilation_rate=dilation)
    ref = ref_conv_transpose(x, w, st, padding, ops_, C._tuple(dilation, nd, "d"))
    assert y.shape == ref.shape
    np.testing.assert_allclose(y.data, ref, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_conv_transpose_is_the_adjoint_of_conv(padding):
    """<conv_transpose(x), y> == <x, conv(y)> with the kernel's last two axes swapped."""
    x, w = _rand(2, 4, 5, 3), _rand(3, 3, 2, 3, seed=1)   # (kh, kw, out=2, in=3)
    up = C.conv_transpose(T(x), T(w), strides=2, padding=padding).data
    y = _rand(*up.shape, seed=2)
    down = C.conv(T(y), T(w), strides=2, padding=padding).data
    assert down.shape == x.shape
    np.testing.assert_allclose((up * y).sum(), (x * down).sum(), rtol=1e-10)


def test_locally_connected_matches_loops():
    x = _rand(2, 5, 4, 3)
    out = (2, 3)
    w = _rand(6, 2 * 2 * 3, 4, seed=1)  # (positions, kh*kw*in, filters)
    b = _rand(2, 3, 4, seed=2)
    y = C.locally_connected(T(x), T(w), T(b), kernel_size=(2, 2), strides=(2, 1))
    ref = np.zeros((2, *out, 4))
    for i, j in itertools.product(range(2), range(3)):
        patch = x[:, i * 2:i * 2 + 2, j:j + 2, :].reshape(2, -1)       # (kh, kw, c) order
        ref[:, i, j] = patch @ w[i * 3 + j] + b[i, j]
    np.testing.assert_allclose(y.data, ref, rtol=1e-10)
    # channels_first: Keras 2 flattened each window as (c, kh, kw)
    xf = x.transpose(0, 3, 1, 2)
    yf = C.locally_connected(T(xf), T(w), T(b), kernel_size=(2, 2), strides=(2, 1),
                             data_format="channels_first")
    for i, j in itertools.product(range(2), range(3)):
        patch = xf[:, :, i * 2:i * 2 + 2, j:j + 2].reshape(2, -1)
        ref[:, i, j] = patch @ w[i * 3 + j] + b[i, j]
    np.testing.assert_allclose(yf.data, ref.transpose(0, 3, 1, 2), rtol=1e-10)


POOL_CASES = [
    ((2, 7, 3), 2, None, "valid"),
    ((2, 7, 3), 3, 2, "same"),
    ((2, 6, 6, 2), 2, None, "valid"),
    ((1, 5, 7, 2), 2, None, "valid"),
    ((2, 7, 5, 2), (3, 2), (2, 1), "same"),
    ((1, 5, 5, 2), 3, 1, "valid"),
    ((1, 4, 5, 3, 2), 2, None, "same"),
]


@pytest.mark.parametrize("xs,pool,strides,padding", POOL_CASES)
@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pooling_matches_loops(xs, pool, strides, padding, kind):
    nd = len(xs) - 2
    x = _rand(*xs)
    fn = P.max_pool if kind == "max" else P.average_pool
    y = fn(T(x), pool, strides, padding)
    p = C._tuple(pool, nd, "p")
    s = p if strides is None else C._tuple(strides, nd, "s")
    np.testing.assert_allclose(y.data, ref_pool(x, p, s, padding, kind), rtol=1e-12)
    # channels_first gives the same numbers
    perm = (0, nd + 1) + tuple(range(1, nd + 1))
    yf = fn(T(x.transpose(perm)), pool, strides, padding, data_format="channels_first")
    np.testing.assert_allclose(yf.data, y.data.transpose(perm))


@pytest.mark.parametrize("window,first", [
    ([[1.0, 1.0], [1.0, 0.0]], (0, 0)), ([[0.0, 2.0], [2.0, 2.0]], (0, 1)),
    ([[0.0, 1.0], [3.0, 3.0]], (1, 0)), ([[3.0, 0.0], [0.0, 3.0]], (0, 0)),
    ([[0.0, 0.0], [0.0, 0.0]], (0, 0))])
@pytest.mark.parametrize("pool,strides", [(2, None), (2, 1)])   # the 2x2 fast path and general
def test_max_pool_gradient_goes_to_the_first_maximum_on_ties(window, first, pool, strides):
    x = Tensor(np.array(window).reshape(1, 2, 2, 1), requires_grad=True)
    P.max_pool(x, pool, strides).sum().backward()
    expected = np.zeros((2, 2))
    expected[first] = 1.0
    np.testing.assert_array_equal(x.grad[0, :, :, 0], expected)


@pytest.mark.parametrize("shape,moved", [((3, 7, 9, 4), False), ((2, 6, 6, 3), False),
                                         ((4, 11, 11, 5), False), ((2, 5, 7, 3), True)])
def test_max_pool_2x2_fast_path_matches_the_general_path(shape, moved, monkeypatch):
    # odd sizes leave a last row/column out; integer values give many ties; `moved` is
    # channels_first data seen as channels_last (a transposed, non-contiguous view)
    x = np.random.default_rng(0).integers(-2, 3, size=shape).astype(np.float32)
    if moved:
        x = np.ascontiguousarray(x.transpose(0, 3, 1, 2)).transpose(0, 2, 3, 1)
    g = np.random.default_rng(1).standard_normal(
        (shape[0], shape[1] // 2, shape[2] // 2, shape[3])).astype(np.float32)

    def run():
        m, state = im2col.max_pool(x, (2, 2), (2, 2), "valid", with_argmax=True)
        return m, im2col.max_pool_backward(g, state, shape, (2, 2), (2, 2), "valid")

    fast_m, fast_gx = run()
    monkeypatch.setattr(im2col, "_is_pairwise", lambda *a: False)
    general_m, general_gx = run()
    np.testing.assert_array_equal(fast_m, general_m)
    np.testing.assert_array_equal(fast_gx, general_gx)


# --- gradient checks (float64) -----------------------------------------------------------

@pytest.mark.parametrize("xs,ws,strides,padding,dilation", CONV_CASES[:8])
def test_conv_gradients(xs, ws, strides, padding, dilation):
    x, w, b = _rand(*xs), _rand(*ws, seed=1), _rand(ws[-1], seed=2)
    gradient_check(lambda x, w, b: C.conv(x, w, b, strides, padding, dilation_rate=dilation,
                                          activation=A.Tanh()), x, w, b)


def test_conv_gradients_relu_channels_first_3d():
    x, w, b = _rand(1, 2, 4, 4, 3), _rand(2, 2, 2, 2, 2, seed=1), _rand(2, seed=2) + 0.3
    gradient_check(lambda x, w, b: C.conv(x, w, b, 1, "same", "channels_first",
                                          activation=A.ReLU()), x, w, b)


@pytest.mark.parametrize("xs,ws,strides,padding,op,dilation", TRANSPOSE_CASES[::2])
def test_conv_transpose_gradients(xs, ws, strides, padding, op, dilation):
    x, w, b = _rand(*xs), _rand(*ws, seed=1), _rand(ws[-2], seed=2)
    gradient_check(lambda x, w, b: C.conv_transpose(x, w, b, strides, padding, op,
                                                    dilation_rate=dilation,
                                                    activation=A.Sigmoid()), x, w, b)


def test_depthwise_separable_locally_connected_gradients():
    x = _rand(1, 5, 4, 2)
    dw, pw, b = _rand(2, 2, 2, 2, seed=1), _rand(1, 1, 4, 3, seed=2), _rand(3, seed=3)
    gradient_check(lambda x, dw, pw, b: C.separable_conv(x, dw, pw, b, 1, "same",
                                                         dilation_rate=(1, 2)), x, dw, pw, b)
    w, bl = _rand(6, 8, 3, seed=4), _rand(2, 3, 3, seed=5)
    gradient_check(lambda x, w, b: C.locally_connected(x, w, b, (2, 2), (2, 1),
                                                       activation=A.ELU()), x, w, bl)
    xf = _rand(1, 2, 5, 4)
    gradient_check(lambda x, w, b: C.locally_connected(x, w, b, (2, 2), (2, 1),
                                                       "channels_first"), xf, w, bl)


@pytest.mark.parametrize("xs,pool,strides,padding", POOL_CASES)
@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pooling_gradients(xs, pool, strides, padding, kind):
    fn = P.max_pool if kind == "max" else P.average_pool
    gradient_check(lambda x: fn(x, pool, strides, padding), _rand(*xs))


# --- geometry and errors ---------------------------------------------------------------------

def test_geometry_helpers():
    assert im2col.conv_output_length(28, 3, "valid", 1) == 26
    assert im2col.conv_output_length(7, 3, "same", 2) == 4
    assert im2col.conv_output_length(None, 3, "same", 2) is None
    assert im2col.padding_amounts(6, 3, "same", 2) == (0, 1)   # TF: the extra zero goes right
    assert im2col.padding_amounts(5, 3, "causal", 1, 2) == (4, 0)
    assert im2col.conv_transpose_geometry(5, 3, "same", 2) == (10, 0)
    assert im2col.conv_transpose_geometry(5, 4, "same", 2) == (10, 1)
    assert im2col.conv_transpose_geometry(5, 1, "valid", 3) == (15, 0)
    w = im2col.windows(np.arange(16.0).reshape(1, 4, 4, 1), (2, 2), (3, 3), (1, 1), (1, 1))
    assert w.shape == (1, 2, 2, 3, 3, 1) and w[0, 1, 1, 0, 0, 0] == 5.0


def test_conv_op_errors():
    x = T(np.zeros((1, 4, 4, 2)))
    with pytest.raises(ValueError, match=r"kernel.*larger.*\(4, 4\)"):
        C.conv(x, T(np.zeros((5, 5, 2, 1))))
    with pytest.raises(ValueError, match="channels"):
        C.conv(x, T(np.zeros((3, 3, 3, 2))))
    with pytest.raises(ValueError, match="larger"):
        P.max_pool(x, 5)


def test_col2im_is_the_adjoint_of_windows():
    xp = _rand(2, 7, 6, 3)
    kernel, strides, dil = (3, 2), (2, 1), (1, 2)
    out = tuple(math.floor((n - (k - 1) * d - 1) / s) + 1
                for n, k, s, d in zip(xp.shape[1:-1], kernel, strides, dil))
    v = im2col.windows(xp, out, kernel, strides, dil)
    c = _rand(*v.shape, seed=1)
    back = im2col.col2im(c, xp.shape, kernel, strides, dil)
    np.testing.assert_allclose((v * c).sum(), (xp * back).sum(), rtol=1e-12)


def test_blocked_convolution_matches_one_block(monkeypatch):
    """The dense convolution runs over blocks of images; tiny blocks (one image, and block
    edges inside the batch) give the numbers and gradients of a single block."""
    x, w, b = _rand(5, 6, 6, 2), _rand(3, 3, 2, 3, seed=1), _rand(3, seed=2)
    x1, w1 = _rand(5, 6, 6, 8, seed=3), _rand(3, 3, 8, 3, seed=4)
    whole = [C.conv(T(x), T(w), T(b), activation=A.ReLU()).data,
             C.conv(T(x1), T(w1), T(b), 2, "same").data]
    monkeypatch.setattr(C, "CHUNK_ROWS", 40)   # 1 image of 36 rows, or 2 of 9 per block
    blocked = [C.conv(T(x), T(w), T(b), activation=A.ReLU()).data,
               C.conv(T(x1), T(w1), T(b), 2, "same").data]
    for one, many in zip(whole, blocked):
        np.testing.assert_allclose(many, one, rtol=1e-12)
    gradient_check(lambda x, w, b: C.conv(x, w, b, activation=A.ReLU()), x, w, b + 0.5)
    gradient_check(lambda x, w, b: C.conv(x, w, b, 2, "same", activation=A.Tanh()), x1, w1, b)
    gradient_check(lambda x, w: C.conv(x, w, None, 1, "same"), x1, w1)


def test_malloc_tuning_runs_once_and_can_be_turned_off(monkeypatch):
    from lamina.backend import memory
    monkeypatch.setattr(memory, "_done", False)
    monkeypatch.setenv("LAMINA_MALLOC_TUNING", "0")
    assert memory.keep_freed_memory() is False       # turned off: nothing tuned
    assert memory.keep_freed_memory() is False       # and only tried once


@pytest.mark.parametrize("xs,ws,padding,strides", [
    ((3, 9, 8, 2), (3, 3, 2, 4), "valid", 1), ((2, 7, 7, 3), (2, 2, 3, 5), "same", 1),
    ((2, 11, 12, 2), (3, 3, 2, 3), "valid", 2)])
def test_conv_max_pool_2x2_is_conv_then_pool_exactly(xs, ws, padding, strides):
    # integer-valued data: many ties in the pooling windows
    rng = np.random.default_rng(0)
    x = rng.integers(-2, 3, size=xs).astype(np.float64)
    w, b = np.round(rng.standard_normal(ws) * 4) / 4, np.round(rng.standard_normal(ws[-1]) * 4) / 4

    def run(fn):
        ts = [Tensor(a, requires_grad=True) for a in (x, w, b)]
        y = fn(*ts)
        (y * y).sum().backward()
        return y.data, [t.grad for t in ts]

    fused, fused_grads = run(lambda x, w, b: C.conv_max_pool_2x2(x, w, b, strides, padding))
    plain, plain_grads = run(lambda x, w, b: P.max_pool(C.conv(x, w, b, strides, padding), 2))
    np.testing.assert_array_equal(fused, plain)
    with no_grad():   # inference skips the routing the backward pass would need
        inferred = C.conv_max_pool_2x2(Tensor(x), Tensor(w), Tensor(b), strides, padding)
    np.testing.assert_array_equal(inferred.data, plain)
    for a, p in zip(fused_grads, plain_grads):
        np.testing.assert_array_equal(a, p)


def test_conv_max_pool_2x2_gradients_and_blocks(monkeypatch):
    monkeypatch.setattr(C, "CHUNK_ROWS", 40)   # several blocks of images
    x, w, b = _rand(5, 8, 7, 2), _rand(3, 3, 2, 3, seed=1), _rand(3, seed=2)
    gradient_check(lambda x, w, b: C.conv_max_pool_2x2(x, w, b), x, w, b)
    gradient_check(lambda x, w: C.conv_max_pool_2x2(x, w, padding="same"), x, w)
    with pytest.raises(ValueError, match="smaller than the 2x2 pooling window"):
        C.conv_max_pool_2x2(Tensor(np.zeros((1, 3, 3, 1))), Tensor(np.zeros((3, 3, 1, 1))))
