"""Noise layers: identity at inference, the right statistics in training, float64 gradients
through the harness (it reseeds before every forward pass, so the noise is fixed)."""
import numpy as np
import pytest

from lamina import backend, layers

from .harness import run_layer_test

NOISE = [
    (layers.GaussianNoise, {"stddev": 0.5}, (3, 4)),
    (layers.GaussianDropout, {"rate": 0.3}, (3, 4)),
    (layers.AlphaDropout, {"rate": 0.3}, (3, 4)),
    (layers.AlphaDropout, {"rate": 0.3, "noise_shape": (None, 1)}, (3, 4)),
    (layers.SpatialDropout1D, {"rate": 0.5}, (3, 4, 2)),
    (layers.SpatialDropout2D, {"rate": 0.5}, (2, 3, 3, 2)),
    (layers.SpatialDropout2D, {"rate": 0.5, "data_format": "channels_first"}, (2, 2, 3, 3)),
    (layers.SpatialDropout3D, {"rate": 0.5}, (2, 2, 2, 2, 3)),
]


@pytest.mark.parametrize("cls,kwargs,shape", NOISE,
                         ids=[f"{c.__name__}-{i}" for i, (c, *_) in enumerate(NOISE)])
@pytest.mark.parametrize("training", [False, True])
def test_noise_harness(cls, kwargs, shape, training):
    run_layer_test(cls, kwargs, input_shape=shape, expected_output_shape=shape,
                   training=training)


@pytest.mark.parametrize("cls,kwargs,shape", NOISE)
def test_identity_at_inference(cls, kwargs, shape):
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    np.testing.assert_array_equal(cls(**kwargs)(x).numpy(), x)


def test_training_statistics():
    backend.set_random_seed(0)
    x = np.ones((400, 500), np.float32)
    y = layers.GaussianNoise(0.5)(x, training=True).numpy()
    assert abs(y.mean() - 1) < 0.01 and abs(y.std() - 0.5) < 0.01
    y = layers.GaussianDropout(0.2)(x, training=True).numpy()
    assert abs(y.mean() - 1) < 0.01 and abs(y.std() - 0.5) < 0.01   # sqrt(0.2 / 0.8)
    z = np.random.default_rng(1).standard_normal((400, 500)).astype(np.float32)
    a = layers.AlphaDropout(0.2)(z, training=True).numpy()
    assert abs(a.mean()) < 0.02 and abs(a.std() - 1) < 0.02          # self-normalizing
    s = layers.SpatialDropout2D(0.5)(np.ones((50, 3, 3, 8), np.float32), training=True).numpy()
    per_map = s.reshape(50, 9, 8)
    assert np.all(per_map.min(axis=1) == per_map.max(axis=1))        # whole maps kept/dropped
    assert set(np.unique(s)) <= {0.0, 2.0}


def test_seeded_layers_are_reproducible():
    x = np.ones((3, 4), np.float32)
    a = layers.GaussianNoise(1.0, seed=3)(x, training=True).numpy()
    b = layers.GaussianNoise(1.0, seed=3)(x, training=True).numpy()
    np.testing.assert_array_equal(a, b)


def test_bad_arguments():
    with pytest.raises(ValueError, match="rate"):
        layers.GaussianDropout(1.0)
    with pytest.raises(ValueError, match="stddev"):
        layers.GaussianNoise(-1)
    with pytest.raises(ValueError, match="seed"):
        layers.AlphaDropout(0.1, seed="x")
    with pytest.raises(ValueError, match=r"SpatialDropout2D '.*' expects inputs of rank 4"):
        layers.SpatialDropout2D(0.5)(np.zeros((2, 3)), training=True)
