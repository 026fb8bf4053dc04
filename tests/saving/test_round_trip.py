"""Every layer type saved and loaded: identical predictions, identical continued training."""
import json
import os

import numpy as np
import pytest

import lamina
from lamina import backend
from lamina import layers as L
from lamina.models import load_model, model_from_json

from .zoo import MODELS, n_samples


def _targets(model, x):
    return np.random.default_rng(1).normal(
        size=(n_samples(x),) + model.output_shape[1:]).astype("float32")


def _trained(name):
    make, x = MODELS[name]
    backend.set_random_seed(0)
    model = make()
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    y = _targets(model, x)
    model.fit(x, y, batch_size=2, epochs=1, verbose=0)
    return model, x, y


def _continue(model, x, y):
    backend.set_random_seed(7)  # the same shuffles and dropout masks for both models
    model.fit(x, y, batch_size=2, epochs=2, verbose=0)
    return model.get_weights()


@pytest.mark.parametrize("name", sorted(MODELS))
def test_keras_file_round_trip(name, tmp_path):
    model, x, y = _trained(name)
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = load_model(path)
    assert [type(la).__name__ for la in loaded.layers] == [type(la).__name__ for la in model.layers]
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.optimizer.iterations == model.optimizer.iterations
    for a, b in zip(_continue(loaded, x, y), _continue(model, x, y)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", ["core", "recurrent"])
def test_h5_full_model_round_trip(name, tmp_path):
    model, x, _ = _trained(name)
    model.save(tmp_path / "m.h5")
    loaded = load_model(tmp_path / "m.h5")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.compiled and type(loaded.optimizer).__name__ == "Adam"


@pytest.mark.parametrize("filename", ["m.weights.h5", "model.h5"])  # model.h5: kerasR's
def test_save_and_load_weights(filename, tmp_path):
    model, x, _ = _trained("recurrent")
    model.save_weights(tmp_path / filename)
    backend.set_random_seed(3)
    fresh = MODELS["recurrent"][0]()
    assert not np.allclose(fresh.predict(x, verbose=0), model.predict(x, verbose=0))
    fresh.load_weights(tmp_path / filename)
    np.testing.assert_array_equal(fresh.predict(x, verbose=0), model.predict(x, verbose=0))


def test_load_weights_from_keras_file(tmp_path):
    model, x, _ = _trained("conv2d")
    model.save(tmp_path / "m.keras")
    fresh = MODELS["conv2d"][0]()
    fresh.load_weights(tmp_path / "m.keras")
    np.testing.assert_array_equal(fresh.predict(x, verbose=0), model.predict(x, verbose=0))


def test_save_weights_needs_h5_name(tmp_path):
    model, _, _ = _trained("core")
    with pytest.raises(ValueError, match="weights.h5"):
        model.save_weights(tmp_path / "m.weights")


def test_mismatched_weights_are_named(tmp_path):
    model, _, _ = _trained("core")
    model.save_weights(tmp_path / "m.weights.h5")
    other = lamina.Sequential([L.Input((6,)), L.Dense(3), L.Dense(2)])
    with pytest.raises(ValueError, match="m.weights.h5"):
        other.load_weights(tmp_path / "m.weights.h5")
    before = other.get_weights()
    with pytest.warns(UserWarning, match="skip"):
        other.load_weights(tmp_path / "m.weights.h5", skip_mismatch=True)
    assert all(np.array_equal(a, b) for a, b in zip(before, other.get_weights()))


def test_to_json_and_back():
    model, x, _ = _trained("rnn_cells")
    text = model.to_json()
    config = json.loads(text)
    assert config["class_name"] == "Sequential" and config["module"] == "keras"
    assert config["config"]["layers"][0]["class_name"] == "InputLayer"
    clone = model_from_json(text)
    clone.set_weights(model.get_weights())
    np.testing.assert_array_equal(clone.predict(x, verbose=0), model.predict(x, verbose=0))


def test_config_tree_is_keras_3_style(tmp_path):
    model, _, _ = _trained("core")
    entry = lamina.saving.serialize_layer(model)
    dense = entry["config"]["layers"][1]
    assert set(dense) >= {"module", "class_name", "config", "registered_name", "build_config"}
    assert dense["module"] == "keras.layers" and dense["build_config"] == {"input_shape": [None, 6]}
    compiled = lamina.saving.serialization.model_to_config(model)["compile_config"]
    assert compiled["optimizer"]["class_name"] == "Adam"
    assert compiled["loss"] == "mse" and compiled["metrics"] == ["mae"]


def test_uncompiled_model_saves_and_loads(tmp_path):
    model = lamina.Sequential([L.Dense(3, input_shape=(4,)), L.Dense(1)])
    model.save(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras")
    assert not loaded.compiled
    x = np.ones((2, 4), "float32")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_compile_false_skips_optimizer(tmp_path):
    model, _, _ = _trained("core")
    model.save(tmp_path / "m.keras")
    assert not load_model(tmp_path / "m.keras", compile=False).compiled


def test_unzipped_folder(tmp_path):
    model, x, _ = _trained("core")
    model.save(tmp_path / "folder", zipped=False)
    assert sorted(os.listdir(tmp_path / "folder")) == ["config.json", "metadata.json",
                                                       "model.weights.h5"]
    loaded = load_model(tmp_path / "folder")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_bad_extension_and_overwrite(tmp_path):
    model, _, _ = _trained("core")
    with pytest.raises(ValueError, match=".keras"):
        model.save(tmp_path / "m.zip")
    model.save(tmp_path / "m.keras")
    with pytest.raises(FileExistsError):
        model.save(tmp_path / "m.keras", overwrite=False)


@pytest.mark.parametrize("optimizer", [
    "sgd", "rmsprop", "adagrad", "adadelta", "adam", "adamw", "adamax", "nadam",
    lamina.optimizers.Adam(use_ema=True, gradient_accumulation_steps=2, amsgrad=True),
    lamina.optimizers.RMSprop(momentum=0.5, centered=True)])
def test_every_optimizer_state_round_trip(optimizer, tmp_path):
    backend.set_random_seed(0)
    model = lamina.Sequential([L.Input((3,)), L.Dense(4), L.BatchNormalization(), L.Dense(1)])
    model.compile(optimizer, "mse")
    x = np.random.default_rng(0).random((8, 3), "float32")
    y = x.sum(axis=1, keepdims=True)
    model.fit(x, y, batch_size=4, epochs=2, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras")
    assert type(loaded.optimizer) is type(model.optimizer)
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    for a, b in zip(_continue(loaded, x, y), _continue(model, x, y)):
        np.testing.assert_array_equal(a, b)


class Subclassed(lamina.Model):
    def __init__(self):
        super().__init__()
        self.d1 = L.Dense(3)
        self.blocks = [L.Dense(2), L.Dense(2)]

    def call(self, x, training=None):
        return self.blocks[1](self.blocks[0](self.d1(x)))


def test_subclassed_model_weights_use_attribute_names(tmp_path):
    import h5py
    x = np.ones((2, 4), "float32")
    model = Subclassed()
    model(x)
    model.save_weights(tmp_path / "m.weights.h5")
    with h5py.File(tmp_path / "m.weights.h5", "r") as f:  # Keras 3's names for these
        assert {"d1/vars/0", "blocks/dense/vars/1", "blocks/dense_1/vars/0"} <= set(
            n for n in _names(f))
    other = Subclassed()
    other(x)
    other.load_weights(tmp_path / "m.weights.h5")
    np.testing.assert_array_equal(other.predict(x, verbose=0), model.predict(x, verbose=0))


def _names(f):
    out = []
    f.visit(out.append)
    return out
