"""Every op gradient-checked in float64 against finite differences."""
import numpy as np
import pytest

from lamina import ops
from lamina.autodiff import gradient_check

R = np.random.default_rng(42)


def rand(*shape, low=-2.0, high=2.0):
    return R.uniform(low, high, shape)


def pos(*shape):
    return R.uniform(0.5, 2.0, shape)


BINARY = [ops.add, ops.subtract, ops.multiply, ops.divide, ops.maximum, ops.minimum]
SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 4), (3, 1)), ((), (2, 3)), ((5, 1), (1, 5))]


@pytest.mark.parametrize("op", BINARY, ids=lambda f: f.__name__)
@pytest.mark.parametrize("shapes", SHAPES, ids=str)
def test_binary_broadcasting(op, shapes):
    a, b = rand(*shapes[0]), rand(*shapes[1])
    if op is ops.divide:
        b = pos(*shapes[1])
    assert gradient_check(op, a, b)


def test_power_both_operands():
    assert gradient_check(ops.power, pos(3, 4), rand(4))
    assert gradient_check(lambda a: ops.power(a, 3.0), rand(3, 2))


@pytest.mark.parametrize("op,data", [
    (ops.negative, rand(3, 4)), (ops.exp, rand(3, 4)), (ops.log, pos(3, 4)),
    (ops.sqrt, pos(3, 4)), (ops.square, rand(3, 4)), (ops.abs, pos(3, 4) * np.sign(rand(3, 4))),
    (lambda a: ops.clip(a, -0.5, 0.7), rand(4, 5)),
], ids=["negative", "exp", "log", "sqrt", "square", "abs", "clip"])
def test_unary(op, data):
    data = data[np.abs(np.abs(data) - 0.6) > 0.02] if op is not ops.abs else data
    assert gradient_check(op, data)


@pytest.mark.parametrize("sa,sb", [((3, 4), (4, 5)), ((2, 3, 4), (4, 2)), ((4,), (4, 3)),
                                   ((3, 4), (4,)), ((4,), (4,)), ((2, 3, 4), (2, 4, 5)),
                                   ((1, 3, 4), (2, 4, 2))])
def test_matmul(sa, sb):
    assert gradient_check(ops.matmul, rand(*sa), rand(*sb))


@pytest.mark.parametrize("reduce", [ops.sum, ops.mean, ops.max, ops.min], ids=lambda f: f.__name__)
@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 2)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions(reduce, axis, keepdims):
    x = R.permutation(24).reshape(2, 3, 4).astype(np.float64) / 7.0  # distinct: no ties
    assert gradient_check(lambda a: reduce(a, axis=axis, keepdims=keepdims), x)


def test_max_ties_share_the_gradient():
    from lamina.autodiff import Tensor
    x = Tensor(np.array([1.0, 3.0, 3.0]), requires_grad=True)
    ops.max(x).backward()
    np.testing.assert_allclose(x.grad, [0, 0.5, 0.5])


def test_shape_ops():
    x = rand(2, 3, 4)
    assert gradient_check(lambda a: ops.reshape(a, (4, 6)), x)
    assert gradient_check(lambda a: ops.reshape(a, (-1,)), x)
    assert gradient_check(lambda a: ops.transpose(a, (2, 0, 1)), x)
    assert gradient_check(lambda a: ops.transpose(a), x)
    assert gradient_check(lambda a: ops.expand_dims(a, 1), x)
    assert gradient_check(lambda a: ops.squeeze(a, 0), rand(1, 3))


def test_concatenate_and_stack():
    a, b, c = rand(2, 3), rand(2, 1), rand(2, 2)
    assert gradient_check(lambda x, y, z: ops.concatenate([x, y, z], axis=1), a, b, c)
    assert gradient_check(lambda x, y: ops.stack([x, y], axis=1), rand(2, 3), rand(2, 3))
    assert gradient_check(lambda x, y: ops.stack([x, y], axis=0), rand(2, 3), rand(2, 3))


@pytest.mark.parametrize("key", [(slice(1, 3),), (0,), (slice(None), [0, 2, 2]),
                                 (Ellipsis, 1), (np.array([1, 1, 0]),)], ids=str)
def test_getitem(key):
    key = key[0] if len(key) == 1 else key
    assert gradient_check(lambda a: ops.getitem(a, key), rand(3, 4))


def test_where():
    cond = rand(3, 4) > 0
    assert gradient_check(lambda a, b: ops.where(cond, a, b), rand(3, 4), rand(4))
    assert gradient_check(lambda a: ops.where(cond, a, 0.0), rand(3, 4))


def test_tensor_methods_and_operators_have_gradients():
    x = rand(3, 4)
    assert gradient_check(lambda a: (a * 2 + 1 - a / 3) ** 2, x)
    assert gradient_check(lambda a: (a @ a.T).sum(axis=0), x)
    assert gradient_check(lambda a: a[1:, ::2].mean(), x)
    assert gradient_check(lambda a: 1.0 / (1.0 + a.square()), x)
