"""Numbers right at the edges: sigmoid's far tail in float32, norms at the zero vector."""
import numpy as np
import pytest

from lamina import ops
from lamina.autodiff import Tensor, gradient_check


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_sigmoid_keeps_precision_in_the_negative_tail(dtype):
    x = np.array([-100.0, -80.0, -40.0, -20.0, -15.0, -5.0, 0.0, 5.0, 20.0, 100.0], dtype)
    want = 1.0 / (1.0 + np.exp(-x.astype(np.longdouble)))
    got = ops.sigmoid(x).data
    assert got.dtype == np.dtype(dtype)
    tiny = np.finfo(dtype).tiny  # below the smallest normal float only the absolute error counts
    normal = want > tiny
    rel = np.abs(got[normal] - want[normal]) / want[normal]
    assert rel.max() < 8 * np.finfo(dtype).eps, (x[normal], got[normal], want[normal])
    assert np.all(np.abs(got[~normal] - want[~normal]) < tiny)
    assert got[3] > 0  # sigmoid(-20) = 2.06e-9, once rounded to 0 in float32


def test_sigmoid_gives_no_overflow_warning_and_keeps_nan():
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        out = ops.sigmoid(np.array([-1e4, 1e4], "float32")).data
    assert 0 <= out[0] < np.finfo("float32").tiny and out[1] == 1.0
    assert np.isnan(ops.sigmoid(np.array([np.nan], "float32")).data[0])


def test_sigmoid_gradient_check():
    x = np.random.default_rng(0).normal(scale=4.0, size=(3, 5))
    gradient_check(lambda t: ops.sigmoid(t), x)


@pytest.mark.parametrize("ord_, axis", [(None, None), (None, -1), (2, -1), (1, -1), (3, -1),
                                        ("fro", (0, 1))])
def test_norm_gradient_is_zero_at_the_zero_vector(ord_, axis):
    x = Tensor(np.zeros((2, 3)), requires_grad=True)
    ops.sum(ops.norm(x, ord=ord_, axis=axis)).backward()
    assert np.all(x.grad == 0), x.grad


@pytest.mark.parametrize("ord_, axis", [(None, None), (None, -1), (2, 0), (3, -1), (1.5, -1),
                                        ("fro", (0, 1))])
def test_norm_gradient_check(ord_, axis):
    x = np.random.default_rng(1).normal(size=(3, 4))
    gradient_check(lambda t: ops.norm(t, ord=ord_, axis=axis), x)


def test_norm_gradient_check_with_a_zero_row():
    # rows with a zero norm get gradient 0; the others their usual gradient
    x = np.random.default_rng(2).normal(size=(3, 4))
    x[1] = 0
    t = Tensor(x.copy(), requires_grad=True)
    ops.sum(ops.norm(t, axis=-1)).backward()
    expect = x / np.where(np.linalg.norm(x, axis=-1, keepdims=True) == 0, 1,
                          np.linalg.norm(x, axis=-1, keepdims=True))
    np.testing.assert_allclose(t.grad, expect, rtol=1e-12)
