"""Merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot."""
import numpy as np
import pytest

from lamina import layers
from lamina.autodiff import Tensor, gradient_check

from .harness import run_layer_test

RNG = np.random.default_rng(0)
A, B, C = (RNG.standard_normal((3, 4)) for _ in range(3))

ELEMENTWISE = [
    (layers.Add, lambda *xs: sum(xs), 3),
    (layers.Subtract, lambda a, b: a - b, 2),
    (layers.Multiply, lambda *xs: np.prod(xs, axis=0), 3),
    (layers.Average, lambda *xs: np.mean(xs, axis=0), 3),
    (layers.Maximum, lambda *xs: np.max(xs, axis=0), 3),
    (layers.Minimum, lambda *xs: np.min(xs, axis=0), 3),
]


@pytest.mark.parametrize("cls,ref,n", ELEMENTWISE, ids=lambda v: getattr(v, "__name__", ""))
def test_elementwise_values_and_gradients(cls, ref, n):
    xs = [A, B, C][:n]
    out = cls()([x.astype(np.float32) for x in xs])
    np.testing.assert_allclose(out.data, ref(*xs), rtol=1e-5, atol=1e-6)
    layer = cls(dtype="float64")
    assert gradient_check(lambda *ts: layer(list(ts)), *xs)


@pytest.mark.parametrize("cls,ref,n", ELEMENTWISE, ids=lambda v: getattr(v, "__name__", ""))
def test_elementwise_harness(cls, ref, n):
    run_layer_test(cls, {}, input_shape=[(3, 4)] * n, expected_output_shape=(3, 4))


def test_functional_forms():
    a, b = layers.Input(shape=(4,)), layers.Input(shape=(4,))
    for fn in (layers.add, layers.subtract, layers.multiply, layers.average, layers.maximum,
               layers.minimum, layers.concatenate):
        assert fn([a, b]).shape[0] is None
    assert layers.concatenate([a, b]).shape == (None, 8)
    assert layers.dot([a, b], axes=1).shape == (None, 1)
    out = layers.add([A.astype(np.float32), B.astype(np.float32)])
    np.testing.assert_allclose(out.data, A + B, rtol=1e-6)


def test_broadcasting_and_rank_expansion():
    x = RNG.standard_normal((2, 3, 4))
    y = RNG.standard_normal((2, 4))  # lower rank: an axis is inserted after the batch axis
    out = layers.Add()([x, y])
    np.testing.assert_allclose(out.data, x + y[:, None, :], rtol=1e-6)
    assert layers.Add().compute_output_shape([(None, 3, 1), (None, 3, 5)]) == (None, 3, 5)


def test_shape_errors_name_layer_and_shapes():
    with pytest.raises(ValueError, match=r"add_bad.*\(None, 3\).*\(None, 4\)"):
        layers.Add(name="add_bad")([layers.Input(shape=(3,)), layers.Input(shape=(4,))])
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        layers.Subtract()([layers.Input(shape=(3,))] * 3)
    with pytest.raises(ValueError, match="list of tensors"):
        layers.Add()(layers.Input(shape=(3,)))
    with pytest.raises(ValueError, match=r"Concatenate.*matching shapes"):
        layers.Concatenate(axis=-1)([layers.Input(shape=(2, 3)), layers.Input(shape=(3, 3))])
    with pytest.raises(ValueError, match="differ in size"):
        layers.Dot(axes=1)([layers.Input(shape=(3,)), layers.Input(shape=(4,))])


@pytest.mark.parametrize("axis", [-1, 1])
def test_concatenate(axis):
    x, y = RNG.standard_normal((2, 3, 4)), RNG.standard_normal((2, 3, 4))
    out = layers.Concatenate(axis=axis)([x, y])
    np.testing.assert_allclose(out.data, np.concatenate([x, y], axis=axis), rtol=1e-6)
    layer = layers.Concatenate(axis=axis, dtype="float64")
    assert gradient_check(lambda a, b: layer([a, b]), x, y)
    expected = (2, 3, 8) if axis == -1 else (2, 6, 4)
    run_layer_test(layers.Concatenate, {"axis": axis}, input_shape=[(2, 3, 4), (2, 3, 4)],
                   expected_output_shape=expected)


def _batch_dot_ref(x, y, axes):
    return np.stack([np.tensordot(a, b, axes=(axes[0] - 1, axes[1] - 1)) for a, b in zip(x, y)])


@pytest.mark.parametrize("shapes,axes,normalize", [
    ([(3, 4), (3, 4)], 1, False),
    ([(3, 4), (3, 4)], -1, True),
    ([(2, 3, 4), (2, 5, 4)], (2, 2), False),
    ([(2, 3, 4), (2, 3, 5)], (1, 1), True),
])
def test_dot(shapes, axes, normalize):
    x, y = (RNG.standard_normal(s) for s in shapes)
    out = layers.Dot(axes=axes, normalize=normalize)([x, y])
    ax = [axes, axes] if isinstance(axes, int) else list(axes)
    ax = [a % len(s) for a, s in zip(ax, shapes)]
    if normalize:
        x_ref = x / np.linalg.norm(x, axis=ax[0], keepdims=True)
        y_ref = y / np.linalg.norm(y, axis=ax[1], keepdims=True)
    else:
        x_ref, y_ref = x, y
    ref = _batch_dot_ref(x_ref, y_ref, ax)
    ref = ref.reshape(len(x), -1) if ref.ndim == 1 else ref
    np.testing.assert_allclose(out.data, ref, rtol=1e-5, atol=1e-6)
    layer = layers.Dot(axes=axes, normalize=normalize, dtype="float64")
    assert gradient_check(lambda a, b: layer([a, b]), x, y)
    run_layer_test(layers.Dot, {"axes": axes, "normalize": normalize}, input_shape=shapes,
                   expected_output_shape=out.shape)


def test_masks_combined_as_keras():
    x = RNG.standard_normal((2, 3, 2))
    y = RNG.standard_normal((2, 3, 2))
    mx = np.array([[True, True, False], [True, False, False]])
    my = np.array([[True, False, False], [True, True, False]])
    tx, ty = Tensor(x), Tensor(y)
    tx._keras_mask, ty._keras_mask = mx, my
    add = layers.Add()([tx, ty])
    np.testing.assert_array_equal(add._keras_mask, mx | my)
    # Maximum: a masked step takes the other input's value
    mx_out = layers.Maximum()([tx, ty]).data
    both, only_x, only_y = (mx & my)[..., None], (mx & ~my)[..., None], (~mx & my)[..., None]
    ref = np.where(both, np.maximum(x, y), np.where(only_x, x, np.where(only_y, y, x)))
    np.testing.assert_allclose(mx_out, ref)
    # Multiply: masked steps count as 1; steps masked in every input are 0
    prod = layers.Multiply()([tx, ty]).data
    ref = np.where(mx[..., None], x, 1.0) * np.where(my[..., None], y, 1.0)
    ref = np.where((mx | my)[..., None], ref, 0.0)
    np.testing.assert_allclose(prod, ref)
    # one input without a mask: no output mask (as Keras)
    tz = Tensor(y)
    assert getattr(layers.Add()([tx, tz]), "_keras_mask", None) is None
    # Concatenate along features: the OR of the masks (a missing mask counts as all True)
    cat = layers.Concatenate()([tx, tz])
    np.testing.assert_array_equal(cat._keras_mask, np.ones((2, 3), bool))
    cat_time = layers.Concatenate(axis=1)([tx, ty])
    np.testing.assert_array_equal(cat_time._keras_mask, np.concatenate([mx, my], axis=1))


def test_configs_are_keras_shaped():
    assert layers.Concatenate(axis=1, name="c").get_config()["axis"] == 1
    config = layers.Dot(axes=(1, 2), normalize=True).get_config()
    assert config["axes"] == [1, 2] and config["normalize"] is True
    assert type(layers.deserialize(layers.serialize(layers.Average()))) is layers.Average
