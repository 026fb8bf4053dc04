"""Convolution layers: the harness (shapes, float64 gradients, config, training) in their
main configurations, Keras's kernel layouts against direct loops, and bad-input errors."""
import importlib.util
import pathlib

import numpy as np
import pytest

from lamina import layers
from lamina.autodiff import Tensor

from .harness import run_layer_test


def _references():
    """The direct-loop references of tests/ops/test_conv_ops.py (tests/ops is no package)."""
    path = pathlib.Path(__file__).resolve().parent.parent / "ops" / "test_conv_ops.py"
    spec = importlib.util.spec_from_file_location("_conv_references", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_refs = _references()
ref_conv, ref_conv_transpose = _refs.ref_conv, _refs.ref_conv_transpose

CONV = [
    # (class, kwargs, input shape, expected output shape)
    (layers.Conv1D, {"filters": 2, "kernel_size": 3}, (2, 6, 2), (2, 4, 2)),
    (layers.Conv1D, {"filters": 2, "kernel_size": 2, "padding": "causal", "dilation_rate": 2},
     (2, 5, 2), (2, 5, 2)),
    (layers.Conv1D, {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same",
                     "groups": 2, "activation": "relu"}, (2, 7, 2), (2, 4, 4)),
    (layers.Conv1D, {"filters": 2, "kernel_size": 2, "data_format": "channels_first"},
     (2, 3, 5), (2, 2, 4)),
    (layers.Conv2D, {"filters": 3, "kernel_size": 3, "activation": "tanh"}, (2, 5, 5, 2),
     (2, 3, 3, 3)),
    (layers.Conv2D, {"filters": 2, "kernel_size": (3, 2), "strides": (2, 1), "padding": "same"},
     (2, 5, 4, 2), (2, 3, 4, 2)),
    (layers.Conv2D, {"filters": 2, "kernel_size": 2, "dilation_rate": (2, 1), "padding": "same",
                     "use_bias": False}, (1, 5, 4, 2), (1, 5, 4, 2)),
    (layers.Conv2D, {"filters": 4, "kernel_size": 2, "groups": 2}, (2, 4, 4, 4), (2, 3, 3, 4)),
    (layers.Conv2D, {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same",
                     "data_format": "channels_first", "activation": "elu"}, (2, 2, 5, 5),
     (2, 2, 3, 3)),
    (layers.Conv3D, {"filters": 2, "kernel_size": 2}, (1, 3, 3, 3, 2), (1, 2, 2, 2, 2)),
    (layers.Conv3D, {"filters": 2, "kernel_size": (2, 3, 2), "strides": (1, 2, 2),
                     "padding": "same", "data_format": "channels_first"}, (1, 2, 3, 4, 3),
     (1, 2, 3, 2, 2)),
    (layers.Conv1DTranspose, {"filters": 2, "kernel_size": 3, "strides": 2}, (2, 3, 2),
     (2, 7, 2)),
    (layers.Conv1DTranspose, {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same",
                              "output_padding": 1, "activation": "sigmoid"}, (1, 3, 2),
     (1, 6, 2)),
    (layers.Conv2DTranspose, {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"},
     (2, 3, 2, 2), (2, 6, 4, 2)),
    (layers.Conv2DTranspose, {"filters": 2, "kernel_size": (2, 3), "dilation_rate": (1, 2),
                              "data_format": "channels_first"}, (1, 2, 3, 3), (1, 2, 4, 7)),
    (layers.Conv3DTranspose, {"filters": 1, "kernel_size": 2, "strides": 2}, (1, 2, 2, 1, 2),
     (1, 4, 4, 2, 1)),
    (layers.DepthwiseConv1D, {"kernel_size": 3, "depth_multiplier": 2, "padding": "same"},
     (2, 5, 2), (2, 5, 4)),
    (layers.DepthwiseConv2D, {"kernel_size": 2, "depth_multiplier": 2}, (2, 4, 4, 2),
     (2, 3, 3, 4)),
    (layers.DepthwiseConv2D, {"kernel_size": 3, "strides": 2, "padding": "same",
                              "data_format": "channels_first"}, (1, 3, 5, 4), (1, 3, 3, 2)),
    (layers.SeparableConv1D, {"filters": 3, "kernel_size": 2, "depth_multiplier": 2},
     (2, 5, 2), (2, 4, 3)),
    (layers.SeparableConv2D, {"filters": 3, "kernel_size": 2, "padding": "same",
                              "dilation_rate": 2, "activation": "relu"}, (1, 4, 4, 2),
     (1, 4, 4, 3)),
    (layers.LocallyConnected1D, {"filters": 2, "kernel_size": 2, "strides": 2}, (2, 5, 2),
     (2, 2, 2)),
    (layers.LocallyConnected2D, {"filters": 2, "kernel_size": (2, 2), "activation": "tanh"},
     (2, 3, 4, 2), (2, 2, 3, 2)),
    (layers.LocallyConnected2D, {"filters": 2, "kernel_size": 2, "data_format":
                                 "channels_first"}, (1, 2, 3, 3), (1, 2, 2, 2)),
]


@pytest.mark.parametrize("cls,kwargs,shape,expected", CONV,
                         ids=[f"{c.__name__}-{i}" for i, (c, *_) in enumerate(CONV)])
def test_conv_layers_harness(cls, kwargs, shape, expected):
    run_layer_test(cls, kwargs, input_shape=shape, expected_output_shape=expected)


def test_conv2d_kernel_layout_is_keras():
    """Keras's Conv2D kernel is (kh, kw, in, out): out[i, j] = x[i, j] - x[i+1, j+1] here."""
    layer = layers.Conv2D(1, 2, use_bias=False)
    x = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    layer(x)
    assert layer.kernel.shape == (2, 2, 1, 1)
    layer.set_weights([np.array([[1.0, 0.0], [0.0, -1.0]]).reshape(2, 2, 1, 1)])
    np.testing.assert_array_equal(layer(x).numpy(), np.full((1, 3, 3, 1), -5.0))


def test_conv_layers_match_keras_definitions_with_given_weights():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 6, 5, 4)).astype(np.float32)
    layer = layers.Conv2D(6, (3, 2), strides=(2, 1), padding="same", groups=2)
    layer(x)
    k = rng.standard_normal((3, 2, 2, 6)).astype(np.float32)
    b = rng.standard_normal(6).astype(np.float32)
    assert [w.name for w in layer.weights] == ["kernel", "bias"]
    layer.set_weights([k, b])
    np.testing.assert_allclose(layer(x).numpy(), ref_conv(x.astype(np.float64), k, b, (2, 1),
                                                          "same", (1, 1)), rtol=1e-4, atol=1e-5)
    t = layers.Conv2DTranspose(3, 3, strides=2, padding="same", use_bias=False)
    t(x)
    assert t.kernel.shape == (3, 3, 3, 4)           # (kh, kw, filters, in_channels)
    kt = rng.standard_normal((3, 3, 3, 4)).astype(np.float32)
    t.set_weights([kt])
    np.testing.assert_allclose(t(x).numpy(), ref_conv_transpose(
        x.astype(np.float64), kt, (2, 2), "same"), rtol=1e-4, atol=1e-5)
    d = layers.DepthwiseConv2D(2, depth_multiplier=3)
    d(x)
    assert d.kernel.shape == (2, 2, 4, 3) and d.bias.shape == (12,)
    s = layers.SeparableConv2D(5, 2, depth_multiplier=2)
    s(x)
    assert [w.shape for w in s.weights] == [(2, 2, 4, 2), (1, 1, 8, 5), (5,)]
    assert [w.name for w in s.weights] == ["depthwise_kernel", "pointwise_kernel", "bias"]
    lc = layers.LocallyConnected2D(3, (2, 2))
    lc(x)
    assert lc.kernel.shape == (5 * 4, 2 * 2 * 4, 3) and lc.bias.shape == (5, 4, 3)


def test_channels_first_equals_channels_last():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 6, 6, 3)).astype(np.float32)
    a = layers.Conv2D(4, 3, strides=2, padding="same", activation="relu")
    b = layers.Conv2D(4, 3, strides=2, padding="same", activation="relu",
                      data_format="channels_first")
    ya = a(x)
    b(x.transpose(0, 3, 1, 2))
    b.set_weights(a.get_weights())
    np.testing.assert_allclose(b(x.transpose(0, 3, 1, 2)).numpy().transpose(0, 2, 3, 1),
                               ya.numpy(), rtol=1e-5, atol=1e-6)


def test_conv_accepts_other_spatial_sizes_after_build():
    layer = layers.Conv2D(2, 3, padding="same")
    assert layer(np.zeros((1, 8, 8, 1))).shape == (1, 8, 8, 2)
    assert layer(np.zeros((3, 5, 7, 1))).shape == (3, 5, 7, 2)


def test_conv_in_a_model_with_unknown_spatial_size():
    import lamina
    model = lamina.Sequential([layers.InputLayer(shape=(None, None, 1)),
                               layers.Conv2D(2, 3, name="c")])
    assert model.output_shape == (None, None, None, 2)
    assert model.predict(np.zeros((1, 6, 5, 1)), verbose=0).shape == (1, 4, 3, 2)
    with pytest.raises(ValueError, match=r"Conv2D 'c'.*larger.*\(1, 2, 2, 1\)"):
        model.predict(np.zeros((1, 2, 2, 1)), verbose=0)


def test_conv1d_causal_sees_only_the_past():
    layer = layers.Conv1D(1, 3, padding="causal", dilation_rate=2, kernel_initializer="ones",
                          use_bias=False)
    x = np.zeros((1, 8, 1), np.float32)
    x[0, 5, 0] = 1.0
    y = layer(x).numpy()[0, :, 0]
    np.testing.assert_array_equal(y, [0, 0, 0, 0, 0, 1, 0, 1])  # taps at t, t-2, t-4


# --- bad input: a clear error naming the layer and the shapes --------------------------------

def test_wrong_rank_names_the_layer_and_shape():
    with pytest.raises(ValueError, match=r"Conv2D 'img'.*rank 4.*\(28, 28, 1\)"):
        layers.Conv2D(4, 3, name="img")(np.zeros((28, 28, 1)))
    with pytest.raises(ValueError, match=r"Conv1D.*rank 3.*\(2, 5, 5, 1\)"):
        layers.Conv1D(4, 3)(np.zeros((2, 5, 5, 1)))


def test_wrong_channel_count_names_the_layer_and_shapes():
    layer = layers.Conv2D(4, 3, name="first")
    layer(np.zeros((2, 8, 8, 1)))
    with pytest.raises(ValueError, match=r"Conv2D 'first'.*1 channels.*\(2, 8, 8, 3\).*3 "
                                         r"channels"):
        layer(np.zeros((2, 8, 8, 3)))
    with pytest.raises(ValueError, match=r"divisible by `groups`"):
        layers.Conv2D(4, 3, groups=2)(np.zeros((1, 5, 5, 3)))


@pytest.mark.parametrize("cls,kwargs,shape", [
    (layers.Conv2D, {"filters": 2, "kernel_size": 5}, (1, 3, 3, 1)),
    (layers.Conv2D, {"filters": 2, "kernel_size": 3, "dilation_rate": 2}, (1, 4, 4, 1)),
    (layers.Conv1D, {"filters": 2, "kernel_size": 4}, (1, 3, 1)),
    (layers.Conv3D, {"filters": 2, "kernel_size": (1, 1, 3)}, (1, 2, 2, 2, 1)),
    (layers.DepthwiseConv2D, {"kernel_size": 4}, (1, 3, 3, 2)),
    (layers.LocallyConnected2D, {"filters": 2, "kernel_size": 4}, (1, 3, 3, 1)),
])
def test_kernel_larger_than_input(cls, kwargs, shape):
    with pytest.raises(ValueError, match=rf"{cls.__name__} '.*'.*kernel.*larger.*"
                                         rf"{tuple(shape[1:-1])}".replace("(", r"\(")
                       .replace(")", r"\)")):
        cls(**kwargs)(np.zeros(shape))


@pytest.mark.parametrize("kwargs,what", [
    ({"filters": 2, "kernel_size": 3, "strides": 0}, "strides"),
    ({"filters": 2, "kernel_size": 3, "strides": (1, 0)}, "strides"),
    ({"filters": 2, "kernel_size": 0}, "kernel_size"),
    ({"filters": 2, "kernel_size": (3, 3, 3)}, "kernel_size"),
    ({"filters": 0, "kernel_size": 3}, "filters"),
    ({"filters": 3, "kernel_size": 3, "groups": 2}, "groups"),
    ({"filters": 2, "kernel_size": 3, "padding": "causal"}, "padding"),
    ({"filters": 2, "kernel_size": 3, "dilation_rate": 0}, "dilation_rate"),
    ({"filters": 2, "kernel_size": 3, "strides": 2, "dilation_rate": 2}, "dilation_rate"),
    ({"filters": 2, "kernel_size": 3, "data_format": "NHWC"}, "data_format"),
])
def test_bad_arguments(kwargs, what):
    with pytest.raises(ValueError, match=rf"Conv2D '.*'.*{what}"):
        layers.Conv2D(**kwargs)


def test_bad_arguments_of_other_conv_layers():
    with pytest.raises(ValueError, match="strides"):
        layers.Conv1DTranspose(2, 3, strides=0)
    with pytest.raises(ValueError, match="depth_multiplier"):
        layers.DepthwiseConv2D(3, depth_multiplier=0)
    with pytest.raises(ValueError, match="padding"):
        layers.LocallyConnected2D(2, 3, padding="same")
    with pytest.raises(ValueError, match="padding"):
        layers.Conv2DTranspose(2, 3, padding="full")


def test_locally_connected_rejects_another_spatial_size():
    layer = layers.LocallyConnected1D(2, 2)
    layer(np.zeros((1, 5, 1)))
    with pytest.raises(ValueError, match=r"LocallyConnected1D.*\(None, 5, 1\).*\(1, 6, 1\)"):
        layer(np.zeros((1, 6, 1)))


def test_symbolic_shapes_and_summary():
    import lamina
    model = lamina.Sequential([
        layers.InputLayer(shape=(28, 28, 1)),
        layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(2),
        layers.Flatten(), layers.Dropout(0.5), layers.Dense(10, activation="softmax")])
    assert model.output_shape == (None, 10)
    assert model.count_params() == 320 + 18496 + 16010   # as Keras's example reports
    out = model(Tensor(np.zeros((2, 28, 28, 1), np.float32)))
    assert out.shape == (2, 10)
