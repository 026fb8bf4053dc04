import numpy as np
import pytest

from lamina import ops
from lamina.autodiff import Function, Tensor, Variable, gradient_check, no_grad


def test_backward_accumulates_over_shared_subexpressions():
    x = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    y = x * x + x * 3.0  # x used three times
    y.sum().backward()
    np.testing.assert_allclose(x.grad, 2 * x.data + 3)


def test_grads_accumulate_across_backward_calls_until_zeroed():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    (x * 2.0).sum().backward()
    (x * 2.0).sum().backward()
    np.testing.assert_allclose(x.grad, [4.0, 4.0])
    x.zero_grad()
    assert x.grad is None


def test_no_grad_records_no_graph():
    x = Tensor(np.ones(3), requires_grad=True)
    with no_grad():
        y = x * 2.0
    assert y._ctx is None and not y.requires_grad


def test_constants_get_no_gradient_and_no_graph():
    a = Tensor(np.ones(3))
    b = a * 2.0
    assert b._ctx is None


def test_float32_is_kept():
    x = Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    y = (x * 2.5 + 1).exp().sum()
    assert y.dtype == np.float32
    y.backward()
    assert x.grad.dtype == np.float32


def test_python_floats_become_float32():
    assert Tensor([1.0, 2.0]).dtype == np.float32
    assert Tensor([1, 2]).dtype.kind == "i"


def test_backward_needs_scalar_or_grad():
    x = Tensor(np.ones(3), requires_grad=True)
    with pytest.raises(ValueError, match="scalar"):
        (x * 2.0).backward()
    (x * 2.0).backward(np.ones(3))
    np.testing.assert_allclose(x.grad, 2.0)


def test_deep_chain_does_not_hit_recursion_limit():
    x = Tensor(np.array(1.0), requires_grad=True)
    y = x
    for _ in range(5000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0


def test_diamond_graph_visits_each_function_once():
    calls = []

    class Probe(Function):
        def forward(self, a):
            return a * 1.0

        def backward(self, g):
            calls.append(1)
            return g

    x = Tensor(np.ones(2), requires_grad=True)
    p = Probe.apply(x)
    (p * 2.0 + p * 3.0).sum().backward()
    assert len(calls) == 1
    np.testing.assert_allclose(x.grad, 5.0)


def test_multi_output_function():
    class Split(Function):
        n_outputs = 2

        def forward(self, a):
            return a * 2, a * 3

        def backward(self, g1, g2):
            g1 = 0 if g1 is None else g1
            g2 = 0 if g2 is None else g2
            return g1 * 2 + g2 * 3

    x = Tensor(np.ones(2), requires_grad=True)
    a, b = Split.apply(x)
    (a + b * b).sum().backward()
    np.testing.assert_allclose(x.grad, 2 + 2 * 3 * 3)
    x.zero_grad()
    a, b = Split.apply(x)
    a.sum().backward()  # the unused output's gradient arrives as None
    np.testing.assert_allclose(x.grad, 2.0)


def test_variable_assign_in_place():
    v = Variable(np.zeros((2, 2)), name="w")
    buf = v.data
    v.assign(np.ones((2, 2)))
    assert v.data is buf and v.data.sum() == 4
    with pytest.raises(ValueError, match="shape"):
        v.assign(np.ones(3))


def test_gradient_check_catches_a_wrong_backward():
    class WrongSquare(Function):
        def forward(self, a):
            self.a = a
            return a * a

        def backward(self, g):
            return g * self.a  # missing the factor 2

    with pytest.raises(AssertionError, match="finite differences"):
        gradient_check(lambda a: WrongSquare.apply(a), np.array([1.0, 2.0]))


def test_operators_match_numpy():
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    t = Tensor(a)
    np.testing.assert_allclose((t + 1).data, a + 1)
    np.testing.assert_allclose((1 - t).data, 1 - a)
    np.testing.assert_allclose((2 / t).data, 2 / a)
    np.testing.assert_allclose((t ** 2).data, a ** 2)
    np.testing.assert_allclose((t @ t).data, a @ a)
    np.testing.assert_allclose((-t).data, -a)
    np.testing.assert_allclose(t[0].data, a[0])
    np.testing.assert_allclose(t.T.data, a.T)
    assert ops.sum(t).item() == a.sum()
