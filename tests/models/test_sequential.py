import io
import re

import numpy as np
import pytest

from lamina import backend, callbacks, layers, losses, optimizers
from lamina.models import Model, Sequential


def regression_data(n=200, features=5, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, features)).astype(np.float32)
    w = rng.standard_normal((features, 1)).astype(np.float32)
    y = x @ w + 0.5
    return x, y


def mlp(features=5, units=16):
    return Sequential([layers.Dense(units, activation="relu", input_shape=(features,)),
                       layers.Dense(1)])


def test_summary_before_any_data(capsys):
    model = Sequential(name="seq")
    model.add(layers.Dense(units=50, input_shape=13))
    model.add(layers.Activation("relu"))
    model.add(layers.Dense(units=1))
    model.summary()
    text = capsys.readouterr().out
    assert 'Model: "seq"' in text
    assert re.search(r"dense\w* \(Dense\)\s+│ \(None, 50\)\s+│\s+700 │", text)
    assert re.search(r"activation\w* \(Activation\)\s+│ \(None, 50\)\s+│\s+0 │", text)
    assert re.search(r"\(None, 1\)\s+│\s+51 │", text)
    assert "Total params: 751 (2.93 KB)" in text
    assert "Trainable params: 751 (2.93 KB)" in text
    assert "Non-trainable params: 0 (0.00 B)" in text


def test_summary_counts_optimizer_state_in_bytes(capsys):
    model = Sequential([layers.Dense(1, input_shape=(3,))])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((4, 3), np.float32), np.ones((4, 1), np.float32), epochs=1, verbose=0)
    model.summary()
    # Keras counts the iteration and learning rate too: 2 + 2 slots x 4 weights = 10
    text = capsys.readouterr().out
    line = [s for s in text.splitlines() if "Optimizer params" in s][0]
    count = int(re.search(r"Optimizer params: (\d+)", line).group(1))
    assert count == 10
    assert "(0.00 B)" not in line
    assert "Total params: 14 " in text          # Keras 3 counts the optimizer state in it


def test_summary_leaves_out_an_unbuilt_optimizer(capsys):
    model = Sequential([layers.Dense(1, input_shape=(3,))])
    model.compile(optimizer="adam", loss="mse")
    model.summary()
    text = capsys.readouterr().out
    assert "Optimizer params" not in text
    assert "Total params: 4 " in text


def test_fit_learns_a_linear_function():
    x, y = regression_data()
    model = mlp()
    model.compile(optimizer=optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
    history = model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.05 * history.history["loss"][0]
    assert set(history.history) == {"loss", "mae"}
    assert len(history.history["loss"]) == 30
    assert model.evaluate(x, y, verbose=0)[0] < 0.1
    assert model.predict(x, verbose=0).shape == (200, 1)


def test_validation_split_takes_the_last_fraction():
    x, y = regression_data(n=100)
    seen = []

    class Spy(layers.Layer):
        def call(self, inputs, training=None):
            if training:
                seen.append(inputs.data.copy())
            return inputs

    model = Sequential([Spy(input_shape=(5,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, y, epochs=1, batch_size=100, validation_split=0.2, verbose=0,
                        shuffle=False)
    np.testing.assert_array_equal(seen[0], x[:80])
    val = model.evaluate(x[80:], y[80:], verbose=0)
    np.testing.assert_allclose(history.history["val_loss"][0], val, rtol=1e-5)


def test_validation_split_of_boston_size():
    x, y = regression_data(n=404, features=13)
    model = mlp(13)
    model.compile(optimizer="rmsprop", loss="mse")
    model.fit(x, y, epochs=1, batch_size=32, validation_split=0.1, verbose=0)
    # Keras: split_at = floor(404 * 0.9) = 363 -> 12 batches of training per epoch
    assert model.optimizer.iterations == 12


def test_validation_data_and_epoch_loss_is_sample_weighted_mean():
    x, y = regression_data(n=50)
    model = mlp()
    model.compile(optimizer=optimizers.SGD(learning_rate=0.0), loss="mse")
    history = model.fit(x, y, epochs=1, batch_size=16, validation_data=(x[:10], y[:10]),
                        verbose=0)
    # with lr 0 the weights never change: the epoch loss is the dataset's mean loss
    np.testing.assert_allclose(history.history["loss"][0], model.evaluate(x, y, verbose=0),
                               rtol=1e-5)
    np.testing.assert_allclose(history.history["val_loss"][0],
                               model.evaluate(x[:10], y[:10], verbose=0), rtol=1e-5)


def test_shuffle_false_is_deterministic_and_initial_epoch():
    x, y = regression_data()
    results = []
    for _ in range(2):
        backend.set_random_seed(5)
        model = mlp()
        model.compile(optimizer="adam", loss="mse")
        h = model.fit(x, y, epochs=3, initial_epoch=1, shuffle=False, verbose=0)
        results.append(model.get_weights())
        assert h.epoch == [1, 2]
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


def test_steps_per_epoch():
    x, y = regression_data(n=64)
    model = mlp()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, epochs=2, batch_size=16, steps_per_epoch=3, verbose=0)
    assert model.optimizer.iterations == 6


def test_sample_weight_zero_ignores_samples():
    x, y = regression_data(n=40)
    model = mlp()
    model.compile(optimizer="sgd", loss="mse")
    w0 = model.get_weights()
    sw = np.zeros(40)
    model.fit(x, y, epochs=1, batch_size=40, sample_weight=sw, verbose=0, shuffle=False)
    for a, b in zip(w0, model.get_weights()):
        np.testing.assert_allclose(a, b)


def test_class_weight_for_binary_classification():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((300, 4)).astype(np.float32)
    y = (x[:, :1] + 0.3 * rng.standard_normal((300, 1)) > 0.8).astype(np.float32)
    model = Sequential([layers.Dense(1, activation="sigmoid", input_shape=(4,))])
    model.compile(optimizer=optimizers.Adam(0.05), loss="binary_crossentropy",
                  metrics=["accuracy"])
    h = model.fit(x, y, epochs=20, batch_size=32, class_weight={0: 1.0, 1: 5.0}, verbose=0)
    assert "accuracy" in h.history
    positive_rate = (model.predict(x, verbose=0) > 0.5).mean()
    assert positive_rate > y.mean()  # the rare class was up-weighted


def test_softmax_classifier_reaches_high_accuracy():
    rng = np.random.default_rng(1)
    centers = rng.standard_normal((3, 2)) * 4
    labels = rng.integers(0, 3, 300)
    x = (centers[labels] + rng.standard_normal((300, 2))).astype(np.float32)
    y = np.eye(3, dtype=np.float32)[labels]
    model = Sequential([layers.Dense(16, activation="relu", input_shape=(2,)),
                        layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    h = model.fit(x, y, epochs=30, batch_size=32, verbose=0)
    assert h.history["accuracy"][-1] > 0.9
    loss, acc = model.evaluate(x, y, verbose=0)
    assert acc > 0.9
    probs = model.predict(x[:5], verbose=0)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


def test_progress_output_verbose_2_and_non_terminal(capsys):
    x, y = regression_data(n=64)
    model = mlp()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, epochs=2, batch_size=32, validation_split=0.25, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2"
    assert re.fullmatch(r"2/2 - \d+s - \d+(us|ms)/step - loss: \d+\.\d{4} - val_loss: \d+\.\d{4}",
                        lines[1]), lines[1]
    assert lines[2] == "Epoch 2/2"
    model.fit(x, y, epochs=1, batch_size=32, verbose=1)  # captured output is not a terminal
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/1"
    assert re.fullmatch(r"2/2 ━{20} \d+s \d+(us|ms)/step - loss: \d+\.\d{4}", lines[1]), lines[1]
    assert len(lines) == 2


def test_progress_bar_redraws_on_a_terminal():
    from lamina.utils.progbar import Progbar
    stream = io.StringIO()
    bar = Progbar(4, verbose=1, stream=stream, interval=0)
    bar.dynamic = True
    for i in range(1, 5):
        bar.update(i, [("loss", 21.3)])
    text = stream.getvalue()
    assert text.count("\r") == 4 and text.endswith("\n")
    assert "\x1b[32m" in text and "4/4" in text and "loss: 21.3000" in text


def test_verbose_0_prints_nothing(capsys):
    x, y = regression_data(n=32)
    model = mlp()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, epochs=2, verbose=0)
    model.evaluate(x, y, verbose=0)
    model.predict(x, verbose=0)
    assert capsys.readouterr().out == ""


def test_callbacks_receive_hooks_in_order_and_can_stop():
    events = []

    class Recorder(callbacks.Callback):
        def on_train_begin(self, logs=None):
            events.append("train_begin")

        def on_epoch_begin(self, epoch, logs=None):
            events.append(f"epoch_begin {epoch}")

        def on_train_batch_end(self, batch, logs=None):
            events.append(f"batch_end {batch} {sorted(logs)}")

        def on_epoch_end(self, epoch, logs=None):
            events.append(f"epoch_end {epoch} {sorted(logs)}")
            if epoch == 1:
                self.model.stop_training = True

        def on_train_end(self, logs=None):
            events.append("train_end")

    x, y = regression_data(n=20)
    model = mlp()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    h = model.fit(x, y, epochs=10, batch_size=10, callbacks=[Recorder()], verbose=0)
    assert events == ["train_begin", "epoch_begin 0", "batch_end 0 ['loss', 'mae']",
                      "batch_end 1 ['loss', 'mae']", "epoch_end 0 ['loss', 'mae']",
                      "epoch_begin 1", "batch_end 0 ['loss', 'mae']",
                      "batch_end 1 ['loss', 'mae']", "epoch_end 1 ['loss', 'mae']", "train_end"]
    assert len(h.history["loss"]) == 2


def test_train_test_predict_on_batch_and_direct_call():
    x, y = regression_data(n=16)
    model = mlp()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    loss, mae = model.train_on_batch(x, y)
    logs = model.test_on_batch(x, y, return_dict=True)
    assert set(logs) == {"loss", "mae"}
    np.testing.assert_allclose(model.predict_on_batch(x), model.predict(x, verbose=0), rtol=1e-6)
    out = model(x)
    np.testing.assert_allclose(out.data, model.predict(x, verbose=0), rtol=1e-6)


def test_predict_in_batches_matches_one_batch():
    x, _ = regression_data(n=70)
    model = mlp()
    np.testing.assert_allclose(model.predict(x, batch_size=8, verbose=0),
                               model.predict(x, batch_size=100, verbose=0), rtol=1e-6)


def test_predict_records_no_graph(monkeypatch):
    from lamina.autodiff import Tensor, tensor
    model = mlp()
    x, _ = regression_data(n=1)
    assert model(x)._ctx is not None  # a direct call records the graph (weights need grads)
    recorded = []
    original = tensor.Tensor._wrap.__func__

    def spy(cls, data, ctx, index=0):
        recorded.append(ctx)
        return original(cls, data, ctx, index)

    monkeypatch.setattr(Tensor, "_wrap", classmethod(spy))
    out = model.predict(x, verbose=0)
    assert type(out) is np.ndarray
    assert recorded and all(ctx is None for ctx in recorded)  # predict linked no Function


def test_get_and_set_weights_round_trip():
    a, b = mlp(), mlp()
    b.set_weights(a.get_weights())
    x, _ = regression_data(n=5)
    np.testing.assert_array_equal(a.predict(x, verbose=0), b.predict(x, verbose=0))
    with pytest.raises(ValueError, match="expects 4 weight arrays"):
        b.set_weights(a.get_weights()[:2])


def test_pop_and_add():
    model = mlp()
    model.pop()
    assert len(model.layers) == 1 and model.output_shape == (None, 16)
    model.add(layers.Dense(3))
    assert model.output_shape == (None, 3)


def test_regularization_losses_are_added():
    x, y = regression_data(n=32)
    plain = Sequential([layers.Dense(4, input_shape=(5,), kernel_initializer="ones")])
    reg = Sequential([layers.Dense(4, input_shape=(5,), kernel_initializer="ones",
                                   kernel_regularizer="l2")])
    for m in (plain, reg):
        m.compile(optimizer="sgd", loss="mse")
    y4 = np.repeat(y, 4, axis=1)
    diff = reg.evaluate(x, y4, verbose=0) - plain.evaluate(x, y4, verbose=0)
    np.testing.assert_allclose(diff, 0.01 * 20, rtol=1e-5)


# --- bad input ------------------------------------------------------------------------

def test_x_y_length_mismatch():
    model = mlp()
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="x has 10.*y has 9"):
        model.fit(np.zeros((10, 5)), np.zeros((9, 1)), verbose=0)


def test_wrong_feature_count_names_layer_and_shapes():
    model = mlp()
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"dense.*\(None, 5\).*\(10, 4\).*5 features.*4 given"):
        model.fit(np.zeros((10, 4)), np.zeros((10, 1)), verbose=0)
    with pytest.raises(ValueError, match="expected shape"):
        model.predict(np.zeros((3, 7)), verbose=0)


def test_unknown_names_list_valid_ones():
    model = mlp()
    with pytest.raises(ValueError, match="mse"):
        model.compile(optimizer="sgd", loss="mean_sqaured_error")
    with pytest.raises(ValueError, match="adam"):
        model.compile(optimizer="adamm", loss="mse")
    with pytest.raises(ValueError, match="relu"):
        layers.Dense(3, activation="rleu")


def test_nan_loss_names_the_batch():
    x, y = regression_data(n=64)
    x[40] = np.nan
    model = mlp()
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(FloatingPointError, match=r"epoch 1, batch 2/2"):
        model.fit(x, y, epochs=1, batch_size=32, shuffle=False, verbose=0)


def test_fit_before_compile():
    with pytest.raises(RuntimeError, match="compile"):
        mlp().fit(np.zeros((2, 5)), np.zeros((2, 1)))


def test_non_numeric_data():
    model = mlp()
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(TypeError, match="numeric"):
        model.fit(np.array([["a"] * 5] * 2), np.zeros((2, 1)), verbose=0)


def test_loss_object_and_optimizer_object():
    x, y = regression_data()
    model = mlp()
    model.compile(optimizer=optimizers.RMSprop(), loss=losses.MeanSquaredError())
    h = model.fit(x, y, epochs=5, verbose=0)
    assert h.history["loss"][-1] < h.history["loss"][0]


def test_freezing_a_layer_between_fits_keeps_its_weights():
    x, y = regression_data(n=32)
    model = mlp()
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, epochs=1, verbose=0)
    first = model.layers[0]
    first.trainable = False
    frozen = first.get_weights()
    model.fit(x, y, epochs=2, verbose=0)
    for a, b in zip(frozen, first.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_only_weighted_metrics_see_sample_weights():
    x = np.zeros((4, 1), dtype=np.float32)
    y = np.array([[0.0], [0.0], [2.0], [2.0]], dtype=np.float32)
    model = Sequential([layers.Dense(1, input_shape=(1,), kernel_initializer="zeros")])
    model.compile(optimizer="sgd", loss="mae", metrics=["mae"], weighted_metrics=["mse"])
    logs = model.test_on_batch(x, y, sample_weight=np.array([1.0, 1.0, 0.0, 0.0]),
                               return_dict=True)
    assert logs["mae"] == 1.0  # unweighted: mean(|0-0|, |0-0|, 2, 2)
    assert logs["mse"] == 0.0  # weighted: the two nonzero errors have weight 0


def test_progress_is_dynamic_in_jupyter(monkeypatch):
    import sys

    from lamina.utils.progbar import is_interactive
    monkeypatch.setitem(sys.modules, "ipykernel", object())
    assert is_interactive(io.StringIO())


def test_sequential_config_round_trip():
    model = Sequential([layers.InputLayer(shape=(5,)),
                        layers.Dense(4, activation="relu", kernel_regularizer="l2"),
                        layers.Dropout(0.2), layers.Dense(1)])
    clone = Sequential.from_config(model.get_config())
    assert [type(layer) for layer in clone.layers] == [type(layer) for layer in model.layers]
    assert clone.input_shape == (None, 5) and clone.output_shape == (None, 1)
    clone.set_weights(model.get_weights())
    x, _ = regression_data(n=6)
    np.testing.assert_array_equal(clone.predict(x, verbose=0), model.predict(x, verbose=0))


def test_sequential_inputs_outputs_and_layer_outputs_as_keras_feature_extractor():
    # Keras's Sequential guide: Model(seq.inputs, [layer.output for layer in seq.layers])
    seq = Sequential([layers.Input(shape=(6,)),
                             layers.Dense(4, activation="relu", name="mid"),
                             layers.Dense(2)])
    extractor = Model(inputs=seq.inputs, outputs=[la.output for la in seq.layers])
    x = np.ones((3, 6), "float32")
    mid, last = extractor.predict(x, verbose=0)
    np.testing.assert_allclose(last, seq.predict(x, verbose=0), rtol=1e-6)
    assert mid.shape == (3, 4) and seq.output.shape == (None, 2) and seq.input is seq.inputs[0]
    seq.add(layers.Dense(1))
    assert seq.output.shape == (None, 1)  # the view follows add() / pop()
    with pytest.raises(AttributeError, match="no input shape yet"):
        _ = Sequential([layers.Dense(2)]).outputs


@pytest.mark.parametrize("rank,padding", [(1, "valid"), (2, "valid"), (2, "same"), (3, "valid")])
def test_relu_conv_then_max_pool_runs_pooled_first_with_identical_gradients(rank, padding):
    # the plan pools before the ReLU; values and gradients must be bit-identical to the
    # layers called one by one, ties included (integer inputs give many equal maxima)
    conv = {1: layers.Conv1D, 2: layers.Conv2D, 3: layers.Conv3D}[rank]
    pool = {1: layers.MaxPooling1D, 2: layers.MaxPooling2D, 3: layers.MaxPooling3D}[rank]
    rng = np.random.default_rng(rank)
    shape = (3,) + (7,) * rank + (2,)
    model = Sequential([layers.Input(shape[1:]), conv(4, 3, activation="relu"),
                        pool(2, padding=padding), layers.Flatten(), layers.Dense(1)])
    x = rng.integers(-2, 3, size=shape).astype(np.float64)
    model.set_weights([np.round(w * 4) / 4 for w in model.get_weights()])  # more ties
    assert model._make_plan()[0][0] is model.layers[0]
    assert len(model._make_plan()) == len(model.layers) - 1   # conv + pool fused

    from lamina.autodiff.tensor import Tensor

    def run(forward):
        for w in model.trainable_weights:
            w.grad = None
        out = forward(Tensor(x))
        (out * out).sum().backward()
        return out.data, [w.grad.copy() for w in model.trainable_weights]

    fused_out, fused_grads = run(lambda t: model._forward(t, training=True))
    plain_out, plain_grads = run(lambda t: model.call(t, training=True))
    np.testing.assert_array_equal(fused_out, plain_out)
    for a, b in zip(fused_grads, plain_grads):
        np.testing.assert_array_equal(a, b)
