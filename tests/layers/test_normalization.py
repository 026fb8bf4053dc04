"""BatchNormalization and LayerNormalization: harness, Keras's formulas, training vs
inference, moving statistics, frozen layers, masks, float64 gradients in training mode."""
import numpy as np
import pytest

from lamina import layers
from lamina.autodiff import Tensor, gradient_check
from lamina.ops import normalization as N

from .harness import run_layer_test


@pytest.mark.parametrize("kwargs,shape", [
    ({}, (4, 3)),
    ({"axis": 1, "center": False}, (3, 2, 4, 2)),
    ({"scale": False, "epsilon": 0.01}, (2, 3, 3, 2)),
])
@pytest.mark.parametrize("training", [False, True])
def test_batch_norm_harness(kwargs, shape, training):
    # weights start at gamma=1, beta=0: use other values so their gradients are exercised
    run_layer_test(layers.BatchNormalization, {**kwargs, "gamma_initializer": "random_normal",
                                               "beta_initializer": "random_normal"},
                   input_shape=shape, expected_output_shape=shape, training=training)


def test_batch_norm_formulas_and_moving_statistics():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((8, 5, 3)).astype(np.float32) * 3 + 2
    bn = layers.BatchNormalization(momentum=0.9)
    y = bn(x, training=True).numpy()
    mean, var = x.reshape(-1, 3).mean(0), x.reshape(-1, 3).var(0)
    np.testing.assert_allclose(y, (x - mean) / np.sqrt(var + 1e-3), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(bn.moving_mean.numpy(), 0.1 * mean, rtol=1e-5)
    np.testing.assert_allclose(bn.moving_variance.numpy(), 0.9 + 0.1 * var, rtol=1e-5)
    assert [w.name for w in bn.weights] == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert [w.name for w in bn.trainable_weights] == ["gamma", "beta"]
    # inference: the moving statistics, nothing updated
    before = bn.moving_mean.numpy().copy()
    yi = bn(x).numpy()
    mm, mv = bn.moving_mean.numpy(), bn.moving_variance.numpy()
    np.testing.assert_allclose(yi, (x - mm) / np.sqrt(mv + 1e-3), rtol=1e-4, atol=1e-5)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), before)


def test_frozen_batch_norm_runs_in_inference_mode():
    x = np.random.default_rng(1).standard_normal((6, 2)).astype(np.float32) + 5
    bn = layers.BatchNormalization()
    bn(x)
    bn.trainable = False
    y = bn(x, training=True).numpy()
    np.testing.assert_allclose(y, x / np.sqrt(1 + 1e-3), rtol=1e-5)   # moving stats 0 / 1
    np.testing.assert_array_equal(bn.moving_mean.numpy(), 0.0)
    assert bn.trainable_weights == []


def test_batch_norm_in_fit_updates_moving_statistics():
    import lamina
    rng = np.random.default_rng(2)
    x = rng.standard_normal((64, 4)).astype(np.float32) * 2 + 3
    y = rng.standard_normal((64, 1)).astype(np.float32)
    model = lamina.Sequential([layers.InputLayer(shape=(4,)), layers.BatchNormalization(),
                               layers.Dense(1)])
    model.compile("adam", "mse")
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    mm = model.layers[0].moving_mean.numpy()
    assert np.all(mm > 0.1)   # moved from 0 towards the data's mean (3)


def test_batch_norm_masked_moments_as_keras():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 4, 3))
    mask = np.array([[True, True, False, True], [True, False, False, False]])
    bn = layers.BatchNormalization(dtype="float64")
    y = bn(x, training=True, mask=mask).numpy()
    sel = x[mask]
    d = len(sel) + 1e-7
    mean = sel.sum(0) / d
    var = ((sel - mean) ** 2).sum(0) / d
    np.testing.assert_allclose(y, (x - mean) / np.sqrt(var + 1e-3), rtol=1e-10)
    w = mask.astype(float)
    gradient_check(lambda x, g, b: N.batch_norm_train(x, g, b, -1, 1e-3, w)[0], x,
                   rng.standard_normal(3), rng.standard_normal(3))


def test_batch_norm_op_gradients():
    rng = np.random.default_rng(4)
    x, g, b = rng.standard_normal((5, 3, 2)), rng.standard_normal(3), rng.standard_normal(3)
    gradient_check(lambda x, g, b: N.batch_norm_train(x, g, b, 1, 1e-3)[0], x, g, b)
    gradient_check(lambda x, g, b: N.batch_norm_inference(x, g, b, np.ones(3), np.full(3, 2.0),
                                                          1, 1e-3), x, g, b)


@pytest.mark.parametrize("kwargs,shape", [
    ({}, (3, 4)),
    ({"axis": [1, 2]}, (2, 3, 4)),
    ({"axis": 1, "center": False}, (2, 3, 2)),
    ({"rms_scaling": True}, (3, 4)),
])
def test_layer_norm_harness(kwargs, shape):
    run_layer_test(layers.LayerNormalization, {**kwargs, "gamma_initializer": "random_normal"},
                   input_shape=shape, expected_output_shape=shape)


def test_layer_norm_formula():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 3, 4)).astype(np.float32)
    ln = layers.LayerNormalization(axis=[1, 2], epsilon=0.01)
    ln(x)
    gamma = rng.standard_normal((3, 4)).astype(np.float32)
    beta = rng.standard_normal((3, 4)).astype(np.float32)
    ln.set_weights([gamma, beta])
    m = x.mean(axis=(1, 2), keepdims=True)
    v = x.var(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(ln(x).numpy(), (x - m) / np.sqrt(v + 0.01) * gamma + beta,
                               rtol=1e-4, atol=1e-5)
    rms = layers.LayerNormalization(rms_scaling=True)
    assert rms(x).shape == x.shape and [w.name for w in rms.weights] == ["gamma"]
    np.testing.assert_allclose(rms(x).numpy(), x / np.sqrt(x.var(-1, keepdims=True) + 1e-3),
                               rtol=1e-4)


def test_layer_norm_op_gradients():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((2, 3, 4))
    for rms in (False, True):
        gradient_check(lambda x, g, b, rms=rms: N.layer_norm(x, g, b, [1, 2], 1e-3, rms), x,
                       rng.standard_normal((3, 4)), rng.standard_normal((3, 4)))


def test_bad_arguments():
    with pytest.raises(ValueError, match="momentum"):
        layers.BatchNormalization(momentum=1.5)
    with pytest.raises(ValueError, match=r"BatchNormalization '.*'.*axis. 3.*\(None, 3\)"):
        layers.BatchNormalization(axis=3)(np.zeros((2, 3)))
    with pytest.raises(TypeError, match="axis"):
        layers.LayerNormalization(axis="x")
    bn = layers.BatchNormalization()
    bn(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"\(2, 4\)"):
        bn(Tensor(np.zeros((2, 4), np.float32)))
