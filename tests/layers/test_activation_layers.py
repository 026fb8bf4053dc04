"""Activation layers against their formulas, through the harness, with Keras's defaults."""
import numpy as np
import pytest

from lamina import layers

from .harness import run_layer_test

X = np.array([[-2.0, -0.5, 0.3, 1.5, 7.0]], dtype=np.float32)


@pytest.mark.parametrize("layer,expected", [
    (layers.ReLU(), np.maximum(X, 0)),
    (layers.ReLU(max_value=6.0, negative_slope=0.1, threshold=0.2),
     np.minimum(np.where(X >= 0.2, X, 0.1 * (X - 0.2)), 6.0)),
    (layers.LeakyReLU(), np.where(X >= 0, X, 0.3 * X)),             # Keras 3 default 0.3
    (layers.LeakyReLU(alpha=0.1), np.where(X >= 0, X, 0.1 * X)),    # Keras 2 argument
    (layers.ELU(alpha=0.5), np.where(X > 0, X, 0.5 * np.expm1(X))),
    (layers.ThresholdedReLU(theta=1.0), np.where(X > 1.0, X, 0.0)),
    (layers.Softmax(), np.exp(X) / np.exp(X).sum()),
])
def test_values(layer, expected):
    np.testing.assert_allclose(layer(X).numpy(), expected, rtol=1e-5, atol=1e-7)


def test_prelu_values_and_shared_axes():
    layer = layers.PReLU(alpha_initializer="constant")
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 2)).astype(np.float32)
    layers.PReLU(shared_axes=[1, 2])(x)
    p = layers.PReLU(shared_axes=[1, 2])
    p(x)
    assert p.alpha.shape == (1, 1, 2)
    p.set_weights([np.array([[[0.1, 0.5]]], np.float32)])
    np.testing.assert_allclose(p(x).numpy(), np.where(x >= 0, x, x * np.array([0.1, 0.5])),
                               rtol=1e-6)
    assert layer.get_config()["alpha_initializer"] is not None


def test_softmax_mask_and_axes():
    x = np.array([[1.0, 2.0, 3.0]], np.float32)
    y = layers.Softmax()(x, mask=np.array([[True, False, True]])).numpy()
    e = np.exp([1.0, 3.0])
    np.testing.assert_allclose(y, [[e[0] / e.sum(), 0.0, e[1] / e.sum()]], rtol=1e-6)
    z = np.random.default_rng(0).standard_normal((2, 3, 4)).astype(np.float32)
    s = layers.Softmax(axis=[1, 2])(z).numpy()
    np.testing.assert_allclose(s.sum(axis=(1, 2)), 1.0, rtol=1e-6)


@pytest.mark.parametrize("cls,kwargs", [
    (layers.ReLU, {}), (layers.ReLU, {"max_value": 1.0, "negative_slope": 0.2}),
    (layers.LeakyReLU, {}), (layers.ELU, {"alpha": 0.7}), (layers.ThresholdedReLU, {}),
    (layers.PReLU, {"alpha_initializer": "random_uniform"}),
    (layers.PReLU, {"shared_axes": 1}), (layers.Softmax, {}), (layers.Softmax, {"axis": 1}),
])
def test_harness(cls, kwargs):
    # values away from the kinks (0, threshold 1, max 1) keep finite differences exact
    x = np.random.default_rng(2).uniform(0.2, 0.8, (3, 2, 4)) * np.random.default_rng(3).choice(
        [-1, 1, 3], (3, 2, 4))
    run_layer_test(cls, kwargs, input_shape=x.shape, input_data=x,
                   expected_output_shape=x.shape)


def test_bad_arguments():
    with pytest.raises(ValueError, match="max_value"):
        layers.ReLU(max_value=-1)
    with pytest.raises(ValueError, match="negative_slope"):
        layers.LeakyReLU(negative_slope=-0.1)
    with pytest.raises(ValueError, match="theta"):
        layers.ThresholdedReLU(theta=-1.0)
    with pytest.raises(ValueError, match=r"PReLU '.*'.*shared axis 3"):
        layers.PReLU(shared_axes=3)(np.zeros((2, 3)))
