"""ZeroPadding, Cropping and UpSampling in 1, 2 and 3 dims."""
import numpy as np
import pytest

from lamina import layers

from .harness import run_layer_test

CASES = [
    (layers.ZeroPadding1D, {"padding": 2}, (2, 3, 2), (2, 7, 2)),
    (layers.ZeroPadding1D, {"padding": (0, 1)}, (2, 3, 2), (2, 4, 2)),
    (layers.ZeroPadding2D, {"padding": ((1, 0), (2, 1))}, (2, 2, 3, 2), (2, 3, 6, 2)),
    (layers.ZeroPadding2D, {"padding": (1, 2), "data_format": "channels_first"}, (1, 2, 2, 2),
     (1, 2, 4, 6)),
    (layers.ZeroPadding3D, {"padding": 1}, (1, 2, 1, 2, 1), (1, 4, 3, 4, 1)),
    (layers.Cropping1D, {"cropping": (1, 2)}, (2, 6, 2), (2, 3, 2)),
    (layers.Cropping2D, {"cropping": ((1, 1), (0, 2))}, (2, 4, 5, 2), (2, 2, 3, 2)),
    (layers.Cropping2D, {"cropping": 1, "data_format": "channels_first"}, (1, 2, 4, 4),
     (1, 2, 2, 2)),
    (layers.Cropping3D, {"cropping": ((1, 0), (0, 1), (1, 1))}, (1, 3, 3, 3, 1),
     (1, 2, 2, 1, 1)),
    (layers.UpSampling1D, {"size": 3}, (2, 3, 2), (2, 9, 2)),
    (layers.UpSampling2D, {"size": (2, 3)}, (2, 2, 2, 2), (2, 4, 6, 2)),
    (layers.UpSampling2D, {"size": 2, "data_format": "channels_first"}, (1, 2, 2, 3),
     (1, 2, 4, 6)),
    (layers.UpSampling2D, {"size": (2, 3), "interpolation": "bilinear"}, (1, 3, 2, 2),
     (1, 6, 6, 2)),
    (layers.UpSampling2D, {"size": 2, "interpolation": "bilinear",
                           "data_format": "channels_first"}, (1, 2, 2, 3), (1, 2, 4, 6)),
    (layers.UpSampling3D, {"size": (1, 2, 2)}, (1, 2, 2, 2, 1), (1, 2, 4, 4, 1)),
]


@pytest.mark.parametrize("cls,kwargs,shape,expected", CASES,
                         ids=[f"{c.__name__}-{i}" for i, (c, *_) in enumerate(CASES)])
def test_reshaping_harness(cls, kwargs, shape, expected):
    run_layer_test(cls, kwargs, input_shape=shape, expected_output_shape=expected)


def test_values():
    x = np.arange(1.0, 5.0, dtype=np.float32).reshape(1, 2, 2, 1)
    p = layers.ZeroPadding2D(((1, 0), (0, 1)))(x).numpy()[0, :, :, 0]
    np.testing.assert_array_equal(p, [[0, 0, 0], [1, 2, 0], [3, 4, 0]])
    u = layers.UpSampling2D((1, 2))(x).numpy()[0, :, :, 0]
    np.testing.assert_array_equal(u, [[1, 1, 2, 2], [3, 3, 4, 4]])
    c = layers.Cropping1D((1, 0))(np.arange(6.0).reshape(1, 3, 2)).numpy()
    np.testing.assert_array_equal(c, [[[2, 3], [4, 5]]])
    u3 = layers.UpSampling3D(2)(np.arange(8.0).reshape(1, 2, 2, 2, 1)).numpy()
    np.testing.assert_array_equal(u3[0, :, :, :, 0], np.arange(8.0).reshape(2, 2, 2).repeat(
        2, 0).repeat(2, 1).repeat(2, 2))


def test_bilinear_matches_half_pixel_interpolation():
    """TF2 / JAX bilinear resize (half-pixel centres), which Keras 3's UpSampling2D uses."""
    x = np.array([[0.0, 1.0], [2.0, 5.0]], dtype=np.float32).reshape(1, 2, 2, 1)
    y = layers.UpSampling2D(2, interpolation="bilinear")(x).numpy()[0, :, :, 0]
    row = lambda a, b: [a, 0.75 * a + 0.25 * b, 0.25 * a + 0.75 * b, b]  # noqa: E731
    top, bottom = np.array(row(0.0, 1.0)), np.array(row(2.0, 5.0))
    ref = np.array([top, 0.75 * top + 0.25 * bottom, 0.25 * top + 0.75 * bottom, bottom])
    np.testing.assert_allclose(y, ref, rtol=1e-6)


def test_keras_config_forms():
    assert layers.ZeroPadding2D(2).get_config()["padding"] == ((2, 2), (2, 2))
    assert layers.ZeroPadding1D(2).get_config()["padding"] == (2, 2)
    assert layers.Cropping3D().get_config()["cropping"] == ((1, 1), (1, 1), (1, 1))
    assert layers.UpSampling1D().get_config()["size"] == 2
    # a config saved by Keras (lists) loads
    assert layers.ZeroPadding2D.from_config({"padding": [[1, 0], [0, 1]]}).padding == (
        (1, 0), (0, 1))


def test_bad_input():
    with pytest.raises(ValueError, match="padding"):
        layers.ZeroPadding2D((1, 2, 3))
    with pytest.raises(ValueError, match="padding"):
        layers.ZeroPadding1D(-1)
    with pytest.raises(ValueError, match="interpolation"):
        layers.UpSampling2D(interpolation="bicubic")
    with pytest.raises(ValueError, match="size"):
        layers.UpSampling3D(0)
    with pytest.raises(ValueError, match=r"Cropping2D '.*'.*removes all.*\(3, 3\)"):
        layers.Cropping2D(((2, 1), (0, 0)))(np.zeros((1, 3, 3, 1)))
    with pytest.raises(ValueError, match=r"ZeroPadding2D '.*' expects inputs of rank 4"):
        layers.ZeroPadding2D()(np.zeros((3, 3, 1)))
