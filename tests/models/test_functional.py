"""The functional API: Input, Model(inputs, outputs), shared layers, nested models, several
inputs and outputs in training, Keras 3's functional config, summary and plots."""
import json
import os

import numpy as np
import pytest

import lamina
from lamina import backend, layers
from lamina.autodiff import Tensor
from lamina.models import Functional, Sequential

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "functional")


def two_io_model(seed=0):
    backend.set_random_seed(seed)
    a = layers.Input(shape=(4,), name="in_a")
    b = layers.Input(shape=(4,), name="in_b")
    shared = layers.Dense(8, activation="tanh", name="shared")
    h = layers.Concatenate(name="concat")([shared(a), shared(b)])
    reg = layers.Dense(1, name="out_reg")(h)
    cls = layers.Dense(3, activation="softmax", name="out_cls")(h)
    return lamina.Model([a, b], [reg, cls], name="two_io")


def two_io_data(n=96, seed=0):
    rng = np.random.default_rng(seed)
    xa, xb = rng.standard_normal((n, 4)), rng.standard_normal((n, 4))
    y_reg = (xa[:, :1] - xb[:, 1:2]).astype("float32")
    y_cls = (np.argmax(xa[:, :3] + xb[:, :3], axis=1)).astype("int64")
    return [xa, xb], [y_reg, y_cls]


def test_model_returns_functional_with_structure():
    model = two_io_model()
    assert type(model) is Functional and isinstance(model, lamina.Model)
    assert [la.name for la in model.layers] == ["in_a", "in_b", "shared", "concat", "out_reg",
                                                "out_cls"]
    assert model.input_shape == [(None, 4), (None, 4)]
    assert model.output_shape == [(None, 1), (None, 3)]
    assert model.input_names == ["in_a", "in_b"] and model.output_names == ["out_reg", "out_cls"]
    assert len(model.inputs) == 2 and len(model.outputs) == 2
    assert model.get_layer("shared") is model.layers[2]
    assert model.get_layer(index=3).name == "concat"
    # weights in layer order, each layer's own order (kernel, bias)
    assert [w.shape for w in model.weights] == [(4, 8), (8,), (16, 1), (1,), (16, 3), (3,)]
    with pytest.raises(ValueError, match="no layer named 'nope'"):
        model.get_layer("nope")
    with pytest.raises(ValueError, match="index 10"):
        model.get_layer(index=10)


def test_two_inputs_two_outputs_train_and_log_as_keras():
    model = two_io_model()
    x, y = two_io_data()
    model.compile(optimizer="adam", loss=["mse", "sparse_categorical_crossentropy"],
                  metrics=[["mae"], ["accuracy"]])
    before = model.evaluate(x, y, verbose=0)
    hist = model.fit(x, y, epochs=15, batch_size=16, verbose=0, validation_split=0.25)
    logs = hist.history
    assert list(logs) == ["loss", "out_reg_loss", "out_cls_loss", "out_cls_accuracy",
                          "out_reg_mae", "val_loss", "val_out_reg_loss", "val_out_cls_loss",
                          "val_out_cls_accuracy", "val_out_reg_mae"]
    assert logs["loss"][-1] < logs["loss"][0] * 0.8
    np.testing.assert_allclose(logs["val_loss"], np.add(logs["val_out_reg_loss"],
                                                        logs["val_out_cls_loss"]), rtol=1e-5)
    after = model.evaluate(x, y, verbose=0)
    assert len(after) == 5 and after[0] < before[0]  # loss, 2 output losses, 2 metrics
    as_dict = model.evaluate(x, y, verbose=0, return_dict=True)
    assert list(as_dict) == ["loss", "out_reg_loss", "out_cls_loss", "out_cls_accuracy",
                             "out_reg_mae"]
    pred = model.predict(x, verbose=0, batch_size=40)
    assert isinstance(pred, list) and [p.shape for p in pred] == [(96, 1), (96, 3)]
    first = model.predict([x[0][:5], x[1][:5]], verbose=0)
    np.testing.assert_allclose(first[1], pred[1][:5], rtol=1e-5)
    assert len(model.train_on_batch(x, y)) == 5
    assert set(model.test_on_batch(x, y, return_dict=True)) == set(as_dict)


def test_dict_losses_weights_and_metrics():
    model = two_io_model()
    x, y = two_io_data()
    model.compile(optimizer="sgd",
                  loss={"out_reg": "mse", "out_cls": "sparse_categorical_crossentropy"},
                  loss_weights={"out_reg": 2.0, "out_cls": 0.5}, metrics={"out_cls": "accuracy"})
    logs = model.evaluate({"in_a": x[0], "in_b": x[1]}, {"out_reg": y[0], "out_cls": y[1]},
                          verbose=0, return_dict=True)
    assert list(logs) == ["loss", "out_reg_loss", "out_cls_loss", "out_cls_accuracy"]
    assert logs["loss"] == pytest.approx(2 * logs["out_reg_loss"] + 0.5 * logs["out_cls_loss"],
                                         rel=1e-5)


def test_single_loss_applies_to_every_output_and_validation_data_lists():
    model = two_io_model()
    x, y = two_io_data()
    y_onehot = np.eye(3, dtype="float32")[y[1]]
    model.compile(optimizer="adam", loss="mse")
    hist = model.fit(x, [y[0], y_onehot], epochs=2, verbose=0,
                     validation_data=(x, [y[0], y_onehot]))
    assert {"out_reg_loss", "out_cls_loss", "val_out_cls_loss"} <= set(hist.history)


def test_dict_inputs_and_outputs():
    backend.set_random_seed(1)
    a, b = layers.Input(shape=(3,), name="a"), layers.Input(shape=(2,), name="b")
    h = layers.concatenate([a, b])
    model = lamina.Model({"a": a, "b": b}, {"r": layers.Dense(1, name="r")(h),
                                            "c": layers.Dense(2, name="c")(h)})
    rng = np.random.default_rng(0)
    x = {"a": rng.standard_normal((32, 3)), "b": rng.standard_normal((32, 2))}
    y = {"r": rng.standard_normal((32, 1)), "c": rng.standard_normal((32, 2))}
    model.compile("adam", loss={"r": "mse", "c": "mae"})
    hist = model.fit(x, y, epochs=3, verbose=0)
    assert {"loss", "r_loss", "c_loss"} == set(hist.history)
    pred = model.predict(x, verbose=0)
    assert set(pred) == {"r", "c"} and pred["c"].shape == (32, 2)
    out = model({"a": x["a"][:4], "b": x["b"][:4]})
    np.testing.assert_allclose(out["r"].data, pred["r"][:4], rtol=1e-5)
    # wrong dict keys: a clear error naming what is missing and what was unexpected
    with pytest.raises(ValueError, match=r"missing \['b'\].*|unexpected \['z'\]"):
        model.fit({"a": x["a"], "z": x["b"]}, y, verbose=0)
    with pytest.raises(ValueError, match=r"unexpected \['zz'\]"):
        model.fit(x, {"r": y["r"], "c": y["c"], "zz": y["c"]}, verbose=0)
    with pytest.raises(ValueError, match="no target for output 'c'"):
        model.fit(x, {"r": y["r"]}, verbose=0)
    with pytest.raises(ValueError, match="not outputs of the model"):
        model.compile("adam", loss={"r": "mse", "nope": "mse"})
        model.fit(x, y, verbose=0)


def test_errors_for_bad_graphs_and_missing_arrays():
    a, b = layers.Input(shape=(3,), name="ea"), layers.Input(shape=(3,), name="eb")
    out = layers.add([layers.Dense(2)(a), layers.Dense(2)(b)])
    with pytest.raises(ValueError, match="not connected to the model's inputs.*'eb'"):
        lamina.Model(a, out)
    with pytest.raises(ValueError, match="must come from lamina.Input"):
        lamina.Model(layers.Dense(2)(a), out)
    with pytest.raises(TypeError, match="symbolic tensors"):
        lamina.Model(a, np.zeros(3))
    model = lamina.Model([a, b], out)
    model.compile("sgd", "mse")
    x = np.zeros((4, 3), "float32")
    with pytest.raises(ValueError, match="expected 2 arrays"):
        model.fit([x], np.zeros((4, 2)), verbose=0)
    with pytest.raises(ValueError, match="has 2 inputs"):
        model.predict(x, verbose=0)
    with pytest.raises(ValueError, match="Input 'eb'.*expected shape \\(None, 3\\)"):
        model.predict([x, np.zeros((4, 5))], verbose=0)
    with pytest.raises(ValueError, match="different numbers of samples"):
        model.predict([x, np.zeros((5, 3))], verbose=0)
    with pytest.raises(ValueError, match="The output of layer 'add.*' is not connected"):
        lamina.Model(a, out)
    with pytest.raises(ValueError, match="fit: y: dict keys \\['outt'\\]"):
        model.fit([x, x], {"outt": np.zeros((4, 2))}, verbose=0)
    two = lamina.Model(a, [layers.Dense(1)(a), layers.Dense(2)(a)])
    two.compile("sgd", "mse", metrics=[["mae"]])
    with pytest.raises(ValueError, match="list of 1 lists but the model has 2 outputs"):
        two.fit(x, [np.zeros((4, 1)), np.zeros((4, 2))], verbose=0)


def test_shared_layer_gradient_from_both_calls_matches_finite_differences():
    backend.set_floatx("float64")
    try:
        backend.set_random_seed(3)
        a, b = layers.Input(shape=(3,)), layers.Input(shape=(3,))
        shared = layers.Dense(2, activation="tanh")
        out = layers.multiply([shared(a), shared(b)])
        model = lamina.Model([a, b], out)
        rng = np.random.default_rng(0)
        xa, xb = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
        r = rng.standard_normal((4, 2))

        def value():
            return float(np.sum(model([Tensor(xa), Tensor(xb)]).data * r))
        for w in model.weights:
            w.grad = None
        (model([Tensor(xa), Tensor(xb)]) * Tensor(r)).sum().backward()
        kernel = shared.kernel
        numeric = np.zeros_like(kernel.data)
        for idx in np.ndindex(kernel.shape):
            orig = kernel.data[idx]
            kernel.data[idx] = orig + 1e-6
            plus = value()
            kernel.data[idx] = orig - 1e-6
            minus = value()
            kernel.data[idx] = orig
            numeric[idx] = (plus - minus) / 2e-6
        np.testing.assert_allclose(kernel.grad, numeric, rtol=1e-6, atol=1e-8)
        assert len(model.trainable_weights) == 2  # one kernel, one bias: shared once
    finally:
        backend.set_floatx("float32")


def test_nested_models_as_layers():
    backend.set_random_seed(5)
    inner_seq = Sequential([layers.Dense(4, activation="relu", input_shape=(3,)),
                            layers.Dense(2)], name="inner_seq")
    i = layers.Input(shape=(3,))
    inner_fn = lamina.Model(i, layers.Dense(3, name="inner_dense")(i), name="inner_fn")
    x_in = layers.Input(shape=(3,))
    h1 = inner_seq(x_in)
    h2 = inner_seq(inner_fn(x_in))  # nested models shared and chained
    model = lamina.Model(x_in, layers.Dense(1)(layers.concatenate([h1, h2])))
    assert [type(la).__name__ for la in model.layers][:3] == ["InputLayer", "Functional",
                                                             "Sequential"]
    assert len(model.weights) == 4 + 2 + 2
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    # called on real tensors, a nested model is a layer like any other
    ref = model.layers[-1](np.concatenate([inner_seq(x).data, inner_seq(inner_fn(x)).data],
                                          axis=1)).data
    np.testing.assert_allclose(model.predict(x, verbose=0), ref, rtol=1e-5)
    model.compile("adam", "mse")
    hist = model.fit(x, y, epochs=20, verbose=0)
    assert hist.history["loss"][-1] < hist.history["loss"][0]
    config = model.get_config()
    clone = lamina.Model.from_config(config)
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)


def test_functional_matches_sequential_and_propagates_masks():
    backend.set_random_seed(2)
    seq = Sequential([layers.Embedding(10, 4, mask_zero=True, input_shape=(5,)),
                      layers.LSTM(3), layers.Dense(1)])
    inp = layers.Input(shape=(5,), dtype="int64")
    h = inp
    for layer in seq.layers:
        h = layer(h)
    model = lamina.Model(inp, h)
    x = np.array([[1, 2, 0, 0, 0], [3, 4, 5, 6, 7]])
    np.testing.assert_allclose(model.predict(x, verbose=0), seq.predict(x, verbose=0),
                               rtol=1e-6)
    masked = model.predict(np.array([[1, 2, 0, 0, 0]]), verbose=0)
    other = model.predict(np.array([[1, 2, 0, 9, 9]]), verbose=0)
    assert not np.allclose(masked, other)  # 9 is a real step; zeros are skipped
    np.testing.assert_allclose(masked, model.predict(np.array([[1, 2, 0, 0, 0]]), verbose=0))


def test_get_config_round_trip_and_keras_format():
    model = two_io_model()
    config = model.get_config()
    assert list(config) == ["name", "trainable", "layers", "input_layers", "output_layers"]
    assert config["input_layers"] == [["in_a", 0, 0], ["in_b", 0, 0]]
    concat = config["layers"][3]
    assert concat["name"] == "concat" and concat["inbound_nodes"][0]["args"][0][1] == {
        "class_name": "__keras_tensor__",
        "config": {"shape": [None, 8], "dtype": "float32", "keras_history": ["shared", 1, 0]}}
    json.dumps(config)  # plain JSON
    clone = Functional.from_config(json.loads(json.dumps(config)))
    clone.set_weights(model.get_weights())
    x, _ = two_io_data(8)
    for p, q in zip(clone.predict(x, verbose=0), model.predict(x, verbose=0)):
        np.testing.assert_allclose(p, q, rtol=1e-6)
    assert clone.get_config() == config


@pytest.mark.parametrize("name", ["two_io_shared", "nested"])
def test_from_config_of_a_real_keras_config(name):
    """Configs written by Keras 3.15 (tests/fixtures/functional/make_functional_fixtures.py)."""
    with open(os.path.join(FIXTURES, f"{name}.json")) as f:
        record = json.load(f)
    model = Functional.from_config(record["config"])
    model.set_weights([np.asarray(w, dtype="float32") for w in record["weights"]])
    x = record["x"]
    x = [np.asarray(a, "float32") for a in x] if name == "two_io_shared" else np.asarray(
        x, "float32")
    pred = model.predict(x, verbose=0)
    want = record["y"]
    for p, w in zip(pred if isinstance(pred, list) else [pred],
                    want if isinstance(pred, list) else [want]):
        np.testing.assert_allclose(p, np.asarray(w), rtol=1e-5, atol=1e-6)
    ours, theirs = model.get_config(), record["config"]
    assert ours["input_layers"] == theirs["input_layers"]
    assert ours["output_layers"] == theirs["output_layers"]
    for mine, keras in zip(ours["layers"], theirs["layers"]):
        assert list(mine) == list(keras)
        assert (mine["name"], mine["class_name"]) == (keras["name"], keras["class_name"])
        assert mine["inbound_nodes"] == keras["inbound_nodes"]


def test_summary_connected_to_column():
    lines = []
    two_io_model().summary(print_fn=lines.append)
    text = lines[0]
    assert "Connected to" in text
    assert "in_a[0][0], in_b[0][0]" in text and "shared[0][0], shared[1][0]" in text
    chain_in = layers.Input(shape=(3,))
    chain = lamina.Model(chain_in, layers.Dense(1)(layers.Dense(2)(chain_in)))
    lines.clear()
    chain.summary(print_fn=lines.append)
    assert "Connected to" not in lines[0]  # a plain chain looks like Sequential, as in Keras


def test_plot_model_writes_png(tmp_path):
    pytest.importorskip("pydot")
    from lamina.utils import plot as plot_mod
    try:
        plot_mod.dot_program()
    except ImportError:
        pytest.skip("no Graphviz dot program")
    path = tmp_path / "model.png"
    lamina.utils.plot_model(two_io_model(), to_file=str(path), show_shapes=True,
                            expand_nested=True, rankdir="LR")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    dot = lamina.utils.model_to_dot(two_io_model()).to_string()
    assert dot.count("->") >= 6


def test_history_plot_writes_png(tmp_path):
    pytest.importorskip("matplotlib")
    model = two_io_model()
    x, y = two_io_data(32)
    model.compile("adam", ["mse", "sparse_categorical_crossentropy"])
    hist = model.fit(x, y, epochs=3, verbose=0, validation_split=0.25)
    path = tmp_path / "history.png"
    fig = hist.plot(to_file=str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(fig.axes) == 3  # loss, out_reg_loss, out_cls_loss
    assert len(fig.axes[0].lines) == 2  # training and validation
    with pytest.raises(ValueError, match="no logs named"):
        hist.plot(to_file=None, metrics=["nope"])


def test_symbolic_keyword_arguments_and_several_layer_outputs():
    """An encoder's states fed to a decoder as initial_state: tensors in kwargs are inputs."""
    backend.set_random_seed(4)
    enc_in, dec_in = layers.Input(shape=(5, 3)), layers.Input(shape=(6, 2))
    _, h, c = layers.LSTM(4, return_state=True)(enc_in)
    dec = layers.LSTM(4, return_sequences=True)(dec_in, initial_state=[h, c])
    model = lamina.Model([enc_in, dec_in], layers.Dense(1)(dec))
    rng = np.random.default_rng(0)
    x = [rng.random((8, 5, 3)).astype("float32"), rng.random((8, 6, 2)).astype("float32")]
    clone = lamina.Model.from_config(json.loads(json.dumps(model.get_config())))
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)
    other = [x[0] + 1.0, x[1]]  # the encoder's input changes the decoder's output
    assert not np.allclose(model.predict(other, verbose=0), model.predict(x, verbose=0))


def test_keras2_legacy_node_lists_and_list_of_one_output():
    config = {"name": "legacy", "layers": [
        {"class_name": "InputLayer", "name": "input_1", "inbound_nodes": [],
         "config": {"batch_input_shape": [None, 3], "dtype": "float32", "name": "input_1"}},
        {"class_name": "Dense", "name": "d1", "config": {"name": "d1", "units": 2},
         "inbound_nodes": [[["input_1", 0, 0, {}]]]},
        {"class_name": "Dense", "name": "d2", "config": {"name": "d2", "units": 2},
         "inbound_nodes": [[["input_1", 0, 0, {}]]]},
        {"class_name": "Add", "name": "add", "config": {"name": "add"},
         "inbound_nodes": [[["d1", 0, 0, {}], ["d2", 0, 0, {}]]]}],
        "input_layers": [["input_1", 0, 0]], "output_layers": [["add", 0, 0]]}
    model = lamina.Model.from_config(config)
    assert [la.name for la in model.layers] == ["input_1", "d1", "d2", "add"]
    x = np.ones((2, 3), "float32")
    pred = model.predict(x, verbose=0)  # outputs=[y] predicts an array, as Keras 3
    d1, d2 = model.get_layer("d1"), model.get_layer("d2")
    np.testing.assert_allclose(pred, d1(x).data + d2(x).data, rtol=1e-6)


def test_dict_outputs_flatten_in_sorted_key_order_as_keras():
    # Keras orders dict inputs / outputs by sorted key: its layer order decides the names
    # in the weights file (dense, dense_1), so insertion order broke .keras interop
    a = layers.Input(shape=(3,), name="zz")
    b = layers.Input(shape=(3,), name="aa")
    model = lamina.Model({"zz": a, "aa": b}, {"p": layers.Dense(1, name="p")(a),
                                             "d": layers.Dense(2, name="d")(b)})
    assert [la.name for la in model.layers] == ["aa", "zz", "d", "p"]
    assert model.output_names == ["d", "p"] and model.input_names == ["aa", "zz"]
    assert [t.shape[-1] for t in model.outputs] == [2, 1]
    out = model.predict({"zz": np.ones((2, 3)), "aa": np.ones((2, 3))}, verbose=0)
    assert out["p"].shape == (2, 1) and out["d"].shape == (2, 2)


def test_layer_input_and_output_build_a_feature_extractor():
    # Keras's common pattern: Model(model.input, model.get_layer(name).output)
    model = two_io_model()
    shared = model.get_layer("shared")
    assert shared.input is model.inputs[0] and shared.output.shape == (None, 8)
    assert model.get_layer("in_a").output is model.inputs[0]
    assert model.get_layer("concat").input == [shared._inbound_nodes[0].outputs[0],
                                               shared._inbound_nodes[1].outputs[0]]
    features = lamina.Model(model.inputs, model.get_layer("concat").output)
    (xa, xb), _ = two_io_data(n=5)
    assert features.predict([xa, xb], verbose=0).shape == (5, 16)
    with pytest.raises(AttributeError, match="never been called"):
        _ = layers.Dense(2).output


class _AddsLoss(layers.Layer):
    def call(self, inputs):
        self.add_loss(0.5 * lamina.ops.sum(lamina.ops.square(inputs)))
        return inputs


def test_add_loss_in_a_layer_joins_the_training_loss():
    backend.set_random_seed(0)
    a = layers.Input(shape=(3,))
    model = lamina.Model(a, layers.Dense(1)(_AddsLoss()(layers.Dense(4, name="h")(a))))
    model.compile("sgd", "mse")
    x, y = np.ones((8, 3), "float32"), np.zeros((8, 1), "float32")
    plain = model.evaluate(x, y, verbose=0)
    h = model.get_layer("h")(lamina.autodiff.Tensor(x)).data
    assert plain == pytest.approx(np.mean(model.predict(x, verbose=0) ** 2)
                                  + 0.5 * np.sum(h ** 2), rel=1e-5)
    assert len(model.losses) == 1
    hist = model.fit(x, y, epochs=5, batch_size=8, verbose=0)
    assert hist.history["loss"][-1] < hist.history["loss"][0]  # the term is minimized too


class _AddsLossThroughAHelper(layers.Layer):
    def penalize(self, t):
        self.add_loss(0.5 * lamina.ops.sum(lamina.ops.square(t)))

    def call(self, inputs):
        self.penalize(inputs)
        return inputs


def test_add_loss_from_a_helper_counts_from_the_first_step():
    backend.set_random_seed(0)
    model = lamina.Sequential([layers.Input(shape=(3,)), layers.Dense(4, name="h"),
                               _AddsLossThroughAHelper(), layers.Dense(1)])
    model.compile("sgd", "mse")
    x, y = np.ones((8, 3), "float32"), np.zeros((8, 1), "float32")
    h = model.get_layer("h")(lamina.autodiff.Tensor(x)).data
    expected = np.mean(model.predict(x, verbose=0) ** 2) + 0.5 * np.sum(h ** 2)
    first = model.train_on_batch(x, y)
    assert first == pytest.approx(expected, rel=1e-5)
    model.fit(x, y, epochs=3, batch_size=4, verbose=0)
    assert len(model.losses) == 1          # the last call's term, not one per step
