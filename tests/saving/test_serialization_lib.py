"""serialize_keras_object / deserialize_keras_object (Keras 3's format), registered functions
saved under their registered name, and users' configs holding lamina objects."""
import base64
import json
import marshal
import zipfile

import numpy as np
import pytest

import lamina
from lamina import layers as L
from lamina.saving import (
    deserialize_keras_object,
    get_custom_objects,
    register_keras_serializable,
    serialize_keras_object,
)

X = np.linspace(-1, 1, 12, dtype="float32").reshape(3, 4)


@pytest.fixture
def registry():
    saved = dict(get_custom_objects())
    yield get_custom_objects()
    get_custom_objects().clear()
    get_custom_objects().update(saved)


def _config_json(path):
    return json.loads(zipfile.ZipFile(path).read("config.json"))


def test_registered_function_saved_under_registered_name(tmp_path, registry):
    @register_keras_serializable(package="pkg", name="sq")
    def square(x):
        return x * x

    model = lamina.Sequential([L.Input((4,)), L.Dense(2, activation=square)])
    model.save(tmp_path / "m.keras")
    entry = _config_json(tmp_path / "m.keras")["config"]["layers"][1]["config"]["activation"]
    assert entry["class_name"] == "function" and entry["config"] == "pkg>sq"
    loaded = lamina.saving.load_model(tmp_path / "m.keras")  # safe mode: found by registry
    assert loaded.layers[0].activation is square
    np.testing.assert_allclose(loaded.predict(X, verbose=0), model.predict(X, verbose=0))
    clone = lamina.models.clone_model(model)
    assert clone.layers[0].activation is square
    # with the registry emptied, the bare name in custom_objects finds it; nothing else does
    registry.clear()
    with pytest.raises(ValueError, match="pkg>sq"):
        lamina.saving.load_model(tmp_path / "m.keras")
    again = lamina.saving.load_model(tmp_path / "m.keras", custom_objects={"sq": square})
    assert again.layers[0].activation is square


@pytest.mark.parametrize("make", [
    lambda: lamina.regularizers.L1L2(l1=0.01, l2=0.5),
    lambda: lamina.initializers.RandomNormal(stddev=0.3),
    lambda: lamina.constraints.MaxNorm(2.0),
    lambda: lamina.optimizers.Adam(learning_rate=0.25),
    lambda: lamina.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5),
])
def test_builtin_objects_round_trip(make):
    obj = make()
    entry = serialize_keras_object(obj)
    assert set(entry) == {"module", "class_name", "config", "registered_name"}
    assert entry["module"].startswith("keras.") and entry["registered_name"] is None
    back = deserialize_keras_object(json.loads(json.dumps(entry)))
    assert type(back) is type(obj) and back.get_config() == obj.get_config()


def test_plain_values_containers_and_numpy():
    value = {"a": [1, 2.5, "x", None, True], "b": (3, 4), "c": {"d": np.float32(1.5)}}
    entry = serialize_keras_object(value)
    assert entry == {"a": [1, 2.5, "x", None, True], "b": (3, 4), "c": {"d": 1.5}}
    assert deserialize_keras_object(entry) == {"a": [1, 2.5, "x", None, True], "b": [3, 4],
                                               "c": {"d": 1.5}}
    arr = np.arange(6, dtype="int32").reshape(2, 3)
    back = deserialize_keras_object(json.loads(json.dumps(serialize_keras_object(arr))))
    assert back.dtype == np.int32
    np.testing.assert_array_equal(back, arr)
    assert deserialize_keras_object(serialize_keras_object(b"ab")) == b"ab"
    assert deserialize_keras_object(serialize_keras_object(slice(1, None, 2))) == slice(1, None, 2)


def test_layers_and_functions():
    dense = L.Dense(3, activation="relu", kernel_regularizer=lamina.regularizers.L2(0.1))
    dense(np.zeros((2, 5), "float32"))
    entry = serialize_keras_object(dense)
    assert entry["build_config"] == {"input_shape": [None, 5]}
    back = deserialize_keras_object(json.loads(json.dumps(entry)))
    assert isinstance(back, L.Dense) and back.built and tuple(back.kernel.shape) == (5, 3)
    assert back.kernel_regularizer.l2 == pytest.approx(0.1)
    relu = serialize_keras_object(lamina.activations.relu)
    assert relu == {"module": "builtins", "class_name": "function", "config": "relu",
                    "registered_name": "function"}
    assert deserialize_keras_object(relu) is lamina.activations.relu
    # the names keras.utils exports are the same functions
    assert lamina.utils.serialize_keras_object is serialize_keras_object
    assert lamina.utils.deserialize_keras_object is deserialize_keras_object


def test_registered_class_with_nested_objects(registry):
    @register_keras_serializable(package="pkg")
    class Pair:
        def __init__(self, first, second, scale=1.0):
            self.first, self.second, self.scale = first, second, scale

        def get_config(self):
            return {"first": self.first, "second": self.second, "scale": self.scale}

        @classmethod
        def from_config(cls, config):
            return cls(deserialize_keras_object(config["first"]),
                       deserialize_keras_object(config["second"]), config["scale"])

    pair = Pair(lamina.regularizers.L1(0.2), [L.Dense(2), lamina.initializers.Ones()], 3.0)
    entry = json.loads(json.dumps(serialize_keras_object(pair)))
    assert entry["registered_name"] == "pkg>Pair" and entry["class_name"] == "Pair"
    assert entry["config"]["first"]["class_name"] == "L1"
    assert [e["class_name"] for e in entry["config"]["second"]] == ["Dense", "Ones"]
    back = deserialize_keras_object(entry)
    assert isinstance(back, Pair) and back.scale == 3.0
    assert isinstance(back.first, lamina.regularizers.L1) and back.first.l1 == pytest.approx(0.2)
    assert isinstance(back.second[0], L.Dense) and back.second[0].units == 2
    assert isinstance(back.second[1], lamina.initializers.Ones)
    # without the registry, custom_objects finds it; without either, a clear error
    registry.clear()
    assert isinstance(deserialize_keras_object(entry, custom_objects={"Pair": Pair}), Pair)
    with pytest.raises(TypeError, match="'Pair'.*custom_objects"):
        deserialize_keras_object(entry)


def test_unserializable_object_is_named():
    with pytest.raises(TypeError, match="object at|get_config"):
        serialize_keras_object(object())


def _keras_lambda_entry():
    code = base64.b64encode(marshal.dumps((lambda x: x * 3).__code__)).decode("ascii")
    return {"class_name": "__lambda__", "config": {"value": [code, None, None]}}


def test_marshalled_lambda_needs_safe_mode_false():
    entry = _keras_lambda_entry()
    with pytest.raises(ValueError, match="safe_mode=False"):
        deserialize_keras_object(entry)
    fn = deserialize_keras_object(entry, safe_mode=False)
    assert fn(2) == 6


@register_keras_serializable(package="test_serialization_lib")
class Stack(L.Layer):
    """A user's layer whose config holds a list of layers and a regularizer."""

    def __init__(self, inner, regularizer=None, **kwargs):
        super().__init__(**kwargs)
        self.inner = list(inner)
        self.regularizer = regularizer

    def call(self, x):
        for layer in self.inner:
            x = layer(x)
        return x

    def get_config(self):
        return {**super().get_config(), "inner": self.inner, "regularizer": self.regularizer}

    @classmethod
    def from_config(cls, config):
        config["inner"] = [deserialize_keras_object(c) for c in config["inner"]]
        config["regularizer"] = deserialize_keras_object(config["regularizer"])
        return cls(**config)


def test_user_layer_config_with_lamina_objects_saves(tmp_path):
    stack = Stack([L.Dense(3, activation="tanh"), L.Dense(2)], lamina.regularizers.L2(0.3))
    inputs = lamina.Input((4,))
    model = lamina.Model(inputs, stack(inputs))
    config = model.get_config()
    json.dumps(config)  # plain values only
    rebuilt = lamina.Model.from_config(config)
    assert [type(x).__name__ for x in rebuilt.layers[1].inner] == ["Dense", "Dense"]
    lamina.models.save_model(model, tmp_path / "m.keras")
    loaded = lamina.models.load_model(tmp_path / "m.keras")
    inner = loaded.layers[1].inner
    assert [x.units for x in inner] == [3, 2]
    assert inner[0].activation is lamina.activations.tanh
    assert loaded.layers[1].regularizer.l2 == pytest.approx(0.3)
    assert loaded.predict(X, verbose=0).shape == (3, 2)


def test_save_model_is_model_save(tmp_path):
    model = lamina.Sequential([L.Input((4,)), L.Dense(2)])
    model.compile("adam", "mse")
    lamina.models.save_model(model, tmp_path / "a.keras")
    lamina.saving.save_model(model, tmp_path / "b.keras")
    model.save(tmp_path / "c.keras")
    configs = [_config_json(tmp_path / f"{n}.keras") for n in "abc"]
    assert configs[0] == configs[1] == configs[2]
    with pytest.raises(ValueError, match="extension"):
        lamina.models.save_model(model, tmp_path / "m.txt")
