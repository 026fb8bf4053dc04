"""keras.ops names on lamina: values as NumPy / Keras compute them, gradients checked in
float64, no gradient through the discrete ops."""
import numpy as np
import pytest

from lamina import ops
from lamina.autodiff import Tensor, gradient_check

R = np.random.default_rng(7)


def rand(*shape, low=-2.0, high=2.0):
    return R.uniform(low, high, shape)


def pos(*shape):
    return R.uniform(0.5, 2.0, shape)


def distinct(*shape):
    return R.permutation(int(np.prod(shape))).reshape(shape) / 7.0 - 1.0


UNARY = {
    "exp": (ops.exp, rand), "log": (ops.log, pos), "sqrt": (ops.sqrt, pos),
    "square": (ops.square, rand), "abs": (ops.abs, pos), "absolute": (ops.absolute, pos),
    "negative": (ops.negative, rand), "log1p": (ops.log1p, pos), "expm1": (ops.expm1, rand),
    "log2": (ops.log2, pos), "log10": (ops.log10, pos), "sin": (ops.sin, rand),
    "cos": (ops.cos, rand), "tan": (ops.tan, lambda *s: rand(*s, low=-1, high=1)),
    "tanh": (ops.tanh, rand), "sinh": (ops.sinh, rand), "cosh": (ops.cosh, rand),
    "arcsin": (ops.arcsin, lambda *s: rand(*s, low=-0.9, high=0.9)),
    "arccos": (ops.arccos, lambda *s: rand(*s, low=-0.9, high=0.9)),
    "arctan": (ops.arctan, rand), "arcsinh": (ops.arcsinh, rand),
    "arctanh": (ops.arctanh, lambda *s: rand(*s, low=-0.9, high=0.9)),
    "reciprocal": (ops.reciprocal, pos), "rsqrt": (ops.rsqrt, pos), "cbrt": (ops.cbrt, pos),
    "erf": (ops.erf, rand), "relu": (ops.relu, pos), "relu6": (ops.relu6, pos),
    "sigmoid": (ops.sigmoid, rand), "softplus": (ops.softplus, rand),
    "softsign": (ops.softsign, rand), "silu": (ops.silu, rand), "swish": (ops.swish, rand),
    "gelu": (ops.gelu, rand), "gelu_exact": (lambda x: ops.gelu(x, approximate=False), rand),
    "elu": (ops.elu, pos), "selu": (ops.selu, pos), "leaky_relu": (ops.leaky_relu, pos),
    "log_sigmoid": (ops.log_sigmoid, rand), "hard_sigmoid": (ops.hard_sigmoid, pos),
    "hard_silu": (ops.hard_silu, pos), "softmax": (ops.softmax, rand),
    "softmax_axis0": (lambda x: ops.softmax(x, axis=0), rand),
    "log_softmax": (ops.log_softmax, rand), "ravel": (ops.ravel, rand),
    "sort": (lambda x: ops.sort(x, axis=0), distinct),
    "clip": (lambda x: ops.clip(x, -0.5, 0.5), rand),
    "cumsum": (lambda x: ops.cumsum(x, axis=1), rand), "cumsum_flat": (ops.cumsum, rand),
    "flip": (lambda x: ops.flip(x, 1), rand), "roll": (lambda x: ops.roll(x, 2, axis=1), rand),
    "moveaxis": (lambda x: ops.moveaxis(x, 0, -1), rand),
    "swapaxes": (lambda x: ops.swapaxes(x, 0, 1), rand),
    "transpose": (ops.transpose, rand), "reshape": (lambda x: ops.reshape(x, (4, 3)), rand),
    "expand_dims": (lambda x: ops.expand_dims(x, 1), rand),
    "broadcast_to": (lambda x: ops.broadcast_to(x, (2, 3, 4)), rand),
    "tile": (lambda x: ops.tile(x, (2, 1, 3)), rand), "repeat": (lambda x: ops.repeat(x, 2), rand),
    "repeat_axis": (lambda x: ops.repeat(x, [2, 0, 1], axis=0), rand),
    "repeat_int": (lambda x: ops.repeat(x, 2, axis=1), rand),
    "take": (lambda x: ops.take(x, [[0, 2], [2, 2]], axis=1), rand),
    "take_flat": (lambda x: ops.take(x, [5, 1, 5]), rand),
    "take_along_axis": (lambda x: ops.take_along_axis(x, np.array([[0, 0], [3, 1], [2, 2]]),
                                                      axis=1), rand),
    "pad": (lambda x: ops.pad(x, ((1, 0), (2, 1)), constant_values=3.0), rand),
    "slice": (lambda x: ops.slice(x, (1, 1), (2, 2)), rand),
    "split": (lambda x: tuple(ops.split(x, [1, 3], axis=1)), rand),
    "unstack": (lambda x: tuple(ops.unstack(x, axis=1)), rand),
    "var": (lambda x: ops.var(x, axis=1), rand), "std": (lambda x: ops.std(x, axis=0), rand),
    "var_all": (ops.var, rand), "mean_keep": (lambda x: ops.mean(x, 1, keepdims=True), rand),
    "sum": (lambda x: ops.sum(x, axis=[0, 1]), rand), "max": (ops.max, distinct),
    "amin": (lambda x: ops.amin(x, axis=0), distinct),
    "max_initial": (lambda x: ops.max(x, axis=1, initial=0.0), distinct),
    "logsumexp": (lambda x: ops.logsumexp(x, axis=1), rand), "logsumexp_all": (ops.logsumexp, rand),
    "norm": (ops.norm, rand), "norm_axis": (lambda x: ops.norm(x, axis=-1, keepdims=True), rand),
    "norm_1": (lambda x: ops.norm(x, ord=1, axis=0), pos),
    "norm_3": (lambda x: ops.norm(x, ord=3, axis=1), pos),
    "norm_inf": (lambda x: ops.norm(x, ord=np.inf, axis=1), distinct),
    "norm_fro": (lambda x: ops.norm(x, ord="fro", axis=(0, 1)), rand),
    "norm_mat1": (lambda x: ops.norm(x, ord=1, axis=(0, 1)), pos),
    "normalize": (ops.normalize, rand), "normalize_1": (lambda x: ops.normalize(x, order=1), pos),
    "moments": (lambda x: ops.moments(x, axes=[0]), rand),
    "top_k": (lambda x: ops.top_k(x, 2)[0], distinct),
    "average": (lambda x: ops.average(x, axis=1, weights=[1.0, 2.0, 3.0, 4.0]), rand),
    "where_scalar": (lambda x: ops.where(x > 0, x, 0.5), rand),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_gradients(name):
    op, make = UNARY[name]
    x = make(3, 4)
    if name == "broadcast_to":
        x = make(3, 1)
    assert gradient_check(op, x, atol=1e-5)


BINARY = {
    "divide_no_nan": (ops.divide_no_nan, rand, pos),  # at 0 by hand below
    "mod": (ops.mod, pos, lambda *s: pos(*s) + 0.3),
    "power": (ops.power, pos, rand), "maximum": (ops.maximum, distinct, rand),
    "minimum": (ops.minimum, distinct, rand), "true_divide": (ops.true_divide, rand, pos),
    "matmul": (lambda a, b: ops.matmul(a, ops.transpose(b)), rand, rand),
    "dot": (lambda a, b: ops.dot(a, ops.transpose(b)), rand, rand),
    "tensordot": (lambda a, b: ops.tensordot(a, b, axes=([1], [1])), rand, rand),
    "tensordot_2": (lambda a, b: ops.tensordot(a, b, axes=2), rand, rand),
    "outer": (ops.outer, rand, rand),
    "concatenate": (lambda a, b: ops.concatenate([a, b]), rand, rand),
    "stack": (lambda a, b: ops.stack([a, b], axis=1), rand, rand),
    "where": (lambda a, b: ops.where(a > b, a, b), distinct, rand),
}


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_gradients(name):
    op, make_a, make_b = BINARY[name]
    assert gradient_check(op, make_a(3, 4), make_b(3, 4), atol=1e-5)


def test_dot_beyond_matrices_and_tensordot_values():
    a, b = rand(2, 3, 4), rand(5, 4, 2)
    np.testing.assert_allclose(ops.dot(a, b).data, np.dot(a, b))
    assert gradient_check(ops.dot, a, b)
    np.testing.assert_allclose(ops.tensordot(a, b, axes=([2, 0], [1, 2])).data,
                               np.tensordot(a, b, axes=([2, 0], [1, 2])))


@pytest.mark.parametrize("from_logits", [False, True])
def test_crossentropies_values_and_gradients(from_logits):
    logits = rand(4, 3)
    p = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    out = logits if from_logits else p
    onehot = np.eye(3)[[0, 2, 1, 2]]
    expected = -(onehot * np.log(p)).sum(-1)
    cce = ops.categorical_crossentropy(onehot, out, from_logits=from_logits)
    np.testing.assert_allclose(cce.data, expected, rtol=1e-6)
    scce = ops.sparse_categorical_crossentropy([0, 2, 1, 2], out, from_logits=from_logits)
    np.testing.assert_allclose(scce.data, expected, rtol=1e-6)
    scce0 = ops.sparse_categorical_crossentropy([0, 2, 1, 2], ops.transpose(out),
                                                from_logits=from_logits, axis=0)
    np.testing.assert_allclose(scce0.data, expected, rtol=1e-6)
    t = R.uniform(0, 1, (4, 3))
    sig = 1 / (1 + np.exp(-logits))
    bce = ops.binary_crossentropy(t, logits if from_logits else sig, from_logits=from_logits)
    np.testing.assert_allclose(bce.data, -(t * np.log(sig) + (1 - t) * np.log(1 - sig)),
                               rtol=1e-6)
    assert gradient_check(lambda o: ops.categorical_crossentropy(onehot, o, from_logits), out)
    assert gradient_check(lambda o: ops.sparse_categorical_crossentropy([0, 2, 1, 2], o,
                                                                        from_logits), out)
    assert gradient_check(lambda tt, o: ops.binary_crossentropy(tt, o, from_logits), t,
                          logits if from_logits else sig)
    assert gradient_check(lambda tt, o: ops.categorical_crossentropy(tt, o, from_logits), t, out)


def test_crossentropy_errors():
    with pytest.raises(ValueError, match="same shape"):
        ops.binary_crossentropy(np.ones((2, 3)), np.full((2, 2), 0.5))
    with pytest.raises(ValueError, match=r"labels must be in \[0, 3\)"):
        ops.sparse_categorical_crossentropy([0, 3], np.full((2, 3), 1 / 3))


def test_discrete_ops_match_numpy_and_carry_no_gradient():
    x = Tensor(np.array([[0.5, -1.5, 2.5], [3.0, 3.0, -0.2]]), requires_grad=True)
    d = x.data
    cases = {
        ops.argmax(x, axis=1, keepdims=True): np.argmax(d, 1, keepdims=True),
        ops.argmin(x): np.argmin(d), ops.argsort(x): np.argsort(d, kind="stable"),
        ops.round(x): np.round(d), ops.floor(x): np.floor(d), ops.ceil(x): np.ceil(d),
        ops.sign(x): np.sign(d), ops.trunc(x): np.trunc(d),
        ops.equal(x, 3.0): d == 3, ops.not_equal(x, 3.0): d != 3, ops.greater(x, 0): d > 0,
        ops.greater_equal(x, 3): d >= 3, ops.less(x, 0): d < 0, ops.less_equal(x, 0.5): d <= .5,
        ops.logical_and(x > 0, x < 3): (d > 0) & (d < 3),
        ops.logical_or(x > 2, x < -1): (d > 2) | (d < -1), ops.logical_not(x > 0): d <= 0,
        ops.logical_xor(x > 0, x > 1): (d > 0) ^ (d > 1), ops.isnan(x): np.isnan(d),
        ops.floor_divide(x, 2): d // 2, ops.zeros_like(x): np.zeros_like(d),
        ops.ones_like(x, dtype="int32"): np.ones_like(d, dtype=np.int32),
        ops.full_like(x, 7): np.full_like(d, 7), ops.any(x > 2, axis=0): (d > 2).any(0),
        ops.all(x > -2): (d > -2).all(), ops.count_nonzero(x > 0, axis=1): [2, 2],
        ops.isclose(x, 3.0): np.isclose(d, 3.0), ops.one_hot([1, 0], 3): np.eye(3)[[1, 0]],
    }
    for out, expected in cases.items():
        assert not out.requires_grad and out._ctx is None
        np.testing.assert_array_equal(out.data, expected)
    assert ops.argmax(x).dtype == np.int32
    assert ops.round(Tensor([0.5, 1.5, 2.5])).data.tolist() == [0.0, 2.0, 2.0]  # half to even


def test_one_hot_axis_dtype_and_out_of_range():
    out = ops.one_hot(np.array([[0, 2], [5, -1]]), 3, axis=1, dtype="int32")
    assert out.shape == (2, 3, 2) and out.dtype == np.int32
    np.testing.assert_array_equal(out.data[0], [[1, 0], [0, 0], [0, 1]])
    np.testing.assert_array_equal(out.data[1], 0)  # outside [0, 3): all zeros, as Keras
    assert ops.one_hot([1], 2).dtype == np.float32
    np.testing.assert_array_equal(ops.multi_hot([[0, 2], [1, 1]], 3).data,
                                  [[1, 0, 1], [0, 1, 0]])


def test_cast_semantics_and_integer_backprop_error():
    x = Tensor(np.array([1.7, -2.2]), requires_grad=True)
    as_int = ops.cast(x, "int32")
    assert as_int.dtype == np.int32 and as_int.data.tolist() == [1, -2]
    loss = ops.sum(ops.multiply(ops.cast(as_int, "float64"), x))
    with pytest.raises(TypeError, match="cannot backpropagate through a cast from float64 to "
                                        "int32"):
        loss.backward()
    y = Tensor(np.array([1.7, -2.2]), requires_grad=True)
    ops.sum(ops.multiply(ops.cast(ops.stop_gradient(y), "int32"), y)).backward()
    np.testing.assert_array_equal(y.grad, [1, -2])
    assert ops.cast(y, "float64") is y
    f = Tensor(np.array([1.0, 2.0], np.float32), requires_grad=True)
    ops.sum(ops.multiply(ops.cast(f, "float64"), np.array([3.0, 4.0]))).backward()
    assert f.grad.dtype == np.float32 and f.grad.tolist() == [3.0, 4.0]
    with pytest.raises(ValueError, match="Invalid dtype"):
        ops.cast(y, "not_a_dtype")


def test_divide_no_nan_and_stop_gradient():
    a = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    b = Tensor(np.array([0.0, 4.0, 0.0]), requires_grad=True)
    out = ops.divide_no_nan(a, b)
    np.testing.assert_array_equal(out.data, [0.0, 0.5, 0.0])
    ops.sum(out).backward()
    np.testing.assert_array_equal(a.grad, [0.0, 0.25, 0.0])
    np.testing.assert_array_equal(b.grad, [0.0, -2 / 16, 0.0])
    assert ops.divide_no_nan(1, 0).data == 0 and ops.divide_no_nan(1, 0).dtype == np.float32
    s = ops.stop_gradient(a)
    assert not s.requires_grad and np.shares_memory(s.data, a.data)
    x = Tensor(np.array([3.0, -2.0]), requires_grad=True)
    ops.sum(ops.multiply(x, ops.stop_gradient(x))).backward()
    np.testing.assert_array_equal(x.grad, [3.0, -2.0])  # not 2x: one factor is a constant


def test_accepts_numpy_and_python_scalars():
    assert ops.exp(0.0).dtype == np.float32 and float(ops.exp(0.0).data) == 1.0
    assert ops.sqrt(4).data == 2.0 and ops.mean([1, 2]).data == 1.5
    assert ops.sum(np.arange(4)).data == 6
    assert ops.shape(np.zeros((2, 3))) == (2, 3) and ops.size([[1, 2, 3]]) == 3
    assert ops.ndim(1.0) == 0 and ops.dtype(np.zeros(2, np.int32)) == "int32"
    assert ops.convert_to_tensor([1.0]).dtype == np.float32
    assert ops.convert_to_tensor(np.zeros(2)).dtype == np.float64
    assert ops.convert_to_tensor([1, 2], dtype="float16").dtype == np.float16
    np.testing.assert_array_equal(ops.convert_to_numpy(Tensor([1.0, 2.0])), [1.0, 2.0])
    assert ops.is_tensor(Tensor([1.0])) and not ops.is_tensor(np.ones(1))
    assert ops.softmax(np.zeros(4)).data.tolist() == [0.25] * 4
    assert ops.maximum(np.ones(2), 3).data.tolist() == [3.0, 3.0]
    assert ops.concatenate([np.ones((1, 2)), np.zeros((1, 2))]).shape == (2, 2)  # axis=0
    assert ops.arange(3).dtype == np.int32 and ops.arange(0.0, 1.0, 0.5).dtype == np.float32
    assert ops.zeros((2,)).dtype == np.float32 and ops.eye(2, dtype="int32").dtype == np.int32
    assert ops.full((2,), 3.0).data.tolist() == [3.0, 3.0]
    assert ops.linspace(0, 1, 3).data.tolist() == [0.0, 0.5, 1.0]


def test_where_nonzero_and_shape_ops_match_numpy():
    x = rand(3, 4)
    idx = ops.where(x > 0)
    assert all(np.array_equal(i.data, j) for i, j in zip(idx, np.nonzero(x > 0)))
    with pytest.raises(ValueError, match="both x1 and x2"):
        ops.where(x > 0, x)
    np.testing.assert_array_equal(ops.repeat(x, [1, 0, 2], axis=0).data,
                                  np.repeat(x, [1, 0, 2], axis=0))
    np.testing.assert_array_equal(ops.tile(x, 2).data, np.tile(x, 2))
    np.testing.assert_array_equal(ops.take(x, [-1, 0], axis=0).data, x[[-1, 0]])
    np.testing.assert_allclose(ops.var(x, axis=0).data, x.var(axis=0))
    np.testing.assert_allclose(ops.std(x).data, x.std())
    np.testing.assert_allclose(ops.norm(x, ord=np.inf, axis=(0, 1)).data,
                               np.linalg.norm(x, ord=np.inf))
    np.testing.assert_allclose(ops.norm(x, ord=-1, axis=(0, 1)).data, np.linalg.norm(x, ord=-1))
    np.testing.assert_allclose(ops.logsumexp(x, axis=0).data, np.log(np.exp(x).sum(0)))
    m, v = ops.moments(x, axes=[1], keepdims=True)
    assert m.shape == v.shape == (3, 1)
    vals, idx = ops.top_k(np.array([[1.0, 3.0, 3.0, 2.0]]), 3)
    assert vals.data.tolist() == [[3.0, 3.0, 2.0]] and idx.data.tolist() == [[1, 2, 3]]
    assert ops.in_top_k([1, 0], np.array([[0.1, 0.9, 0.0], [0.2, 0.5, 0.3]]), 2).data.tolist() \
        == [True, False]
    with pytest.raises(NotImplementedError, match="ord=2"):
        ops.norm(x, ord=2, axis=(0, 1))


@pytest.mark.parametrize("expr,shapes", [
    ("ij,jk->ik", [(3, 4), (4, 2)]), ("...ij,jk->...ik", [(2, 3, 4), (4, 2)]),
    ("bqd,bkd->bqk", [(2, 3, 4), (2, 2, 4)]), ("ij->", [(3, 4)]), ("ijk,kl", [(2, 3, 4), (4, 2)]),
    ("ij,kl->il", [(3, 4), (2, 5)]), ("...i,i", [(2, 3, 4), (4,)]),
])
def test_einsum_values_and_gradients(expr, shapes):
    args = [rand(*s) for s in shapes]
    np.testing.assert_allclose(ops.einsum(expr, *args).data, np.einsum(expr, *args))
    assert gradient_check(lambda *t: ops.einsum(expr, *t), *args)


@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_prod_with_zeros(axis, keepdims):
    x = rand(3, 4)
    x[0, 0] = x[0, 3] = x[1, 2] = 0.0  # one row with two zeros, one with one
    np.testing.assert_allclose(ops.prod(x, axis=axis, keepdims=keepdims).data,
                               np.prod(x, axis=axis, keepdims=keepdims))
    assert gradient_check(lambda t: ops.prod(t, axis=axis, keepdims=keepdims), x)


def test_tensor_operators_as_in_keras():
    a, b = Tensor(np.array([1, 2, 3])), Tensor(np.array([1, 0, 3]))
    assert (a == b).data.tolist() == [True, False, True]
    assert (a != 2).data.tolist() == [True, False, True]
    assert ((a > 1) & (b > 0)).data.tolist() == [False, False, True]
    assert (~(a > 1)).data.tolist() == [True, False, False]
    assert (a % 2).data.tolist() == [1, 0, 1] and (a // 2).data.tolist() == [0, 1, 1]
    assert {a: 1, b: 2}[a] == 1 and len({a, b}) == 2  # hashing stays by identity
    assert float(ops.sum(a)) == 6.0 and int(ops.max(a)) == 3 and bool(Tensor([1.0]))
    with pytest.raises(ValueError, match="ambiguous"):
        bool(a == b)
