"""Loading is safe (no code runs unless asked, no extraction, clear errors for bad files);
saving is atomic; users' classes come back through custom_objects or registration."""
import json
import os
import zipfile

import numpy as np
import pytest

import lamina
from lamina import layers as L
from lamina.models import load_model
from lamina.saving import keras_zip, register_keras_serializable

X = np.linspace(-1, 1, 12, dtype="float32").reshape(3, 4)


def _model(*extra):
    model = lamina.Sequential([L.Input((4,)), L.Dense(3), *extra, L.Dense(1)])
    model.compile("adam", "mse")
    return model


def twice(x):
    return x * 2


def test_lambda_refused_unless_safe_mode_false(tmp_path):
    model = _model(L.Lambda(lambda t: t * 2))
    model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match="safe_mode=False"):
        load_model(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras", safe_mode=False)
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))


def test_keras_lambda_bytecode_refused_in_safe_mode():
    entry = {"module": "keras.layers", "class_name": "Lambda", "registered_name": None,
             "config": {"name": "lam", "function": {"class_name": "__lambda__",
                                                    "config": {"code": "AAAA"}},
                        "function_type": "lambda", "arguments": {}}}
    with pytest.raises(ValueError, match="safe_mode=False"):
        lamina.saving.deserialize_layer(entry)


def test_user_function_needs_custom_objects(tmp_path):
    model = _model(L.Activation(twice))
    model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match="twice"):
        load_model(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras", custom_objects={"twice": twice})
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))


@register_keras_serializable(package="tests")
class Scale(L.Layer):
    def __init__(self, factor=1.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")

    def call(self, x):
        return x * self.w * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


class Unregistered(Scale):
    pass


def test_registered_layer_round_trip(tmp_path):
    model = _model(Scale(3.0))
    model.layers[1].w.assign(np.array([1.0, 2.0, 3.0], "float32"))
    model.save(tmp_path / "m.keras")
    entry = json.loads(zipfile.ZipFile(tmp_path / "m.keras").read("config.json"))
    assert entry["config"]["layers"][2]["registered_name"] == "tests>Scale"
    loaded = load_model(tmp_path / "m.keras")
    assert isinstance(loaded.layers[1], Scale) and loaded.layers[1].factor == 3.0
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))


def test_unknown_class_asks_for_custom_objects(tmp_path):
    model = _model(Unregistered(2.0))
    model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match="custom_objects"):
        load_model(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras", custom_objects={"Unregistered": Unregistered})
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))


@pytest.mark.parametrize("cut", [0.3, 0.7, 0.98])
def test_truncated_keras_file_names_the_file(tmp_path, cut):
    _model().save(tmp_path / "m.keras")
    data = (tmp_path / "m.keras").read_bytes()
    (tmp_path / "cut.keras").write_bytes(data[:int(len(data) * cut)])
    with pytest.raises(ValueError, match="cut.keras"):
        load_model(tmp_path / "cut.keras")


def test_corrupted_member_is_reported(tmp_path):
    _model().save(tmp_path / "m.keras")
    data = bytearray((tmp_path / "m.keras").read_bytes())
    start = data.find(b"\x89HDF")  # damage the weights inside the archive
    data[start + 200:start + 400] = b"\xff" * 200
    (tmp_path / "bad.keras").write_bytes(bytes(data))
    with pytest.raises(ValueError, match="bad.keras"):
        load_model(tmp_path / "bad.keras")


def test_not_a_model_file(tmp_path):
    (tmp_path / "junk.h5").write_bytes(b"hello, not hdf5")
    with pytest.raises(ValueError, match="junk.h5"):
        load_model(tmp_path / "junk.h5")
    with pytest.raises(ValueError, match="junk.h5"):
        _model().load_weights(tmp_path / "junk.h5")
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "missing.keras")


def test_members_are_never_extracted(tmp_path):
    model = _model()
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras", "a") as zf:  # hostile extra members
        zf.writestr("../../escape.txt", "x")
        zf.writestr("/abs/escape.txt", "x")
    before = set(os.listdir(tmp_path)) | set(os.listdir(tmp_path.parent))
    loaded = load_model(tmp_path / "m.keras")
    after = set(os.listdir(tmp_path)) | set(os.listdir(tmp_path.parent))
    assert before == after
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))


def test_failed_save_leaves_nothing_behind(tmp_path, monkeypatch):
    model = _model()
    model.save(tmp_path / "m.keras")
    good = (tmp_path / "m.keras").read_bytes()

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")
    monkeypatch.setattr(keras_zip, "weights_bytes", boom)
    with pytest.raises(RuntimeError):
        model.save(tmp_path / "m.keras")
    with pytest.raises(RuntimeError):
        model.save(tmp_path / "new.keras")
    assert sorted(os.listdir(tmp_path)) == ["m.keras"]
    assert (tmp_path / "m.keras").read_bytes() == good


def test_failed_weights_save_leaves_nothing_behind(tmp_path, monkeypatch):
    from lamina.saving import weights_h5
    model = _model()

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")
    monkeypatch.setattr(weights_h5, "save_weights_to_h5", boom)
    with pytest.raises(RuntimeError):
        model.save_weights(tmp_path / "m.weights.h5")
    assert os.listdir(tmp_path) == []


def half_mse(y_true, y_pred):
    return lamina.losses.mean_squared_error(y_true, y_pred) * 0.5


def test_custom_loss_and_scope(tmp_path):
    model = lamina.Sequential([L.Input((4,)), L.Dense(1, activation=twice)])
    model.compile("sgd", loss=half_mse)
    model.save(tmp_path / "m.keras")
    with lamina.saving.custom_object_scope({"twice": twice, "half_mse": half_mse}):
        loaded = load_model(tmp_path / "m.keras")
    y = np.ones((3, 1), "float32")
    assert loaded.evaluate(X, y, verbose=0) == pytest.approx(model.evaluate(X, y, verbose=0))


def test_saved_file_has_usual_permissions(tmp_path):
    _model().save(tmp_path / "m.keras")
    (tmp_path / "plain").write_text("x")
    assert (tmp_path / "m.keras").stat().st_mode == (tmp_path / "plain").stat().st_mode


@pytest.mark.parametrize("filename", ["m.weights.h5", "m.h5"])
def test_truncated_h5_names_the_file(tmp_path, filename):
    model = _model()
    if filename == "m.h5":
        model.save(tmp_path / filename)
    else:
        model.save_weights(tmp_path / filename)
    data = (tmp_path / filename).read_bytes()
    (tmp_path / filename).write_bytes(data[:len(data) // 2])
    with pytest.raises((ValueError, FileNotFoundError), match=filename):
        model.load_weights(tmp_path / filename)
    if filename == "m.h5":
        with pytest.raises(ValueError, match=filename):
            load_model(tmp_path / filename)
