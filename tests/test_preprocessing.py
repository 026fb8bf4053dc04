"""normalize and to_categorical against hand computations and Keras's shape rules."""
import numpy as np
import pytest

from lamina.autodiff import Tensor
from lamina.preprocessing import normalize, to_categorical


def test_normalize_l2_rows_and_zero_rows():
    x = np.array([[3.0, 4.0], [0.0, 0.0], [1.0, 1.0]])
    s = np.sqrt(0.5)
    np.testing.assert_allclose(normalize(x), [[0.6, 0.8], [0, 0], [s, s]])
    assert not np.isnan(normalize(x)).any()


def test_normalize_axis0_order1_and_copy():
    x = np.array([[1.0, -2.0, 0.0], [3.0, 2.0, 0.0]])
    np.testing.assert_allclose(normalize(x, axis=0, order=1),
                               [[0.25, -0.5, 0], [0.75, 0.5, 0]])
    np.testing.assert_allclose(normalize(x, axis=-2), x / np.sqrt([[10.0, 8.0, 1.0]]))
    normalize(x)
    assert x[0, 0] == 1.0  # input left untouched


def test_normalize_1d_3d_dtypes():
    np.testing.assert_allclose(normalize([0, 3, 4]), [0, 0.6, 0.8])
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    out = normalize(x, axis=1, order=3)
    assert out.dtype == np.float32 and out.shape == x.shape
    norm = np.sum(np.abs(x) ** 3, axis=1, keepdims=True) ** (1 / 3)
    np.testing.assert_allclose(out, x / norm, rtol=1e-6)
    np.testing.assert_allclose(normalize(Tensor(np.array([[6.0, 8.0]]))), [[0.6, 0.8]])


@pytest.mark.parametrize("kwargs, match", [
    ({"order": 0}, "order"), ({"order": 1.5}, "order"), ({"order": True}, "order"),
    ({"axis": 2}, "axis"), ({"axis": -3}, "axis"), ({"axis": None}, "axis"),
    ({"axis": 0.0}, "axis"),
])
def test_normalize_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        normalize(np.ones((2, 3)), **kwargs)


def test_normalize_bad_x():
    with pytest.raises(ValueError, match="numbers"):
        normalize(np.array(["a", "b"]))


def test_to_categorical_basic():
    out = to_categorical([0, 2, 1, 2])
    np.testing.assert_array_equal(out, [[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1]])
    assert out.dtype == np.float32
    np.testing.assert_array_equal(to_categorical(np.array([1, 0]), num_classes=4),
                                  [[0, 1, 0, 0], [1, 0, 0, 0]])


def test_to_categorical_shapes():
    assert to_categorical(np.array([[0], [2], [1]])).shape == (3, 3)  # (n, 1) -> (n, C)
    np.testing.assert_array_equal(to_categorical([[0], [1]]), [[1, 0], [0, 1]])
    out = to_categorical(np.array([[0, 1], [1, 3]]))
    assert out.shape == (2, 2, 4) and out[1, 1, 3] == 1 and out.sum() == 4
    np.testing.assert_array_equal(to_categorical(2, num_classes=3), [0, 0, 1])
    assert to_categorical([1]).shape == (1, 2)  # 1-d input keeps its axis
    assert to_categorical([], num_classes=3).shape == (0, 3)
    np.testing.assert_array_equal(to_categorical(np.array([1.0, 0.0])), [[0, 1], [1, 0]])


@pytest.mark.parametrize("x, kwargs, match", [
    ([0, -1], {}, r"\[0, "),
    ([0, 3], {"num_classes": 3}, r"\[0, 3\)"),
    ([0.5, 1], {}, "whole-number"),
    ([np.nan], {}, "whole-number"),
    ([], {}, "num_classes"),
    ([0, 1], {"num_classes": 0}, "num_classes"),
    ([0, 1], {"num_classes": 2.0}, "num_classes"),
    (["a", "b"], {}, "integer class labels"),
])
def test_to_categorical_bad_input(x, kwargs, match):
    with pytest.raises(ValueError, match=match):
        to_categorical(x, **kwargs)
