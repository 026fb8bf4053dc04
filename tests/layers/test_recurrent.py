"""SimpleRNN, LSTM, GRU, their cells, RNN(cell) and StackedRNNCells: the layer harness,
Keras's weight layouts and math (NumPy references), masks, states, and learning."""
import numpy as np
import pytest

import lamina
from lamina import backend, layers
from lamina.autodiff import Tensor, gradient_check

from .harness import check_layer_gradients, run_layer_test

# --- NumPy references of Keras 3's cells (keras/src/layers/rnn/*.py) --------------------------

def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def keras_rnn(step, x, states, mask=None, go_backwards=False, zero_output=False):
    """Keras's scan (NumPy/JAX backends): returns (outputs in processing order, states)."""
    outs = []
    for t in (range(x.shape[1] - 1, -1, -1) if go_backwards else range(x.shape[1])):
        new = step(x[:, t], states)
        if mask is not None:
            m = mask[:, t][:, None]
            new = [np.where(m, n, s) for n, s in zip(new, states)]
            outs.append(new[0] * m if zero_output else new[0])
        else:
            outs.append(new[0])
        states = new
    return np.stack(outs, 1), states


def simple_rnn_step(kernel, rec, bias, act=np.tanh):
    return lambda xt, st: [act(xt @ kernel + bias + st[0] @ rec)]


def lstm_step(kernel, rec, bias, act=np.tanh, ract=sigmoid):
    n = rec.shape[0]

    def step(xt, st):
        z = xt @ kernel + st[0] @ rec + bias
        i, f, o = ract(z[:, :n]), ract(z[:, n:2 * n]), ract(z[:, 3 * n:])
        c = f * st[1] + i * act(z[:, 2 * n:3 * n])
        return [o * act(c), c]
    return step


def gru_step(kernel, rec, bias, reset_after=True, act=np.tanh, ract=sigmoid):
    n = rec.shape[0]

    def step(xt, st):
        h = st[0]
        if reset_after:
            mx, mi = xt @ kernel + bias[0], h @ rec + bias[1]
            z, r = ract(mx[:, :n] + mi[:, :n]), ract(mx[:, n:2 * n] + mi[:, n:2 * n])
            hh = act(mx[:, 2 * n:] + r * mi[:, 2 * n:])
        else:
            mx, mi = xt @ kernel + bias, h @ rec[:, :2 * n]
            z, r = ract(mx[:, :n] + mi[:, :n]), ract(mx[:, n:2 * n] + mi[:, n:2 * n])
            hh = act(mx[:, 2 * n:] + (r * h) @ rec[:, 2 * n:])
        return [z * h + (1 - z) * hh]
    return step


def random_weights(layer, seed=0):
    rng = np.random.default_rng(seed)
    ws = [rng.standard_normal(w.shape).astype(w.dtype) * 0.4 for w in layer.weights]
    layer.set_weights(ws)
    return [w.astype(np.float64) for w in ws]


def reference(layer, ws, x, mask=None, states=None, zero_output=False):
    """Outputs of a SimpleRNN/LSTM/GRU layer with weights ``ws`` by the NumPy references."""
    kind = type(layer.cell).__name__
    if kind == "LSTMCell":
        step = lstm_step(*ws[:3])
        n = 2
    elif kind == "GRUCell":
        step = gru_step(*ws[:3], reset_after=layer.reset_after)
        n = 1
    else:
        act = {"tanh": np.tanh, "sigmoid": sigmoid}[layer.activation.__name__]
        step = simple_rnn_step(*ws[:3], act=act)
        n = 1
    B, units = x.shape[0], layer.units
    states = states or [np.zeros((B, units))] * n
    return keras_rnn(step, x.astype(np.float64), states, mask, layer.go_backwards, zero_output)


def _x(B=3, T=5, D=4, seed=1):
    return np.random.default_rng(seed).standard_normal((B, T, D)).astype(np.float32)


# --- the harness: shapes, float64 gradients, config round trip, training --------------------

SIMPLE_CASES = [
    {"units": 3},
    {"units": 3, "activation": "sigmoid", "return_sequences": True},
    {"units": 2, "go_backwards": True, "return_sequences": True, "use_bias": False},
    {"units": 3, "kernel_regularizer": "l2", "recurrent_regularizer": "l1",
     "bias_regularizer": "l2", "activity_regularizer": "l2",
     "recurrent_constraint": "max_norm"},
]


@pytest.mark.parametrize("layer_cls", [layers.SimpleRNN, layers.LSTM, layers.GRU])
@pytest.mark.parametrize("kwargs", SIMPLE_CASES)
def test_harness(layer_cls, kwargs):
    units = kwargs["units"]
    out = (2, 4, units) if kwargs.get("return_sequences") else (2, units)
    run_layer_test(layer_cls, kwargs, input_shape=(2, 4, 3), expected_output_shape=out)


@pytest.mark.parametrize("layer_cls,kwargs", [
    (layers.LSTM, {"units": 3, "unit_forget_bias": False, "recurrent_activation": "tanh",
                   "return_sequences": True}),
    (layers.LSTM, {"units": 2, "activation": "elu"}),
    (layers.GRU, {"units": 3, "reset_after": False, "return_sequences": True}),
    (layers.GRU, {"units": 3, "reset_after": False, "go_backwards": True, "use_bias": False}),
    (layers.SimpleRNN, {"units": 3, "activation": "relu"}),
])
def test_harness_variants(layer_cls, kwargs):
    run_layer_test(layer_cls, kwargs, input_shape=(2, 4, 3))


@pytest.mark.parametrize("layer_cls", [layers.SimpleRNN, layers.LSTM, layers.GRU])
def test_harness_with_dropout_in_training(layer_cls):
    """Dropout masks are drawn once per sequence (same units at every timestep)."""
    run_layer_test(layer_cls, {"units": 3, "dropout": 0.3, "recurrent_dropout": 0.4,
                               "return_sequences": True},
                   input_shape=(2, 4, 3), training=True)


@pytest.mark.parametrize("kwargs", [
    {"cell": {"class_name": "SimpleRNNCell", "config": {"units": 3}}},
    {"cell": {"class_name": "GRUCell", "config": {"units": 3, "reset_after": False}},
     "return_sequences": True, "go_backwards": True},
    {"cell": [{"class_name": "LSTMCell", "config": {"units": 3}},
              {"class_name": "GRUCell", "config": {"units": 2}}], "return_sequences": True},
    {"cell": {"class_name": "StackedRNNCells", "config": {"cells": [
        {"class_name": "SimpleRNNCell", "config": {"units": 2}},
        {"class_name": "LSTMCell", "config": {"units": 3}}]}}, "go_backwards": True},
])
def test_harness_rnn_of_cells(kwargs):
    run_layer_test(layers.RNN, kwargs, input_shape=(2, 4, 3))


# --- Keras's layouts and math ---------------------------------------------------------------

def test_weight_layouts_and_initial_values():
    x = _x(D=5)
    lstm = layers.LSTM(4)
    lstm(x)
    assert [w.name for w in lstm.weights] == ["kernel", "recurrent_kernel", "bias"]
    assert [w.shape for w in lstm.weights] == [(5, 16), (4, 16), (16,)]
    np.testing.assert_array_equal(lstm.cell.bias.data, np.r_[np.zeros(4), np.ones(4),
                                                             np.zeros(8)])
    u = lstm.cell.recurrent_kernel.data.astype(np.float64)    # orthogonal rows
    np.testing.assert_allclose(u @ u.T, np.eye(4), atol=1e-5)
    gru = layers.GRU(4)
    gru(x)
    assert [w.shape for w in gru.weights] == [(5, 12), (4, 12), (2, 12)]
    gru_v1 = layers.GRU(4, reset_after=False)
    gru_v1(x)
    assert [w.shape for w in gru_v1.weights] == [(5, 12), (4, 12), (12,)]
    rnn = layers.SimpleRNN(4, use_bias=False)
    rnn(x)
    assert [w.shape for w in rnn.weights] == [(5, 4), (4, 4)]
    assert lstm.count_params() == 5 * 16 + 4 * 16 + 16


@pytest.mark.parametrize("make", [
    lambda: layers.SimpleRNN(4, return_sequences=True),
    lambda: layers.SimpleRNN(4, activation="sigmoid", return_sequences=True, go_backwards=True),
    lambda: layers.LSTM(4, return_sequences=True),
    lambda: layers.LSTM(4, return_sequences=True, go_backwards=True),
    lambda: layers.GRU(4, return_sequences=True),
    lambda: layers.GRU(4, return_sequences=True, reset_after=False, go_backwards=True),
])
@pytest.mark.parametrize("B", [1, 3])
def test_keras_weights_give_keras_outputs(make, B):
    layer = make()
    x = _x(B=B)
    layer(x)
    ws = random_weights(layer)
    ref_seq, _ = reference(layer, ws, x)
    np.testing.assert_allclose(layer(x).data, ref_seq, rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("layer_cls", [layers.SimpleRNN, layers.LSTM, layers.GRU])
def test_return_state_and_initial_state(layer_cls):
    x = _x()
    layer = layer_cls(4, return_state=True)
    layer(x)
    ws = random_weights(layer, seed=2)
    n = 2 if layer_cls is layers.LSTM else 1
    rng = np.random.default_rng(5)
    init = [rng.standard_normal((3, 4)).astype(np.float32) for _ in range(n)]
    outs = layer(x, initial_state=init)
    assert isinstance(outs, list) and len(outs) == 1 + n
    ref_seq, ref_states = reference(layer, ws, x, states=[s.astype(np.float64) for s in init])
    np.testing.assert_allclose(outs[0].data, ref_seq[:, -1], rtol=2e-5, atol=2e-6)
    for got, want in zip(outs[1:], ref_states):
        np.testing.assert_allclose(got.data, want, rtol=2e-5, atol=2e-6)
    shapes = layer.compute_output_shape((None, 5, 4))
    assert shapes == [(None, 4)] * (1 + n)


@pytest.mark.parametrize("layer_cls", [layers.SimpleRNN, layers.LSTM, layers.GRU])
def test_gradients_of_states_and_initial_state(layer_cls):
    """float64 check through return_state outputs into initial states and weights."""
    backend.set_floatx("float64")
    x = np.random.default_rng(0).standard_normal((2, 4, 3))
    layer = layer_cls(3, return_sequences=True, return_state=True, go_backwards=True)
    layer(x)
    n = 2 if layer_cls is layers.LSTM else 1
    rng = np.random.default_rng(1)
    init = [rng.standard_normal((2, 3)) for _ in range(n)]
    mask = np.array([[True, True, False, True], [False, True, True, True]])

    def f(xt, *states):
        outs = layer(xt, initial_state=list(states), mask=mask)
        total = (outs[0] * Tensor(np.linspace(-1, 1, outs[0].size).reshape(outs[0].shape))).sum()
        for k, s in enumerate(outs[1:]):
            total = total + (s * s).sum() * (k + 2)
        return total

    gradient_check(f, x, *init)


def test_stacked_layers_gradients():
    backend.set_floatx("float64")
    model = lamina.Sequential([lamina.Input((4, 3)), layers.LSTM(3, return_sequences=True),
                               layers.GRU(3, return_sequences=True, go_backwards=True),
                               layers.SimpleRNN(2)])
    check_layer_gradients(model, np.random.default_rng(0).standard_normal((2, 4, 3)))


# --- masks ----------------------------------------------------------------------------------

@pytest.mark.parametrize("layer_cls", [layers.SimpleRNN, layers.LSTM, layers.GRU])
def test_masked_steps_keep_the_state(layer_cls):
    x = _x(B=3, T=6)
    mask = np.array([[1, 1, 1, 1, 0, 0], [0, 0, 1, 1, 1, 1], [1, 0, 1, 0, 1, 1]], bool)
    layer = layer_cls(4, return_sequences=True, return_state=True)
    layer(x)
    ws = random_weights(layer, seed=3)
    seq, *states = layer(x, mask=mask)
    ref_seq, ref_states = reference(layer, ws, x, mask=mask)
    np.testing.assert_allclose(seq.data, ref_seq, rtol=2e-5, atol=2e-6)
    for got, want in zip(states, ref_states):
        np.testing.assert_allclose(got.data, want, rtol=2e-5, atol=2e-6)
    # right padding: the final state is that of the unpadded sequence
    short = layer_cls(4, return_state=True)
    short(x)
    short.set_weights(layer.get_weights())
    np.testing.assert_allclose(states[0].data[0], short(x[:1, :4])[1].data[0], rtol=1e-5,
                               atol=1e-6)
    # a masked step outputs the carried-over output, and the mask flows on
    np.testing.assert_array_equal(seq.data[0, 4], seq.data[0, 3])
    np.testing.assert_array_equal(seq._keras_mask, mask)


def test_mask_from_embedding_and_masking_layers_reaches_rnn_and_loss():
    ids = np.array([[3, 5, 2, 0, 0], [0, 4, 4, 1, 7]])
    emb = layers.Embedding(10, 3, mask_zero=True)
    rnn = layers.LSTM(4, return_sequences=True)
    out = rnn(emb(ids))
    np.testing.assert_array_equal(out._keras_mask, ids != 0)
    np.testing.assert_array_equal(out.data[0, 3], out.data[0, 2])
    # Masking + per-timestep loss: masked timesteps do not count
    x = np.random.default_rng(0).standard_normal((2, 5, 3)).astype(np.float32)
    x[0, 3:] = 0.0
    model = lamina.Sequential([lamina.Input((5, 3)), layers.Masking(),
                               layers.SimpleRNN(4, return_sequences=True), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    y = np.random.default_rng(1).standard_normal((2, 5, 1)).astype(np.float32)
    pred = model.predict(x, verbose=0)
    keep = np.any(x != 0, axis=-1)
    expected = np.mean(((pred - y)[..., 0])[keep] ** 2)
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), expected, rtol=1e-5)


def test_zero_output_for_mask():
    x = _x()
    mask = np.array([[1, 1, 0, 1, 0], [1, 1, 1, 1, 1], [0, 1, 1, 1, 1]], bool)
    layer = layers.GRU(4, return_sequences=True, zero_output_for_mask=True)
    layer(x)
    ws = random_weights(layer)
    ref_seq, _ = reference(layer, ws, x, mask=mask, zero_output=True)
    np.testing.assert_allclose(layer(x, mask=mask).data, ref_seq, rtol=2e-5, atol=2e-6)


# --- the generic path: a user's cell, and lamina's cells stepped one by one -----------------

class MinimalRNNCell(layers.Layer):
    """The cell of Keras's RNN docstring."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight((input_shape[-1], self.units), name="kernel")
        self.recurrent_kernel = self.add_weight((self.units, self.units), name="rk")

    def call(self, inputs, states):
        output = lamina.ops.matmul(inputs, self.kernel) + lamina.ops.matmul(
            states[0], self.recurrent_kernel)
        return output, [output]


def test_user_cell_runs_trains_and_checks():
    x = _x()
    layer = layers.RNN(MinimalRNNCell(4), return_sequences=True)
    seq = layer(x)
    k, rk = (w.data.astype(np.float64) for w in layer.weights)
    ref, _ = keras_rnn(lambda xt, st: [xt @ k + st[0] @ rk], x.astype(np.float64),
                       [np.zeros((3, 4))])
    np.testing.assert_allclose(seq.data, ref, rtol=2e-5, atol=2e-6)
    stacked = layers.RNN([MinimalRNNCell(3), layers.LSTMCell(2)], return_state=True)
    out, s1, h2, c2 = stacked(x)
    assert out.shape == (3, 2) and s1.shape == (3, 3) and c2.shape == (3, 2)
    backend.set_floatx("float64")
    check_layer_gradients(layers.RNN(MinimalRNNCell(3, dtype="float64"), go_backwards=True),
                          x.astype(np.float64))


class SteppedLSTMCell(layers.LSTMCell):
    """Overriding call forces the per-timestep path through Keras's cell math."""

    def call(self, inputs, states, training=False):
        return super().call(inputs, states, training=training)


class SteppedGRUCell(layers.GRUCell):
    def call(self, inputs, states, training=False):
        return super().call(inputs, states, training=training)


class SteppedSimpleRNNCell(layers.SimpleRNNCell):
    def call(self, inputs, states, training=False):
        return super().call(inputs, states, training=training)


@pytest.mark.parametrize("cells", [
    lambda C: [C["lstm"](3, dropout=0.3, recurrent_dropout=0.3)],
    lambda C: [C["gru"](3, dropout=0.2, recurrent_dropout=0.5, reset_after=False)],
    lambda C: [C["simple"](3, recurrent_dropout=0.3), C["gru"](2)],
])
def test_fused_scan_equals_stepping_the_cell(cells):
    """The fused op and the cell's own per-step call agree (outputs, states, gradients,
    dropout masks drawn in the same order) with masks and go_backwards."""
    fused = {"lstm": layers.LSTMCell, "gru": layers.GRUCell, "simple": layers.SimpleRNNCell}
    stepped = {"lstm": SteppedLSTMCell, "gru": SteppedGRUCell, "simple": SteppedSimpleRNNCell}
    backend.set_floatx("float64")
    x = np.random.default_rng(0).standard_normal((3, 5, 4))
    mask = np.array([[1, 1, 0, 1, 1], [1, 1, 1, 1, 0], [0, 1, 1, 1, 1]], bool)
    a = layers.RNN(cells(fused), return_sequences=True, return_state=True, go_backwards=True)
    b = layers.RNN(cells(stepped), return_sequences=True, return_state=True, go_backwards=True)
    a(x)
    b(x)
    b.set_weights(a.get_weights())
    assert b.cell._can_fuse() is False
    for training in (False, True):
        backend.set_random_seed(3)
        out_a = a(x, mask=mask, training=training)
        backend.set_random_seed(3)
        out_b = b(x, mask=mask, training=training)
        for p, q in zip(out_a, out_b):
            np.testing.assert_allclose(p.data, q.data, rtol=1e-10, atol=1e-12)
        loss_a = sum(((o * o).sum() for o in out_a), Tensor(0.0))
        loss_b = sum(((o * o).sum() for o in out_b), Tensor(0.0))
        for w in a.weights + b.weights:
            w.grad = None
        loss_a.backward()
        loss_b.backward()
        for p, q in zip(a.weights, b.weights):
            np.testing.assert_allclose(p.grad, q.grad, rtol=1e-8, atol=1e-10)


def test_cells_called_alone():
    x = np.random.default_rng(0).standard_normal((2, 3)).astype(np.float32)
    cell = layers.LSTMCell(4)
    h, (h2, c) = cell(x, [np.zeros((2, 4)), np.ones((2, 4))])
    k, rk, b = (w.data.astype(np.float64) for w in cell.weights)
    ref_h, ref_c = lstm_step(k, rk, b)(x.astype(np.float64), [np.zeros((2, 4)),
                                                                np.ones((2, 4))])
    np.testing.assert_allclose(h.data, ref_h, rtol=1e-5)
    np.testing.assert_allclose(c.data, ref_c, rtol=1e-5)
    assert h2 is h
    out, states = layers.GRUCell(3)(x)            # states default to zeros
    assert out.shape == (2, 3) and len(states) == 1
    assert layers.SimpleRNNCell(5).get_config()["recurrent_initializer"]["class_name"] == \
        "Orthogonal"
    stack = layers.StackedRNNCells([layers.SimpleRNNCell(3), layers.LSTMCell(2)])
    assert stack.state_size == [3, [2, 2]] and stack.output_size == 2


# --- stateful layers -----------------------------------------------------------------------

def test_stateful_carries_states_across_calls_and_resets():
    x = _x(B=2, T=6)
    full = layers.LSTM(3, return_sequences=True)
    full(x)
    st = layers.LSTM(3, return_sequences=True, stateful=True)
    st(x[:, :3])
    st.reset_states()
    st.set_weights(full.get_weights())
    first, second = st(x[:, :3]), st(x[:, 3:])
    np.testing.assert_allclose(np.concatenate([first.data, second.data], 1), full(x).data,
                               rtol=1e-5, atol=1e-6)
    assert len(st.states) == 2 and st.weights == full.weights[:0] + st.weights
    st.reset_states()
    assert all(np.all(s.data == 0) for s in st.states)
    np.testing.assert_allclose(st(x[:, :3]).data, first.data, rtol=1e-6)
    with pytest.raises(ValueError, match="batches of 2 samples"):
        st(x[:1, :3])
    st.reset_states([np.ones((2, 3)), np.zeros((2, 3))])
    np.testing.assert_array_equal(st.states[0].data, 1)
    with pytest.raises(AttributeError, match="stateful"):
        layers.GRU(2).reset_states()


def test_stateful_model_fit_keeps_going():
    backend.set_random_seed(0)
    model = lamina.Sequential([lamina.Input((4, 2), batch_size=2),
                               layers.SimpleRNN(3, stateful=True), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    x, y = _x(B=4, T=4, D=2), np.ones((4, 1), np.float32)
    model.fit(x, y, batch_size=2, epochs=2, shuffle=False, verbose=0)
    assert np.any(model.layers[0].states[0].data != 0)


# --- arguments, errors, config ----------------------------------------------------------------

def test_keras_arguments_and_defaults():
    lstm = layers.LSTM(8)
    assert (lstm.activation.__name__, lstm.recurrent_activation.__name__) == ("tanh", "sigmoid")
    assert lstm.unit_forget_bias and lstm.use_bias and not lstm.return_sequences
    assert type(lstm.recurrent_initializer).__name__ == "Orthogonal"
    assert layers.GRU(2).reset_after is True
    assert layers.SimpleRNN(2).activation.__name__ == "tanh"
    cfg = layers.GRU(3, dropout=0.1, go_backwards=True, unroll=True).get_config()
    for key in ("units", "activation", "recurrent_activation", "use_bias", "dropout",
                "recurrent_dropout", "reset_after", "return_sequences", "return_state",
                "go_backwards", "stateful", "unroll", "seed", "kernel_initializer",
                "recurrent_initializer", "bias_initializer", "kernel_regularizer"):
        assert key in cfg, key
    assert "cell" not in cfg
    clone = layers.deserialize(layers.serialize(layers.LSTM(3, return_state=True)))
    assert isinstance(clone, layers.LSTM) and clone.return_state
    rnn = layers.RNN(layers.SimpleRNNCell(2), return_sequences=True)
    clone = layers.RNN.from_config(rnn.get_config())
    assert isinstance(clone.cell, layers.SimpleRNNCell) and clone.cell.units == 2
    layers.LSTM(2, implementation=1, use_cudnn=False)   # Keras arguments accepted


def test_clear_errors():
    with pytest.raises(ValueError, match="units"):
        layers.LSTM(0)
    with pytest.raises(ValueError, match="units"):
        layers.SimpleRNNCell("4")
    with pytest.raises(ValueError, match=r"\(batch, timesteps, features\)"):
        layers.GRU(2)(np.zeros((3, 4), np.float32))
    layer = layers.LSTM(2)
    with pytest.raises(ValueError, match="initial_state must be a list of 2"):
        layer(_x(), initial_state=[np.zeros((3, 2))])
    with pytest.raises(ValueError, match=r"expected \(3, 2\)"):
        layer(_x(), initial_state=[np.zeros((3, 2)), np.zeros((2, 2))])
    with pytest.raises(ValueError, match="mask"):
        layer(_x(), mask=np.ones((3, 4), bool))
    with pytest.raises(ValueError, match="features"):
        layer(_x(D=7))
    with pytest.raises(ValueError, match="state_size"):
        layers.RNN(layers.Dense(2))


def test_sequences_of_other_lengths_after_building():
    layer = layers.GRU(3)
    layer(_x(T=5))
    assert layer(_x(T=9)).shape == (3, 3)


def test_regularization_losses_are_collected():
    layer = layers.LSTM(2, kernel_regularizer="l2", bias_regularizer="l1")
    layer(_x())
    assert len(layer.losses) == 2


# --- learning -------------------------------------------------------------------------------

def _bits(n):
    return ((n[:, None] >> np.arange(8)) & 1).astype(np.float32)


def _addition_pairs(n, seed):
    r = np.random.RandomState(seed)
    a, b = r.randint(0, 128, n), r.randint(0, 128, n)
    return np.stack([_bits(a), _bits(b)], -1), _bits(a + b)[..., None]


@pytest.mark.parametrize("layer_cls", [layers.SimpleRNN, layers.GRU])
def test_binary_addition_generalizes(layer_cls):
    """Keras-style: 2000 training pairs, Adam; every one of 7000 unseen sums exactly right."""
    backend.set_random_seed(0)
    x, y = _addition_pairs(2000, 0)
    x_test, y_test = _addition_pairs(7000, 1)
    model = lamina.Sequential([lamina.Input((8, 2)), layer_cls(16, return_sequences=True),
                               layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=lamina.optimizers.Adam(0.02), loss="binary_crossentropy")
    for _ in range(4):
        model.fit(x, y, batch_size=16, epochs=1, verbose=0)
        pred = model.predict(x_test, batch_size=7000, verbose=0)
        accuracy = np.mean(np.all(np.round(pred) == y_test, axis=(1, 2)))
        if accuracy == 1.0:
            break
    assert accuracy == 1.0


def test_imdb_style_model_trains():
    backend.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.integers(1, 50, size=(64, 12))
    y = (x[:, :6].mean(axis=1) > 25).astype(np.float32)[:, None]
    model = lamina.Sequential([lamina.Input((12,), dtype="int32"), layers.Embedding(50, 8),
                               layers.LSTM(8), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=lamina.optimizers.Adam(0.01), loss="binary_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, batch_size=16, epochs=20, verbose=0)
    assert model.evaluate(x, y, verbose=0)[1] > 0.9
