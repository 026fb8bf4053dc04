"""lamina.rnn: the rnn package's face (trainr, predictr, int2bin, bin2int and helpers)."""
import numpy as np
import pytest

from lamina import backend
from lamina.autodiff import Tensor, gradient_check
from lamina.rnn import (
    Gompertz,
    RNNModel,
    array,
    b2i,
    bin2int,
    c,
    dim,
    epoch_annealing,
    epoch_print,
    i2b,
    int2bin,
    inverse_Gompertz,
    leakyrelu,
    logistic,
    logit,
    loss_L1,
    predictr,
    relu,
    relu_output_to_derivative,
    sample,
    sigmoid,
    sigmoid_output_to_derivative,
    tanh_output_to_derivative,
    trainr,
)
from lamina.rnn.trainr import HalfSquaredError, gompertz
from lamina.rnn.utils import r_format

R = np.random.default_rng(7)


def _data(n=12, t=5, vin=2, vout=1):
    X = R.uniform(0, 1, (n, t, vin))
    Y = R.uniform(0, 1, (n, t, vout))
    return X, Y


# --- int2bin / bin2int -------------------------------------------------------------------
def test_int2bin_is_least_significant_bit_first_like_intToBits():
    # R: as.numeric(intToBits(6))[1:8] == 0 1 1 0 0 0 0 0
    np.testing.assert_array_equal(int2bin(6), [[0, 1, 1, 0, 0, 0, 0, 0]])
    np.testing.assert_array_equal(int2bin([0, 1, 255, 128], length=8),
                                  [[0] * 8, [1] + [0] * 7, [1] * 8, [0] * 7 + [1]])
    np.testing.assert_array_equal(i2b(5, length=4), [1, 0, 1, 0])
    assert int2bin(np.arange(10), length=3).shape == (10, 3)
    # bits beyond `length` are dropped, as R's [1:length]
    np.testing.assert_array_equal(int2bin(9, length=3), [[1, 0, 0]])
    # negative numbers in two's complement, as intToBits
    np.testing.assert_array_equal(int2bin(-1, length=8), [[1] * 8])
    np.testing.assert_array_equal(int2bin(-2, length=4), [[0, 1, 1, 1]])
    assert int2bin(np.array([3.0, 4.0])).dtype == np.float64  # whole floats are fine


def test_bin2int_rounds_first_and_round_trips():
    np.testing.assert_array_equal(bin2int([[0.4, 0.6, 0.51]]), [6])
    np.testing.assert_array_equal(bin2int(np.array([[0.2, 0.9, 0.6], [1, 0, 0]])), [6, 1])
    assert b2i([0, 1, 1]) == 6
    assert bin2int([1, 1]).tolist() == [3]           # a vector is one number
    values = R.integers(0, 2 ** 16, 200)
    np.testing.assert_array_equal(bin2int(int2bin(values, length=16)), values)
    # 32 bits give R's signed integers (packBits(..., "integer"))
    np.testing.assert_array_equal(bin2int(int2bin([-5, 7, -(2 ** 31)], length=32)),
                                  [-5, 7, -(2 ** 31)])
    # predictr's (samples, time, 1) output also works
    np.testing.assert_array_equal(bin2int(int2bin([9, 4])[:, :, None]), [9, 4])


@pytest.mark.parametrize("call, exc, words", [
    (lambda: int2bin(2.5), ValueError, "whole numbers"),
    (lambda: int2bin(["a"]), TypeError, "integer"),
    (lambda: int2bin(3, length=0), ValueError, "length"),
    (lambda: int2bin(3, length=65), ValueError, "length"),
    (lambda: int2bin(3, length=2.5), TypeError, "length"),
    (lambda: bin2int([["x", "y"]]), TypeError, "binary"),
    (lambda: bin2int(np.zeros((2, 3, 4))), ValueError, "binary"),
    (lambda: bin2int([[np.nan, 1.0]]), ValueError, "NaN"),
    (lambda: i2b([1, 2]), ValueError, "single"),
])
def test_binary_helpers_reject_bad_input(call, exc, words):
    with pytest.raises(exc, match=words):
        call()


# --- R idioms -----------------------------------------------------------------------------
def test_array_c_dim_reproduce_Rs_column_major_array():
    X1, X2 = int2bin(R.integers(0, 128, 6)), int2bin(R.integers(0, 128, 6))
    assert dim(X1) == (6, 8)
    X = array(c(X1, X2), dim=c(dim(X1), 2))
    np.testing.assert_array_equal(X, np.stack([X1, X2], axis=2))
    np.testing.assert_array_equal(c(np.array([[1, 2], [3, 4]]), 5), [1, 3, 2, 4, 5])
    np.testing.assert_array_equal(array([1, 2], dim=(2, 3)), [[1, 1, 1], [2, 2, 2]])  # recycled


def test_sample_draws_like_R_from_the_seeded_generator():
    backend.set_random_seed(3)
    a = sample(range(0, 128), 1000, replace=True)
    backend.set_random_seed(3)
    np.testing.assert_array_equal(a, sample(range(0, 128), 1000, replace=True))
    assert a.min() >= 0 and a.max() <= 127 and len(np.unique(a)) > 100
    assert sorted(sample(5)) == [1, 2, 3, 4, 5]       # R: sample(5) permutes 1:5
    with pytest.raises(ValueError, match="replace=True"):
        sample(range(3), 5)


# --- sigmoid helpers ----------------------------------------------------------------------
def test_sigmoid_helpers_match_the_R_package_values():
    # values printed in the sigmoid and rnn packages' vignettes
    assert round(float(logistic(3)), 7) == 0.9525741
    assert round(sigmoid_output_to_derivative(logistic(3)), 8) == 0.04517666
    np.testing.assert_allclose(Gompertz(np.arange(-1, -6, -1)),
                               [6.598804e-02, 6.179790e-04, 1.892179e-09, 1.942338e-24,
                                3.507389e-65], rtol=1e-6)
    np.testing.assert_allclose(sigmoid(np.arange(-5, 6), method="Gompertz")[5:8],
                               [3.678794e-01, 6.922006e-01, 8.734230e-01], rtol=1e-6)
    np.testing.assert_array_equal(sigmoid(np.arange(-5, 6), method="ReLU"),
                                  [0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5])
    np.testing.assert_allclose(leakyrelu(np.array([-5.0, 0.0, 2.0])), [-0.05, 0, 2])
    np.testing.assert_array_equal(relu(np.array([-1.0, 3.0])), [0, 3])
    assert sigmoid(0.0) == 0.5
    np.testing.assert_allclose(sigmoid(sigmoid(np.arange(-5.0, 6)), inverse=True),
                               np.arange(-5.0, 6), atol=1e-9)
    np.testing.assert_allclose(inverse_Gompertz(Gompertz(np.array([-1.0, 0.5, 2.0]))),
                               [-1, 0.5, 2])
    np.testing.assert_allclose(logit(logistic(np.array([0.3, -2.0]))), [0.3, -2.0])
    np.testing.assert_allclose(logistic(np.array([1e4, -1e4])), [1, 0])   # no overflow
    with pytest.raises(ValueError, match="method"):
        sigmoid(1.0, method="softmax")


def test_output_to_derivative_helpers_are_the_derivatives():
    x, h = np.linspace(-3, 3, 13), 1e-6
    num = (logistic(x + h) - logistic(x - h)) / (2 * h)
    np.testing.assert_allclose(sigmoid_output_to_derivative(logistic(x)), num, rtol=1e-6)
    num = (np.tanh(x + h) - np.tanh(x - h)) / (2 * h)
    np.testing.assert_allclose(tanh_output_to_derivative(np.tanh(x)), num, rtol=1e-6)
    np.testing.assert_array_equal(relu_output_to_derivative(relu(x)), (x > 0).astype(float))


def test_gompertz_activation_and_loss_gradients():
    x = R.standard_normal((4, 3)) * 2
    np.testing.assert_allclose(gompertz(Tensor(x)).data, Gompertz(x), rtol=1e-12)
    assert gradient_check(gompertz, x)
    out, y = R.uniform(0, 1, (3, 4, 2)), R.uniform(0, 1, (3, 4, 2))
    w = np.array([[0.0], [1], [1], [1]])
    loss = HalfSquaredError.apply(Tensor(out), y, w)
    np.testing.assert_allclose(loss.data, 0.5 * np.sum(w * (out - y) ** 2), rtol=1e-12)
    assert gradient_check(lambda o: HalfSquaredError.apply(o, y, w), out)
    assert gradient_check(lambda o: HalfSquaredError.apply(o, y, None), out)


def test_r_format_prints_numbers_as_paste0():
    assert [r_format(v) for v in (1, 1.0, 0.1, 0.05, 3.990234, 1e-5, 2.5e10)] == \
        ["1", "1", "0.1", "0.05", "3.990234", "1e-05", "25000000000"]
    assert r_format(1 / 3) == "0.3333333"


# --- trainr / predictr ----------------------------------------------------------------------
def test_trainr_returns_a_model_and_predictr_its_outputs(capsys):
    X, Y = _data(n=12, t=5, vin=2, vout=1)
    model = trainr(Y=Y[:, :, 0], X=X, learningrate=0.5, hidden_dim=[4, 3], numepochs=2)
    assert isinstance(model, RNNModel)
    assert model.error.shape == (12, 2) and np.all(model.error > 0)
    np.testing.assert_allclose(model.epoch_error, model.error.mean(axis=0))
    assert (model.input_dim, model.hidden_dim, model.output_dim) == (2, [4, 3], 1)
    assert model.time_dim == 5
    assert model.synapse_dim == [2, 4, 3, 1] and model.current_epoch == 2
    assert model["error"] is model.error and "hidden_dim" in model and "network" in model.keys()
    assert [w.shape for w in model.time_synapse] == [(2, 4), (4, 3), (3, 1)]
    assert [w.shape for w in model.recurrent_synapse] == [(4, 4), (3, 3)]
    assert model.bias_synapse == []
    out = predictr(model, X)
    assert out.shape == (12, 5) and np.all((out > 0) & (out < 1))
    states = predictr(model, X, hidden=True)
    assert [s.shape for s in states] == [(12, 5, 4), (12, 5, 3), (12, 5)]
    np.testing.assert_allclose(states[-1], out)
    assert predictr(model, X, real_output=False).shape == (12, 5, 1)
    assert predictr(model, X[:3, :2]).shape == (3, 2)          # any number of steps
    assert "Trained epoch: 2" in capsys.readouterr().out
    with pytest.raises(ValueError, match="variable"):
        predictr(model, X[:, :, :1])
    with pytest.raises(TypeError, match="model"):
        predictr(object(), X)


def test_several_output_variables_and_a_matrix_input():
    X, Y = _data(n=6, t=4, vin=1, vout=2)
    model = trainr(Y=Y, X=X[:, :, 0], learningrate=0.1, hidden_dim=3, epoch_function=[],
                   use_bias=True)
    assert model.input_dim == 1 and model.output_dim == 2
    assert predictr(model, X[:, :, 0]).shape == (6, 4, 2)
    assert [b.shape for b in model.bias_synapse] == [(3,), (2,)]


def test_error_is_the_sum_of_absolute_output_errors_before_each_update():
    X, Y = _data(n=8, t=4)
    model = trainr(Y=Y, X=X, learningrate=1e-9, hidden_dim=3, epoch_function=[])
    expected = np.abs(Y[:, :, 0] - predictr(model, X)).sum(axis=1)
    np.testing.assert_allclose(model.error[:, 0], expected, rtol=1e-4)


def _reference_sgd_step(X, Y, W, U, V, lr):
    """One full-batch SGD step on 0.5 * sum((out - y)^2) of a logistic SimpleRNN + Dense
    (no biases), with hand-written backpropagation through time."""
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    n, T, _ = X.shape
    h = np.zeros((n, T + 1, W.shape[1]))
    for t in range(T):
        h[:, t + 1] = sig(X[:, t] @ W + h[:, t] @ U)
    out = sig(h[:, 1:] @ V)
    dout = (out - Y) * out * (1 - out)
    gW, gU, gV = np.zeros_like(W), np.zeros_like(U), np.zeros_like(V)
    carry = np.zeros((n, W.shape[1]))
    for t in reversed(range(T)):
        gV += h[:, t + 1].T @ dout[:, t]
        dh = (dout[:, t] @ V.T + carry) * h[:, t + 1] * (1 - h[:, t + 1])
        gW += X[:, t].T @ dh
        gU += h[:, t].T @ dh
        carry = dh @ U.T
    return W - lr * gW, U - lr * gU, V - lr * gV


def test_trainr_takes_true_gradient_steps_of_the_half_squared_error():
    X, Y = _data(n=10, t=6, vin=2, vout=1)
    model = trainr(Y=Y, X=X, learningrate=1e-12, hidden_dim=4, epoch_function=[])
    W, V = [w.astype(np.float64) for w in model.time_synapse]
    U = model.recurrent_synapse[0].astype(np.float64)
    trainr(Y=Y, X=X, model=model, learningrate=0.3, batch_size=10)
    W1, V1 = model.time_synapse
    U1 = model.recurrent_synapse[0]
    eW, eU, eV = _reference_sgd_step(X, Y, W, U, V, 0.3)
    for got, want in ((W1, eW), (U1, eU), (V1, eV)):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


def test_each_epoch_prints_the_R_lines_and_anneals(capsys):
    X, Y = _data(n=5, t=3)
    model = trainr(Y=Y, X=X, learningrate=0.5, learningrate_decay=0.5, hidden_dim=2,
                   numepochs=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "Trained epoch: 1 - Learning rate: 0.5", f"Epoch error: {r_format(model.epoch_error[0])}",
        "Trained epoch: 2 - Learning rate: 0.25", f"Epoch error: {r_format(model.epoch_error[1])}",
    ]
    assert model.learningrate == 0.125


def test_epoch_functions_receive_and_return_the_model(capsys):
    X, Y = _data(n=5, t=3)
    seen = []

    def record(model):
        seen.append((model.current_epoch, model.learningrate, model.tag))
        model.note = "touched"
        return model

    model = trainr(Y=Y, X=X, learningrate=0.2, hidden_dim=2, numepochs=3,
                   epoch_function=[record, epoch_annealing], learningrate_decay=0.5, tag="mine")
    assert seen == [(1, 0.2, "mine"), (2, 0.1, "mine"), (3, 0.05, "mine")]
    assert model.note == "touched" and capsys.readouterr().out == ""
    assert epoch_print(model) is model and "Trained epoch: 3" in capsys.readouterr().out
    with pytest.raises(TypeError, match="didn't return the model"):
        trainr(Y=Y, X=X, learningrate=0.2, hidden_dim=2, epoch_function=[lambda m: None])
    with pytest.raises(TypeError, match="loss function must return the model"):
        trainr(Y=Y, X=X, learningrate=0.2, hidden_dim=2, loss_function=lambda m: 1)


def test_a_custom_loss_function_shapes_the_update():
    X, Y = _data(n=6, t=3)
    calls = []

    def frozen(model):  # zero update: nothing may change
        calls.append(len(model.gradients))
        for g in model.gradients:
            g *= 0
        return model

    model = trainr(Y=Y, X=X, learningrate=1e-12, hidden_dim=2, epoch_function=[])
    before = [w.copy() for w in model.network.get_weights()]
    trainr(Y=Y, X=X, model=model, loss_function=frozen, numepochs=2)
    assert calls == [3] * 12       # once per batch; kernel, recurrent kernel, dense kernel
    for a, b in zip(before, model.network.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert loss_L1.__name__ == "loss_L1"


def test_retraining_continues_and_refuses_changed_dimensions(capsys):
    X, Y = _data(n=8, t=4)
    model = trainr(Y=Y, X=X, learningrate=0.5, hidden_dim=3, numepochs=2)
    weights = [w.copy() for w in model.network.get_weights()]
    again = trainr(Y=Y, X=X, model=model, numepochs=3)
    assert again is model and model.error.shape == (8, 3)      # the error history restarts
    assert model.hidden_dim == [3] and model.learningrate == 0.5
    assert any(not np.array_equal(a, b) for a, b in zip(weights, model.network.get_weights()))
    weights = [w.copy() for w in model.network.get_weights()]
    capsys.readouterr()
    bad = [
        (dict(Y=Y, X=np.concatenate([X, X], axis=2)), "input dim"),
        (dict(Y=Y[:, :3], X=X[:, :3]), "time dim"),
        (dict(Y=np.concatenate([Y, Y], axis=2), X=X), "output dim"),
        (dict(Y=Y, X=X, hidden_dim=5), "hidden_dim"),
        (dict(Y=Y, X=X, network_type="gru"), "network_type"),
    ]
    for kwargs, words in bad:
        with pytest.raises(ValueError, match=words):
            trainr(model=model, **kwargs)
    for a, b in zip(weights, model.network.get_weights()):
        np.testing.assert_array_equal(a, b)     # nothing trained
    assert capsys.readouterr().out == ""
    trainr(Y=Y, X=X, model=model, hidden_dim=3, epoch_function=[])  # the same value is fine
    with pytest.raises(TypeError, match="model"):
        trainr(Y=Y, X=X, model={"error": 1})


@pytest.mark.parametrize("kwargs, exc, words", [
    (dict(X=np.zeros((4, 3, 2)), Y=np.zeros((5, 3))), ValueError, "sample dimension"),
    (dict(X=np.zeros((4, 3, 2)), Y=np.zeros((4, 2))), ValueError, "time dimension"),
    (dict(X=np.zeros(4), Y=np.zeros((4, 3))), ValueError, "`X` must be a 3-D"),
    (dict(X=np.zeros((4, 3, 2)), Y=np.zeros((4, 3, 1, 1))), ValueError, "`Y` must be a 3-D"),
    (dict(X=np.full((4, 3), "a"), Y=np.zeros((4, 3))), TypeError, "`X` must be numeric"),
    (dict(X=[[1, None]], Y=np.zeros((1, 2))), TypeError, "`X`"),
    (dict(X=np.zeros((4, 3)), Y=np.full((4, 3), np.nan)), ValueError, "`Y` contains NaN"),
    (dict(X=np.zeros((0, 3)), Y=np.zeros((0, 3))), ValueError, "empty"),
    (dict(hidden_dim=0), ValueError, "hidden_dim"),
    (dict(hidden_dim=[4, 0]), ValueError, "hidden_dim"),
    (dict(hidden_dim=[]), ValueError, "hidden_dim"),
    (dict(hidden_dim=2.5), ValueError, "hidden_dim"),
    (dict(learningrate=None), TypeError, "learningrate"),
    (dict(learningrate=0), ValueError, "learningrate"),
    (dict(learningrate="fast"), TypeError, "learningrate"),
    (dict(network_type="cnn"), ValueError, "network_type"),
    (dict(sigmoid="softmax"), ValueError, "sigmoid"),
    (dict(update_rule="adam"), ValueError, "update_rule"),
    (dict(numepochs=0), ValueError, "numepochs"),
    (dict(batch_size=0), ValueError, "batch_size"),
    (dict(momentum=1.0), ValueError, "momentum"),
    (dict(epoch_function=[1]), TypeError, "epoch_function"),
    (dict(learning_rate=0.1), TypeError, "learningrate"),
    (dict(epochs=3), TypeError, "numepochs"),
])
def test_bad_input_is_refused_before_anything_is_trained(kwargs, exc, words, capsys):
    called = []
    args = dict(X=np.zeros((4, 3, 2)), Y=np.zeros((4, 3)), learningrate=0.1, hidden_dim=2,
                epoch_function=[lambda m: called.append(1) or m])
    args.update(kwargs)
    with pytest.raises(exc, match=words):
        trainr(**args)
    assert called == [] and capsys.readouterr().out == ""


@pytest.mark.parametrize("network_type", ["lstm", "gru"])
def test_lstm_and_gru_networks_train_with_true_gradients(network_type):
    X, Y = _data(n=16, t=4, vin=2, vout=1)
    Y = (X.sum(axis=2, keepdims=True) > 1).astype(float)
    model = trainr(Y=Y, X=X, learningrate=0.5, hidden_dim=[5, 4], network_type=network_type,
                   numepochs=8, epoch_function=[], use_bias=True)
    assert model.epoch_error[-1] < model.epoch_error[0]
    states = predictr(model, X, hidden=True)
    assert [s.shape for s in states] == [(16, 4, 5), (16, 4, 4), (16, 4)]
    kernels = model.time_synapse
    gates = 4 if network_type == "lstm" else 3
    assert kernels[0].shape == (2, gates * 5) and kernels[-1].shape == (4, 1)


@pytest.mark.parametrize("sigmoid_name", ["Gompertz", "tanh"])
def test_other_sigmoids_and_adagrad(sigmoid_name):
    X, Y = _data(n=10, t=4)
    with pytest.warns(UserWarning, match="ignores momentum"):
        model = trainr(Y=Y, X=X, learningrate=0.1, hidden_dim=3, sigmoid=sigmoid_name,
                       update_rule="adagrad", momentum=0.5, numepochs=4, epoch_function=[])
    assert model.sigmoid == sigmoid_name and model.momentum == 0.0
    assert model.epoch_error[-1] < model.epoch_error[0]
    out = predictr(model, X)
    if sigmoid_name == "Gompertz":
        assert np.all((out > 0) & (out < 1))


def test_seq_to_seq_unsync_reads_then_writes():
    X = R.uniform(0, 1, (10, 4, 1))
    Y = np.stack([X[:, :, 0].mean(axis=1), X[:, :, 0].max(axis=1)], axis=1)  # 2 output steps
    model = trainr(Y=Y, X=X, learningrate=0.5, hidden_dim=4, seq_to_seq_unsync=True,
                   numepochs=2, epoch_function=[])
    assert model.time_dim == 5 and model.time_dim_input == 4
    assert predictr(model, X).shape == (10, 2)
    # real_output=False: X is taken as given (trainr's padded layout), nothing is cut
    padded = np.concatenate([X, np.zeros((10, 1, 1))], axis=1)
    np.testing.assert_allclose(predictr(model, padded, real_output=False)[:, 3:, 0],
                               predictr(model, X), rtol=1e-6)
    assert [s.shape for s in predictr(model, X, hidden=True)] == [(10, 2, 4), (10, 2)]
    with pytest.raises(ValueError, match="time input dim"):
        trainr(Y=np.concatenate([Y, Y[:, :1]], axis=1), X=X[:, :3], model=model)  # 3 + 3 - 1


def test_trainr_learns_binary_addition_and_adds_unseen_numbers():
    """The package's example at a reduced size: 1,000 pairs seen 8 times (8,000 steps
    against the example's 10,000), with its own settings."""
    backend.set_random_seed(2)
    X1 = sample(range(0, 128), 1000, replace=True)
    X2 = sample(range(0, 128), 1000, replace=True)
    Y = int2bin(X1 + X2, length=8)
    X = array(c(int2bin(X1, length=8), int2bin(X2, length=8)), dim=c(dim(Y), 2))
    model = trainr(Y=Y, X=X, learningrate=1, hidden_dim=16, numepochs=8, epoch_function=[])
    A1 = sample(range(0, 128), 1000, replace=True)
    A2 = sample(range(0, 128), 1000, replace=True)
    A = array(c(int2bin(A1), int2bin(A2)), dim=(1000, 8, 2))
    B = bin2int(predictr(model, A))
    assert np.mean(B == A1 + A2) > 0.99


def test_predictr_in_chunks_gives_the_same_outputs(monkeypatch):
    import importlib
    predictr_module = importlib.import_module("lamina.rnn.predictr")  # the function shadows it
    X, Y = _data(n=10, t=4)
    model = trainr(Y=Y, X=X, learningrate=0.1, hidden_dim=3, epoch_function=[])
    whole = predictr(model, X, hidden=True)
    monkeypatch.setattr(predictr_module, "_CHUNK", 3)
    for a, b in zip(whole, predictr(model, X, hidden=True)):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_demo_runs_the_binary_addition_example():
    from lamina import demo
    accuracy = demo.rnn_binary_addition(pairs=200, test_pairs=50)
    assert 0.0 <= accuracy <= 1.0


def test_a_model_pickles_and_retrains_after_loading():
    import pickle
    X, Y = _data(n=6, t=4)
    model = trainr(Y=Y, X=X, learningrate=0.1, hidden_dim=3, momentum=0.5, epoch_function=[])
    loaded = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(predictr(loaded, X), predictr(model, X))
    np.testing.assert_array_equal(loaded.error, model.error)
    again = trainr(Y=Y, X=X, model=loaded, numepochs=2, epoch_function=[])
    assert again.error.shape == (6, 2) and again.momentum == 0.5
