"""clone_model: new layers with fresh weights, same architecture, as keras.models.clone_model."""
import numpy as np
import pytest

import lamina
from lamina import backend, layers
from lamina.models import Functional, Sequential, clone_model


def seq():
    return Sequential([layers.Input(shape=(4,), name="inp"),
                       layers.Dense(8, activation="relu", name="hidden"),
                       layers.Dropout(0.1, name="drop"), layers.Dense(2, name="out")],
                      name="mlp")


def graph():
    a, b = layers.Input(shape=(4,), name="a"), layers.Input(shape=(3,), name="b")
    shared = layers.Dense(5, activation="tanh", name="shared")
    h = layers.Concatenate(name="cat")([shared(a), layers.Dense(4, name="pb")(b)])
    h = layers.Concatenate(name="cat2")([h, shared(a)])
    return lamina.Model({"a": a, "b": b}, {"reg": layers.Dense(1, name="reg")(h),
                                           "cls": layers.Dense(3, activation="softmax",
                                                               name="cls")(h)}, name="g")


def data(seed=0, n=6):
    rng = np.random.default_rng(seed)
    return {"a": rng.standard_normal((n, 4)).astype("float32"),
            "b": rng.standard_normal((n, 3)).astype("float32")}


def shares_memory(m1, m2):
    return any(np.shares_memory(w1.data, w2.data) for w1 in m1.weights for w2 in m2.weights)


def same_predictions(m1, m2, x):
    p1, p2 = m1.predict(x, verbose=0), m2.predict(x, verbose=0)
    if isinstance(p1, dict):
        return all(np.array_equal(p1[k], p2[k]) for k in p1)
    return np.array_equal(p1, p2)


def test_sequential_clone_has_same_config_and_fresh_weights():
    backend.set_random_seed(0)
    model = seq()
    clone = clone_model(model)
    assert type(clone) is Sequential and clone is not model
    assert clone.get_config() == model.get_config()
    assert clone.output_shape == model.output_shape == (None, 2)
    assert [la.name for la in clone.layers] == ["hidden", "drop", "out"]
    assert all(c is not o for c, o in zip(clone.layers, model.layers))
    assert not shares_memory(model, clone)
    assert not np.array_equal(clone.get_weights()[0], model.get_weights()[0])  # reinitialized
    x = np.random.default_rng(0).standard_normal((5, 4)).astype("float32")
    clone.set_weights(model.get_weights())
    assert same_predictions(model, clone, x)
    clone.layers[0].kernel.assign(np.zeros((4, 8), "float32"))  # not shared with the model
    assert not np.array_equal(model.layers[0].kernel.data, clone.layers[0].kernel.data)


def test_sequential_without_input_layer():
    model = Sequential([layers.Dense(3, input_shape=(2,)), layers.Dense(1)])
    clone = clone_model(model)
    assert clone.built and clone.output_shape == (None, 1)
    built_later = Sequential([layers.Dense(3), layers.Dense(1)])
    built_later.build((None, 5))
    assert [w.shape for w in clone_model(built_later).weights] == [(5, 3), (3,), (3, 1), (1,)]


def test_functional_clone_keeps_graph_structure_and_sharing():
    backend.set_random_seed(1)
    model = graph()
    clone = clone_model(model)
    assert isinstance(clone, Functional)
    assert clone.get_config() == model.get_config()
    assert clone.output_shape == model.output_shape
    assert clone.input_names == ["a", "b"] and sorted(clone.output_names) == ["cls", "reg"]
    assert len(clone.weights) == len(model.weights)  # the shared layer is cloned once
    assert len(clone.get_layer("shared")._inbound_nodes) == 2
    assert not shares_memory(model, clone)
    clone.set_weights(model.get_weights())
    assert same_predictions(model, clone, data())


def test_compiled_model_clone_is_compiled_with_its_own_optimizer():
    model = seq()
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    clone = clone_model(model)
    assert clone.compiled and clone.optimizer is not model.optimizer
    assert type(clone.optimizer) is type(model.optimizer)
    x, y = np.ones((8, 4), "float32"), np.ones((8, 2), "float32")
    history = clone.fit(x, y, epochs=1, verbose=0)
    assert set(history.history) == {"loss", "mae"}
    assert not clone_model(seq()).compiled


def test_clone_function_changes_units():
    def wider(layer):
        config = layer.get_config()
        if layer.name == "hidden":
            config["units"] = 16
        return layer.__class__.from_config(config)

    clone = clone_model(seq(), clone_function=wider)
    assert clone.get_layer("hidden").units == 16
    assert [w.shape for w in clone.weights] == [(4, 16), (16,), (16, 2), (2,)]
    assert clone.predict(np.ones((3, 4), "float32"), verbose=0).shape == (3, 2)


def test_clone_function_wraps_layers():
    x = layers.Input(shape=(5, 3), name="x")
    model = lamina.Model(x, layers.Dense(1, name="d")(layers.LSTM(4, name="lstm")(x)))

    def wrap(layer):
        if isinstance(layer, layers.LSTM):
            return layers.Bidirectional(layers.LSTM.from_config(layer.get_config()))
        return layer.__class__.from_config(layer.get_config())

    clone = clone_model(model, clone_function=wrap)
    assert isinstance(clone.layers[1], layers.Bidirectional)
    assert clone.get_layer("d").kernel.shape == (8, 1)  # forward and backward outputs
    assert clone.predict(np.zeros((2, 5, 3), "float32"), verbose=0).shape == (2, 1)


def test_identity_clone_function_shares_layers_and_call_function_inserts():
    model = graph()

    def call_function(layer, inputs, **kwargs):
        out = layer(inputs, **kwargs)
        return layers.Dropout(0.5)(out) if layer.name == "pb" else out

    clone = clone_model(model, clone_function=lambda layer: layer, call_function=call_function)
    assert clone.get_layer("shared") is model.get_layer("shared")
    assert sum(isinstance(la, layers.Dropout) for la in clone.layers) == 1
    assert same_predictions(model, clone, data())  # same weights, dropout off in predict
    with pytest.raises(ValueError, match="call_function is not supported with Sequential"):
        clone_model(seq(), call_function=call_function)


def test_nested_models():
    inner = seq()
    x = layers.Input(shape=(4,), name="x")
    model = lamina.Model(x, layers.Dense(1, name="top")(inner(x)), name="outer")
    for recursive in (False, True):
        clone = clone_model(model, recursive=recursive)
        nested = clone.get_layer("mlp")
        assert isinstance(nested, Sequential) and nested is not inner
        assert [la.name for la in nested.layers] == ["hidden", "drop", "out"]
        assert not shares_memory(model, clone)
        clone.set_weights(model.get_weights())
        probe = np.random.default_rng(3).standard_normal((4, 4)).astype("float32")
        assert same_predictions(model, clone, probe)


def test_recursive_applies_clone_function_inside_nested_models():
    x = layers.Input(shape=(4,), name="x")
    model = lamina.Model(x, layers.Dense(1, name="top")(seq()(x)))
    seen = []

    def record(layer):
        seen.append(layer.name)
        return layer.__class__.from_config(layer.get_config())

    clone_model(model, clone_function=record, recursive=True)
    assert {"hidden", "out", "top"} <= set(seen) and "mlp" not in seen
    seen.clear()
    clone_model(model, clone_function=record)
    assert "mlp" in seen and "hidden" not in seen


def test_input_tensors():
    model = graph()
    a2, b2 = layers.Input(shape=(4,), name="new_a"), layers.Input(shape=(3,), name="new_b")
    clone = clone_model(model, input_tensors={"a": a2, "b": b2})
    assert clone.inputs[0] is a2 and clone.inputs[1] is b2
    clone.set_weights(model.get_weights())
    assert same_predictions(model, clone, data())  # the dict's keys name the inputs
    with pytest.raises(ValueError, match="same structure"):
        clone_model(model, input_tensors=[a2])
    with pytest.raises(ValueError, match="symbolic tensor"):
        clone_model(seq(), input_tensors=np.zeros((1, 4)))

    inp = layers.Input(shape=(4,), name="given")
    clone = clone_model(seq(), input_tensors=[inp])
    assert clone.inputs[0] is inp and clone.output_shape == (None, 2)
    # a tensor that is not an Input gets a new Input of its shape, as Keras does
    mid = layers.Dense(4)(layers.Input(shape=(7,)))
    clone = clone_model(seq(), input_tensors=mid)
    assert clone.input_shape == (None, 4) and clone.inputs[0] is not mid


def test_subclassed_model():
    class Configured(lamina.Model):
        def __init__(self, units=3, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.dense = layers.Dense(units)

        def call(self, inputs):
            return self.dense(inputs)

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    model = Configured(units=5, name="sub")
    model(np.ones((2, 3), "float32"))
    clone = clone_model(model)
    assert type(clone) is Configured and clone.units == 5 and clone.name == "sub"
    assert clone.built and not shares_memory(model, clone)
    with pytest.raises(ValueError, match="only supported for Sequential and Functional"):
        clone_model(model, clone_function=lambda la: la)

    class Unconfigured(lamina.Model):
        def __init__(self, units):
            super().__init__()
            self.dense = layers.Dense(units)

        def call(self, inputs):
            return self.dense(inputs)

    with pytest.raises(ValueError, match="Implement Unconfigured.get_config"):
        clone_model(Unconfigured(2))


def test_bad_arguments():
    with pytest.raises(ValueError, match="unexpected keyword"):
        clone_model(seq(), bogus=1)
    with pytest.raises(TypeError, match="expected a lamina Model"):
        clone_model(layers.Dense(2))
    with pytest.raises(ValueError, match="clone_function must be callable"):
        clone_model(seq(), clone_function=3)
    with pytest.raises(TypeError, match="must return a Layer"):
        clone_model(seq(), clone_function=lambda layer: None)


def test_exported_as_lamina_models_clone_model():
    assert lamina.models.clone_model is clone_model
