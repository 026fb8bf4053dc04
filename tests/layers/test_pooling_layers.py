"""Pooling layers: harness (gradients included) in their main configurations, values against
direct loops, global poolings, masks and bad-input errors."""
import importlib.util
import pathlib

import numpy as np
import pytest

from lamina import layers

from .harness import run_layer_test


def _ref_pool():
    path = pathlib.Path(__file__).resolve().parent.parent / "ops" / "test_conv_ops.py"
    spec = importlib.util.spec_from_file_location("_conv_references", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ref_pool


ref_pool = _ref_pool()

POOL = [
    (layers.MaxPooling1D, {}, (2, 6, 2), (2, 3, 2)),
    (layers.MaxPooling1D, {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 5, 2),
     (2, 3, 2)),
    (layers.MaxPooling1D, {"data_format": "channels_first"}, (2, 2, 6), (2, 2, 3)),
    (layers.MaxPooling2D, {}, (2, 4, 6, 2), (2, 2, 3, 2)),
    (layers.MaxPooling2D, {"pool_size": (3, 2), "strides": 1, "padding": "same"}, (1, 4, 3, 2),
     (1, 4, 3, 2)),
    (layers.MaxPooling2D, {"pool_size": 2, "data_format": "channels_first"}, (1, 2, 5, 5),
     (1, 2, 2, 2)),
    (layers.MaxPooling3D, {}, (1, 4, 2, 4, 2), (1, 2, 1, 2, 2)),
    (layers.MaxPooling3D, {"pool_size": 2, "strides": 1, "padding": "same",
                           "data_format": "channels_first"}, (1, 2, 2, 3, 2), (1, 2, 2, 3, 2)),
    (layers.AveragePooling1D, {"pool_size": 3, "strides": 1, "padding": "same"}, (2, 5, 2),
     (2, 5, 2)),
    (layers.AveragePooling2D, {}, (2, 4, 4, 2), (2, 2, 2, 2)),
    (layers.AveragePooling2D, {"pool_size": 3, "strides": 2, "padding": "same",
                               "data_format": "channels_first"}, (1, 2, 5, 4), (1, 2, 3, 2)),
    (layers.AveragePooling3D, {"pool_size": (2, 1, 2)}, (1, 2, 3, 4, 2), (1, 1, 3, 2, 2)),
    (layers.GlobalMaxPooling1D, {}, (2, 5, 3), (2, 3)),
    (layers.GlobalMaxPooling2D, {"keepdims": True}, (2, 3, 4, 3), (2, 1, 1, 3)),
    (layers.GlobalMaxPooling3D, {"data_format": "channels_first"}, (1, 3, 2, 2, 2), (1, 3)),
    (layers.GlobalAveragePooling1D, {"data_format": "channels_first"}, (2, 3, 5), (2, 3)),
    (layers.GlobalAveragePooling2D, {}, (2, 3, 4, 3), (2, 3)),
    (layers.GlobalAveragePooling3D, {"keepdims": True}, (1, 2, 2, 2, 3), (1, 1, 1, 1, 3)),
]


@pytest.mark.parametrize("cls,kwargs,shape,expected", POOL,
                         ids=[f"{c.__name__}-{i}" for i, (c, *_) in enumerate(POOL)])
def test_pooling_harness(cls, kwargs, shape, expected):
    run_layer_test(cls, kwargs, input_shape=shape, expected_output_shape=expected)


@pytest.mark.parametrize("cls,kind", [(layers.MaxPooling2D, "max"),
                                      (layers.AveragePooling2D, "avg")])
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_pooling_values(cls, kind, padding):
    x = np.random.default_rng(0).standard_normal((2, 7, 6, 3))
    y = cls(pool_size=3, strides=2, padding=padding)(x.astype(np.float32)).numpy()
    np.testing.assert_allclose(y, ref_pool(x, (3, 3), (2, 2), padding, kind), rtol=1e-5,
                               atol=1e-6)


def test_keras_example_values():
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]).reshape(1, 3, 3, 1)
    y = layers.MaxPooling2D(pool_size=(2, 2), strides=(1, 1))(x).numpy()
    np.testing.assert_array_equal(y[0, :, :, 0], [[5.0, 6.0], [8.0, 9.0]])
    y = layers.AveragePooling2D(pool_size=(2, 2), strides=(1, 1), padding="same")(x).numpy()
    np.testing.assert_allclose(y[0, :, :, 0], [[3.0, 4.0, 4.5], [6.0, 7.0, 7.5],
                                               [7.5, 8.5, 9.0]])


def test_global_average_pooling_1d_mask():
    x = np.arange(12, dtype=np.float32).reshape(2, 3, 2)
    mask = np.array([[True, True, False], [True, False, False]])
    y = layers.GlobalAveragePooling1D()(x, mask=mask).numpy()
    np.testing.assert_allclose(y, [[1.0, 2.0], [6.0, 7.0]])


def test_aliases():
    assert layers.MaxPool2D is layers.MaxPooling2D and layers.AvgPool1D is layers.AveragePooling1D
    assert layers.GlobalAvgPool2D is layers.GlobalAveragePooling2D
    assert layers.MaxPooling2D().name.startswith("max_pooling2d")


def test_pooling_bad_input():
    with pytest.raises(ValueError, match=r"MaxPooling2D '.*' expects inputs of rank 4.*"
                                         r"\(26, 26, 32\)"):
        layers.MaxPooling2D()(np.zeros((26, 26, 32)))
    with pytest.raises(ValueError, match=r"MaxPooling2D '.*'.*larger.*\(2, 2\)"):
        layers.MaxPooling2D(3)(np.zeros((1, 2, 2, 1)))
    with pytest.raises(ValueError, match="pool_size"):
        layers.MaxPooling2D(0)
    with pytest.raises(ValueError, match="strides"):
        layers.AveragePooling1D(2, strides=0)
    with pytest.raises(ValueError, match="padding"):
        layers.MaxPooling1D(padding="causal")
    layer = layers.MaxPooling2D()
    layer(np.zeros((1, 4, 4, 2)))
    with pytest.raises(ValueError, match=r"2 channels.*\(1, 4, 4, 3\)"):
        layer(np.zeros((1, 4, 4, 3)))
