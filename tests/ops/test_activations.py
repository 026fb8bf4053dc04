"""Activations: values against their definitions and float64 gradient checks."""
import math

import numpy as np
import pytest

from lamina import activations
from lamina.autodiff import Tensor, gradient_check

X = np.array([[-3.5, -1.2, -0.4, 0.3, 0.9, 2.2, 4.1], [-0.7, 0.6, 1.7, -2.4, 3.3, -5.0, 0.15]])

REFERENCE = {
    "linear": lambda x: x,
    "relu": lambda x: np.maximum(x, 0),
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "hard_sigmoid": lambda x: np.clip(x / 6 + 0.5, 0, 1),
    "tanh": np.tanh,
    "softmax": lambda x: np.exp(x) / np.exp(x).sum(-1, keepdims=True),
    "log_softmax": lambda x: x - np.log(np.exp(x).sum(-1, keepdims=True)),
    "elu": lambda x: np.where(x > 0, x, np.exp(x) - 1),
    "selu": lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * (np.exp(x) - 1)),
    "softplus": lambda x: np.log1p(np.exp(x)),
    "softsign": lambda x: x / (1 + np.abs(x)),
    "exponential": np.exp,
    "gelu": lambda x: 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2))),
    "silu": lambda x: x / (1 + np.exp(-x)),
    "swish": lambda x: x / (1 + np.exp(-x)),
    "leaky_relu": lambda x: np.where(x > 0, x, 0.2 * x),
    "relu6": lambda x: np.clip(x, 0, 6),
    "mish": lambda x: x * np.tanh(np.log1p(np.exp(x))),
}


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_values_and_gradients(name):
    fn = activations.get(name)
    np.testing.assert_allclose(fn(Tensor(X)).data, REFERENCE[name](X), rtol=1e-6, atol=1e-7)
    assert gradient_check(fn, X)


def test_float32_in_float32_out():
    for name in REFERENCE:
        out = activations.get(name)(Tensor(X.astype(np.float32)))
        assert out.dtype == np.float32, name


@pytest.mark.parametrize("kwargs,expected", [
    ({"negative_slope": 0.1}, lambda x: np.where(x >= 0, x, 0.1 * x)),
    ({"alpha": 0.1}, lambda x: np.where(x >= 0, x, 0.1 * x)),
    ({"max_value": 2.0}, lambda x: np.clip(x, 0, 2.0)),
    ({"threshold": 1.0}, lambda x: np.where(x >= 1.0, x, 0.0)),
    ({"negative_slope": 0.5, "max_value": 3.0, "threshold": 0.5},
     lambda x: np.minimum(np.where(x >= 0.5, x, 0.5 * (x - 0.5)), 3.0)),
])
def test_relu_arguments(kwargs, expected):
    out = activations.relu(Tensor(X), **kwargs)
    np.testing.assert_allclose(out.data, expected(X))
    assert gradient_check(lambda t: activations.relu(t, **kwargs), X)


def test_softmax_axis_and_gelu_approximate():
    assert gradient_check(lambda t: activations.softmax(t, axis=0), X)
    np.testing.assert_allclose(activations.softmax(Tensor(X), axis=0).data.sum(0), 1.0)
    assert gradient_check(lambda t: activations.gelu(t, approximate=True), X)
    assert gradient_check(lambda t: activations.elu(t, alpha=0.5), X)
    assert gradient_check(lambda t: activations.leaky_relu(t, negative_slope=0.3), X)


def test_extreme_inputs_stay_finite():
    big = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        for name in ("sigmoid", "softmax", "log_softmax", "softplus", "tanh", "elu", "selu"):
            out = activations.get(name)(Tensor(big)).data
            assert np.all(np.isfinite(out)), name


def test_unknown_name_lists_valid_ones():
    with pytest.raises(ValueError, match="Valid names: .*relu.*sigmoid"):
        activations.get("relux")


def test_serialize_round_trip():
    for name in ("relu", "softmax", "linear", "gelu"):
        assert activations.get(activations.serialize(activations.get(name))) is activations.get(name)
    assert activations.get(None) is activations.linear
