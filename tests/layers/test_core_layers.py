import numpy as np
import pytest

from lamina import layers
from lamina.autodiff import Tensor

from .harness import run_layer_test


@pytest.mark.parametrize("kwargs", [
    {"units": 4},
    {"units": 3, "activation": "relu"},
    {"units": 3, "activation": "softmax"},
    {"units": 2, "activation": "tanh", "use_bias": False},
    {"units": 3, "activation": "sigmoid", "kernel_initializer": "he_normal",
     "bias_initializer": "ones"},
    {"units": 3, "kernel_regularizer": "l2", "bias_regularizer": "l1",
     "activity_regularizer": "l2"},
    {"units": 3, "kernel_constraint": "max_norm", "bias_constraint": "non_neg"},
])
def test_dense(kwargs):
    run_layer_test(layers.Dense, kwargs, input_shape=(4, 5),
                   expected_output_shape=(4, kwargs["units"]))


def test_dense_3d_input():
    run_layer_test(layers.Dense, {"units": 2, "activation": "elu"}, input_shape=(2, 3, 4),
                   expected_output_shape=(2, 3, 2))


def test_dense_with_a_user_activation_function():
    out = run_layer_test(layers.Dense, {"units": 3, "activation": lambda x: x * x},
                         input_shape=(4, 5), check_training=False, check_config=False)
    assert out.shape == (4, 3)


def test_dense_kernel_layout_is_keras():
    layer = layers.Dense(7, input_shape=(5,))
    layer(np.zeros((1, 5)))
    assert layer.kernel.shape == (5, 7) and layer.bias.shape == (7,)
    assert [w.name for w in layer.weights] == ["kernel", "bias"]
    x = np.random.default_rng(0).standard_normal((3, 5)).astype(np.float32)
    np.testing.assert_allclose(layer(x).data, x @ layer.kernel.data + layer.bias.data, rtol=1e-6)


@pytest.mark.parametrize("units", [0, -3, 2.5, "10", None])
def test_dense_rejects_bad_units(units):
    with pytest.raises((ValueError, TypeError), match="units"):
        layers.Dense(units)


def test_dense_wrong_feature_count_names_the_layer():
    layer = layers.Dense(3, name="hidden")
    layer(np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"hidden.*\(2, 5\).*\(None, 4\)"):
        layer(np.zeros((2, 5)))


@pytest.mark.parametrize("act", ["relu", "softmax", "tanh", "selu", "linear"])
def test_activation(act):
    run_layer_test(layers.Activation, {"activation": act}, input_shape=(3, 4),
                   expected_output_shape=(3, 4))


def test_dropout_inference_is_identity_and_training_drops():
    x = np.ones((100, 20), dtype=np.float32)
    layer = layers.Dropout(0.5)
    np.testing.assert_array_equal(layer(x).data, x)
    dropped = layer(x, training=True).data
    assert 0.3 < (dropped == 0).mean() < 0.7
    run_layer_test(layers.Dropout, {"rate": 0.3}, input_shape=(4, 6), training=True)
    run_layer_test(layers.Dropout, {"rate": 0.3, "noise_shape": (None, 1)}, input_shape=(4, 6),
                   training=True)


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5, "x"])
def test_dropout_rejects_bad_rate(rate):
    with pytest.raises(ValueError, match="rate"):
        layers.Dropout(rate)


def test_flatten():
    run_layer_test(layers.Flatten, {}, input_shape=(2, 3, 4), expected_output_shape=(2, 12))
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    out = layers.Flatten(data_format="channels_first")(x).data
    np.testing.assert_array_equal(out, x.transpose(0, 2, 1).reshape(2, -1))


def test_reshape():
    run_layer_test(layers.Reshape, {"target_shape": (2, 6)}, input_shape=(3, 12),
                   expected_output_shape=(3, 2, 6))
    run_layer_test(layers.Reshape, {"target_shape": (-1, 3)}, input_shape=(3, 4, 3),
                   expected_output_shape=(3, 4, 3))
    with pytest.raises(ValueError, match="cannot reshape"):
        layers.Reshape((5,))(np.zeros((2, 12)))
    with pytest.raises(ValueError, match="at most one -1"):
        layers.Reshape((-1, -1))


def test_permute():
    run_layer_test(layers.Permute, {"dims": (2, 1)}, input_shape=(2, 3, 4),
                   expected_output_shape=(2, 4, 3))
    run_layer_test(layers.Permute, {"dims": (3, 1, 2)}, input_shape=(2, 3, 4, 2),
                   expected_output_shape=(2, 2, 3, 4))
    with pytest.raises(ValueError, match="permutation"):
        layers.Permute((0, 1))


def test_repeat_vector():
    out = run_layer_test(layers.RepeatVector, {"n": 3}, input_shape=(2, 4),
                         expected_output_shape=(2, 3, 4))
    np.testing.assert_array_equal(out.data[:, 0], out.data[:, 2])


def test_activity_regularization_adds_a_loss():
    run_layer_test(layers.ActivityRegularization, {"l1": 0.01, "l2": 0.02}, input_shape=(3, 4))
    layer = layers.ActivityRegularization(l1=0.5, l2=0.0)
    x = np.array([[1.0, -2.0]], dtype=np.float32)
    layer(x)
    assert len(layer.losses) == 1
    np.testing.assert_allclose(layer.losses[0].data, 0.5 * 3.0)


def test_identity():
    run_layer_test(layers.Identity, {}, input_shape=(2, 5), expected_output_shape=(2, 5))


def test_lambda():
    run_layer_test(layers.Lambda, {"function": lambda x: x * x + 1.0}, input_shape=(3, 4),
                   expected_output_shape=(3, 4), check_config=False)
    layer = layers.Lambda(lambda x, k: x[:, :k], arguments={"k": 2}, output_shape=(2,))
    assert layer.compute_output_shape((None, 5)) == (None, 2)
    assert layer(np.ones((3, 5))).shape == (3, 2)


def test_lambda_config_refuses_code_unless_unsafe():
    config = layers.Lambda(lambda x: x * 3.0).get_config()
    with pytest.raises(ValueError, match="safe_mode=False"):
        layers.Lambda.from_config(config)
    clone = layers.Lambda.from_config(config, safe_mode=False)
    np.testing.assert_allclose(clone(np.ones((1, 2))).data, 3.0)


def test_input_and_input_layer():
    x = layers.Input(shape=(13,))
    assert x.shape == (None, 13)
    y = layers.Dense(4)(x)
    assert y.shape == (None, 4)
    with pytest.raises(ValueError, match="shape="):
        layers.InputLayer()


def test_unknown_keyword_is_an_error():
    with pytest.raises(TypeError, match="Dense.*unexpectd"):
        layers.Dense(3, unexpectd=1)


def test_int_input_shape_like_kerasr():
    layer = layers.Dense(2, input_shape=13)
    assert layer._batch_input_shape == (None, 13)


def test_layer_names_are_unique_snake_case():
    a, b = layers.Dense(1), layers.Dense(1)
    assert a.name.startswith("dense") and a.name != b.name
    assert layers.ActivityRegularization().name.startswith("activity_regularization")


def test_trainable_flag_freezes_weights():
    layer = layers.Dense(2)
    layer(np.zeros((1, 3)))
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2
    out = layer(Tensor(np.ones((1, 3), dtype=np.float32)))
    assert out._ctx is None  # nothing to differentiate
