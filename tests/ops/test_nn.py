"""Fused ops: dense (+ activation), dropout, cross-entropies on logits, weighted mean."""
import numpy as np
import pytest

from lamina import activations, ops
from lamina.autodiff import Tensor, gradient_check
from lamina.ops import nn

R = np.random.default_rng(3)


@pytest.mark.parametrize("act", ["linear", "relu", "tanh", "sigmoid", "softmax", "elu", "gelu"])
@pytest.mark.parametrize("use_bias", [True, False])
def test_dense_matches_unfused_and_gradients(act, use_bias):
    x, w, b = R.standard_normal((5, 4)), R.standard_normal((4, 3)), R.standard_normal(3)
    kern = activations.get(act).kernel
    args = (x, w, b) if use_bias else (x, w)
    expected = activations.get(act)(Tensor(x @ w + (b if use_bias else 0))).data
    np.testing.assert_allclose(ops.dense(*[Tensor(a) for a in args], activation=kern).data,
                               expected, rtol=1e-10)
    assert gradient_check(lambda *t: ops.dense(*t, activation=kern), *args)


def test_dense_on_3d_inputs():
    x, w, b = R.standard_normal((2, 3, 4)), R.standard_normal((4, 5)), R.standard_normal(5)
    out = ops.dense(Tensor(x), Tensor(w), Tensor(b), activations.relu.kernel)
    assert out.shape == (2, 3, 5)
    assert gradient_check(lambda *t: ops.dense(*t, activation=activations.tanh.kernel), x, w, b)


def test_dense_softmax_keeps_logits_for_the_loss():
    x, w = Tensor(R.standard_normal((2, 3))), Tensor(R.standard_normal((3, 4)))
    y = ops.dense(x, w, None, activations.softmax.kernel)
    logits, kernel = y._logits
    assert kernel.name == "softmax"
    np.testing.assert_allclose(logits.data, x.data @ w.data)


def test_dropout_scales_and_masks():
    x = Tensor(np.ones((200, 50)), requires_grad=True)
    y = ops.dropout(x, 0.3)
    kept = y.data != 0
    assert 0.6 < kept.mean() < 0.8
    np.testing.assert_allclose(y.data[kept], 1 / 0.7)
    y.sum().backward()
    np.testing.assert_allclose(x.grad, y.data)  # d(sum)/dx = mask


def test_dropout_noise_shape_broadcasts():
    y = ops.dropout(Tensor(np.ones((4, 3, 5))), 0.5, noise_shape=(None, 1, 5))
    assert np.all(y.data == y.data[:, :1, :])


def test_softmax_cross_entropy():
    z, t = R.standard_normal((4, 5)), np.eye(5)[[0, 3, 1, 4]] * 0.9 + 0.02
    p = np.exp(z) / np.exp(z).sum(-1, keepdims=True)
    np.testing.assert_allclose(ops.softmax_cross_entropy(Tensor(z), t).data,
                               -(t * np.log(p)).sum(-1))
    assert gradient_check(lambda a: ops.softmax_cross_entropy(a, t), z)
    assert gradient_check(lambda a: ops.softmax_cross_entropy(a, t.T, axis=0), z.T)


def test_sparse_softmax_cross_entropy():
    z, labels = R.standard_normal((4, 5)), np.array([0, 3, 1, 4])
    dense = ops.softmax_cross_entropy(Tensor(z), np.eye(5)[labels]).data
    np.testing.assert_allclose(ops.sparse_softmax_cross_entropy(Tensor(z), labels).data, dense)
    assert gradient_check(lambda a: ops.sparse_softmax_cross_entropy(a, labels), z)
    assert gradient_check(lambda a: ops.sparse_softmax_cross_entropy(a, labels[:, None]), z)


def test_sigmoid_cross_entropy_is_stable():
    z, t = np.array([[-800.0, -3.0, 0.0, 2.0, 900.0]]), np.array([[0.0, 1.0, 0.5, 0.0, 1.0]])
    out = ops.sigmoid_cross_entropy(Tensor(z), t).data
    p = 1 / (1 + np.exp(-z[:, 1:4]))
    np.testing.assert_allclose(out[:, 1:4], -(t[:, 1:4] * np.log(p) + (1 - t[:, 1:4]) * np.log(1 - p)))
    assert np.all(np.isfinite(out))
    assert gradient_check(lambda a: ops.sigmoid_cross_entropy(a, t), R.standard_normal((1, 5)))


def test_weighted_mean():
    v = R.standard_normal((4, 3))
    w = R.uniform(0, 1, 4)
    np.testing.assert_allclose(ops.weighted_mean(Tensor(v), w).data, (v * w[:, None]).sum() / 12)
    np.testing.assert_allclose(ops.weighted_mean(Tensor(v), divisor=4).data, v.sum() / 4)
    assert gradient_check(lambda a: ops.weighted_mean(a, w), v)
    assert gradient_check(lambda a: ops.weighted_mean(a), v)


def test_dense_op_costs_one_function_per_layer():
    from lamina.autodiff.tensor import _toposort
    x = Tensor(R.standard_normal((2, 3)))
    w, b = Tensor(R.standard_normal((3, 4)), requires_grad=True), Tensor(np.zeros(4), requires_grad=True)
    y = ops.dense(x, w, b, activations.relu.kernel)
    assert len(_toposort(y._ctx)) == 1
    assert isinstance(y._ctx, nn.Dense)


@pytest.mark.parametrize("act", ["softmax", "sigmoid"])
def test_dense_with_logits_gradients_through_both_outputs(act):
    x, w, b = R.standard_normal((4, 3)), R.standard_normal((3, 5)), R.standard_normal(5)
    kern = activations.get(act).kernel

    def f(*t):
        y = ops.dense(*t, activation=kern)
        return y, y._logits[0]

    assert gradient_check(f, x, w, b)
    assert gradient_check(lambda *t: ops.dense(*t, activation=kern)._logits[0] * 2.0, x, w, b)
    x3 = R.standard_normal((2, 4, 3))
    assert gradient_check(f, x3, w, b)
