"""Bidirectional and TimeDistributed."""
import numpy as np
import pytest

import lamina
from lamina import backend, layers
from lamina.autodiff import Tensor, gradient_check

from .harness import check_layer_gradients, run_layer_test
from .test_recurrent import gru_step, keras_rnn, lstm_step


def _x(B=2, T=4, D=3, seed=0):
    return np.random.default_rng(seed).standard_normal((B, T, D)).astype(np.float32)


MERGE = {"concat": lambda a, b: np.concatenate([a, b], -1), "sum": np.add,
         "mul": np.multiply, "ave": lambda a, b: (a + b) / 2}


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave"])
@pytest.mark.parametrize("return_sequences", [True, False])
def test_bidirectional_harness(merge_mode, return_sequences):
    units = 3
    out = units * 2 if merge_mode == "concat" else units
    shape = (2, 4, out) if return_sequences else (2, out)
    run_layer_test(layers.Bidirectional,
                   {"layer": layers.LSTM(units, return_sequences=return_sequences),
                    "merge_mode": merge_mode},
                   input_shape=(2, 4, 3), expected_output_shape=shape)


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
def test_bidirectional_outputs_are_keras_math(merge_mode):
    x = _x()
    bi = layers.Bidirectional(layers.GRU(3, return_sequences=True), merge_mode=merge_mode)
    out = bi(x)
    w = [a.astype(np.float64) for a in bi.get_weights()]
    assert [a.shape for a in w] == [(3, 9), (3, 9), (2, 9)] * 2      # forward, then backward
    x64 = x.astype(np.float64)
    fwd, _ = keras_rnn(gru_step(*w[:3]), x64, [np.zeros((2, 3))])
    bwd, _ = keras_rnn(gru_step(*w[3:]), x64, [np.zeros((2, 3))], go_backwards=True)
    bwd = bwd[:, ::-1]                                          # re-aligned with time
    if merge_mode is None:
        np.testing.assert_allclose(out[0].data, fwd, rtol=2e-5, atol=2e-6)
        np.testing.assert_allclose(out[1].data, bwd, rtol=2e-5, atol=2e-6)
    else:
        np.testing.assert_allclose(out.data, MERGE[merge_mode](fwd, bwd), rtol=2e-5, atol=2e-6)
    assert bi.compute_output_shape((None, 4, 3)) == (
        [(None, 4, 3)] * 2 if merge_mode is None else
        (None, 4, 6 if merge_mode == "concat" else 3))


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
def test_bidirectional_gradients_each_merge_mode(merge_mode):
    backend.set_floatx("float64")
    x = np.random.default_rng(0).standard_normal((2, 4, 3))
    bi = layers.Bidirectional(layers.SimpleRNN(2, return_sequences=True, dtype="float64"),
                              merge_mode=merge_mode)
    bi(x)
    if merge_mode is None:
        def f(xt):
            a, b = bi(xt)
            return (a * a).sum() + (b * Tensor(np.arange(b.size).reshape(b.shape))).sum()
        gradient_check(f, x)
    else:
        check_layer_gradients(bi, x)


def test_bidirectional_states_masks_and_initial_state():
    x = _x(B=3, T=5)
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [0, 1, 1, 1, 1]], bool)
    bi = layers.Bidirectional(layers.LSTM(2, return_sequences=True, return_state=True))
    out, fh, fc, bh, bc = bi(x, mask=mask)
    assert out.shape == (3, 5, 4) and fh.shape == bc.shape == (3, 2)
    np.testing.assert_array_equal(out._keras_mask, mask)
    np.testing.assert_array_equal(out.data[~mask], 0.0)       # Keras: zeros where masked
    w = [a.astype(np.float64) for a in bi.get_weights()]
    x64 = x.astype(np.float64)
    zeros = [np.zeros((3, 2))] * 2
    fwd, (ref_fh, ref_fc) = keras_rnn(lstm_step(*w[:3]), x64, zeros, mask, zero_output=True)
    bwd, (ref_bh, _) = keras_rnn(lstm_step(*w[3:]), x64, zeros, mask, go_backwards=True,
                                 zero_output=True)
    np.testing.assert_allclose(out.data, np.concatenate([fwd, bwd[:, ::-1]], -1), rtol=2e-5,
                               atol=2e-6)
    np.testing.assert_allclose(fh.data, ref_fh, rtol=2e-5, atol=2e-6)
    np.testing.assert_allclose(bh.data, ref_bh, rtol=2e-5, atol=2e-6)
    rng = np.random.default_rng(4)
    init = [rng.standard_normal((3, 2)).astype(np.float32) for _ in range(4)]
    out2 = bi(x, initial_state=init)
    _, (ref_fh, _) = keras_rnn(lstm_step(*w[:3]), x64, [s.astype(np.float64) for s in init[:2]])
    np.testing.assert_allclose(out2[1].data, ref_fh, rtol=2e-5, atol=2e-6)


def test_bidirectional_backward_layer_config_and_errors():
    fwd = layers.SimpleRNN(2, return_sequences=True)
    bwd = layers.GRU(2, return_sequences=True, go_backwards=True)
    bi = layers.Bidirectional(fwd, backward_layer=bwd, merge_mode="sum")
    x = _x()
    assert bi(x).shape == (2, 4, 2)
    assert bi.forward_layer.name.startswith("forward_") and bi.backward_layer is bwd
    clone = layers.deserialize(layers.serialize(bi))
    assert isinstance(clone.backward_layer, layers.GRU) and clone.merge_mode == "sum"
    clone(x)
    clone.set_weights(bi.get_weights())
    np.testing.assert_allclose(clone(x).data, bi(x).data, rtol=1e-6)
    with pytest.raises(ValueError, match="merge_mode"):
        layers.Bidirectional(layers.LSTM(2), merge_mode="max")
    with pytest.raises(ValueError, match="go_backwards"):
        layers.Bidirectional(fwd, backward_layer=layers.SimpleRNN(2, return_sequences=True))
    with pytest.raises(ValueError, match="return_sequences"):
        layers.Bidirectional(fwd, backward_layer=layers.SimpleRNN(2, go_backwards=True))
    with pytest.raises(ValueError, match="recurrent layer"):
        layers.Bidirectional(layers.Dense(2))


def test_bidirectional_in_a_model_trains():
    backend.set_random_seed(0)
    x = _x(B=16, T=6, D=2, seed=1)
    y = (x[:, 0, :1] * x[:, -1, 1:]).astype(np.float32)       # needs both ends of the sequence
    model = lamina.Sequential([lamina.Input((6, 2)), layers.Bidirectional(layers.LSTM(8)),
                               layers.Dense(1)])
    model.compile(optimizer=lamina.optimizers.Adam(0.02), loss="mse")
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, batch_size=8, epochs=30, verbose=0)
    assert model.evaluate(x, y, verbose=0) < before * 0.5
    assert len(model.trainable_weights) == 8


# --- TimeDistributed ------------------------------------------------------------------------

def test_time_distributed_harness_and_math():
    run_layer_test(layers.TimeDistributed, {"layer": {"class_name": "Dense",
                                                      "config": {"units": 3,
                                                                 "activation": "tanh"}}},
                   input_shape=(2, 4, 5), expected_output_shape=(2, 4, 3))
    x = _x(D=5)
    td = layers.TimeDistributed(layers.Dense(3))
    out = td(x)
    k, b = td.get_weights()
    np.testing.assert_allclose(out.data, x @ k + b, rtol=1e-5, atol=1e-6)
    assert td.compute_output_shape((None, 4, 5)) == (None, 4, 3)
    clone = layers.deserialize(layers.serialize(td))
    assert isinstance(clone.layer, layers.Dense) and clone.layer.units == 3


def test_time_distributed_keeps_the_mask_and_wraps_rnns():
    ids = np.array([[1, 2, 0], [3, 0, 0]])
    emb = layers.Embedding(5, 4, mask_zero=True)
    out = layers.TimeDistributed(layers.Dense(2))(emb(ids))
    np.testing.assert_array_equal(out._keras_mask, ids != 0)
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 2)).astype(np.float32)
    inner = layers.SimpleRNN(5)
    td = layers.TimeDistributed(inner)
    out = td(x)
    assert out.shape == (2, 3, 5)
    np.testing.assert_allclose(out.data[1, 2], inner(x[1:2, 2]).data[0], rtol=1e-5)
    backend.set_floatx("float64")
    td64 = layers.TimeDistributed({"class_name": "GRU", "config": {"units": 2}})
    td64(x.astype(np.float64))
    check_layer_gradients(td64, x.astype(np.float64))
    with pytest.raises(ValueError, match="at least 3 dimensions"):
        layers.TimeDistributed(layers.Dense(2))(np.zeros((2, 3), np.float32))

