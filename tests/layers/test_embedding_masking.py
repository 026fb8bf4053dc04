"""Embedding (lookup, sparse gradient, mask_zero) and Masking."""
import numpy as np
import pytest

import lamina
from lamina import layers, optimizers
from lamina.autodiff import Tensor
from lamina.layers.embedding import EmbeddingLookup, _scatter_add

from .harness import run_layer_test

IDS = np.array([[1, 2, 3, 0], [4, 4, 0, 9]])


@pytest.mark.parametrize("kwargs", [
    {"input_dim": 10, "output_dim": 3},
    {"input_dim": 10, "output_dim": 2, "mask_zero": True},
    {"input_dim": 10, "output_dim": 3, "embeddings_initializer": "he_normal",
     "embeddings_regularizer": "l2", "embeddings_constraint": "unit_norm"},
])
def test_harness(kwargs):
    run_layer_test(layers.Embedding, kwargs, input_data=IDS,
                   expected_output_shape=(2, 4, kwargs["output_dim"]),
                   check_input_gradient=False)


def test_lookup_mask_and_keras_defaults():
    emb = layers.Embedding(10, 3, mask_zero=True)
    out = emb(IDS)
    np.testing.assert_array_equal(out.data, emb.embeddings.data[IDS])
    np.testing.assert_array_equal(out._keras_mask, IDS != 0)
    table = emb.embeddings.data
    assert table.dtype == np.float32 and np.abs(table).max() <= 0.05   # 'uniform' +-0.05
    assert [w.name for w in emb.weights] == ["embeddings"]
    np.testing.assert_array_equal(emb(IDS.astype(np.float32)).data, out.data)  # floats cast
    assert layers.Embedding(10, 3)(IDS)._keras_mask is None
    cfg = emb.get_config()
    for key in ("input_dim", "output_dim", "embeddings_initializer", "embeddings_regularizer",
                "embeddings_constraint", "mask_zero"):
        assert key in cfg
    assert layers.Embedding.from_config(cfg).get_config() == cfg


def test_input_length_and_initial_weights():
    emb = layers.Embedding(20, 4, input_length=7)
    model = lamina.Sequential([emb, layers.LSTM(3)])
    assert model.output_shape == (None, 3)
    weights = np.arange(40, dtype=np.float32).reshape(10, 4)
    emb2 = layers.Embedding(10, 4, weights=[weights])
    np.testing.assert_array_equal(emb2(np.array([[2]])).data[0, 0], weights[2])


def test_errors():
    with pytest.raises(ValueError, match="input_dim"):
        layers.Embedding(0, 3)
    with pytest.raises(ValueError, match="output_dim"):
        layers.Embedding(5, 2.5)
    emb = layers.Embedding(5, 2)
    with pytest.raises(ValueError, match=r"index 5 is out of range.*\[0, 5\)"):
        emb(np.array([[1, 5]]))
    with pytest.raises(ValueError, match="out of range"):
        emb(np.array([[-1]]))


def test_gradient_lands_sparsely_in_the_optimizer_buffer():
    """With an optimizer, the rows are added into the flat gradient buffer in place (no
    dense table-sized gradient); without one, a dense gradient comes back. Both agree."""
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 50, size=(8, 30))               # many repeats
    g = rng.standard_normal((8, 30, 4)).astype(np.float32)
    expected = np.zeros((50, 4), np.float32)
    np.add.at(expected, ids.ravel(), g.reshape(-1, 4))

    emb = layers.Embedding(50, 4)
    emb(ids)
    out = emb(ids)
    out.backward(g)                                        # no optimizer: dense gradient
    np.testing.assert_allclose(emb.embeddings.grad, expected, rtol=1e-5, atol=1e-6)

    opt = optimizers.SGD(0.1)
    opt.build(emb.trainable_weights)
    opt.zero_grad()
    buffer = emb.embeddings.grad
    emb(ids).backward(g)
    assert emb.embeddings.grad is buffer                    # the flat buffer's view, in place
    np.testing.assert_allclose(buffer, expected, rtol=1e-5, atol=1e-6)
    emb(ids).backward(g)                                    # accumulates, as backward does
    np.testing.assert_allclose(buffer, 2 * expected, rtol=1e-5, atol=1e-6)


def test_scatter_add_matches_add_at():
    rng = np.random.default_rng(1)
    for n in (5, 300):
        ids = rng.integers(0, 20, n)
        rows = rng.standard_normal((n, 3))
        a, b = np.zeros((20, 3)), np.zeros((20, 3))
        np.add.at(a, ids, rows)
        _scatter_add(b, ids, rows)
        np.testing.assert_allclose(a, b)
    table = Tensor(rng.standard_normal((6, 2)), requires_grad=True)
    lamina.autodiff.gradient_check(lambda t: (EmbeddingLookup.apply(t, np.array([[1, 1, 5]]))
                                              ** 2).sum(), table.data)


# --- Masking --------------------------------------------------------------------------------

def test_masking_harness_and_semantics():
    # (the mask is a step function of the input: check gradients away from its jumps)
    run_layer_test(layers.Masking, {"mask_value": 0.5}, input_shape=(2, 4, 3),
                   expected_output_shape=(2, 4, 3))
    x = np.random.default_rng(0).standard_normal((2, 4, 3)).astype(np.float32)
    x[0, 1] = 0.0
    x[1, 3] = 0.0
    out = layers.Masking()(x)
    np.testing.assert_array_equal(out._keras_mask, [[1, 0, 1, 1], [1, 1, 1, 0]])
    np.testing.assert_array_equal(out.data, x)
    y = x.copy()
    y[1, 0] = [-1.0, -1.0, -1.0]
    out = layers.Masking(mask_value=-1.0)(y)
    np.testing.assert_array_equal(out._keras_mask[1], [0, 1, 1, 1])
    np.testing.assert_array_equal(out.data[1, 0], 0.0)    # masked steps are zeroed, as Keras
    assert layers.Masking(mask_value=-1).get_config()["mask_value"] == -1.0
    with pytest.raises(ValueError, match="mask_value"):
        layers.Masking(mask_value="pad")


def test_masked_padding_does_not_change_the_last_output():
    """Zero-padded sequences give the same LSTM output as the unpadded ones."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 3, 2)).astype(np.float32)
    padded = np.concatenate([x, np.zeros((1, 2, 2), np.float32)], axis=1)
    model = lamina.Sequential([lamina.Input((None, 2)), layers.Masking(), layers.LSTM(4)])
    np.testing.assert_allclose(model.predict(padded, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)
