"""Unknown names never fall back silently: activations, initializers, regularizers and
constraints name what they got and its close matches; code in an activation entry (a Keras
marshalled lambda) is refused in safe mode and loads with safe_mode=False."""
import base64
import json
import marshal
import zipfile

import numpy as np
import pytest

import lamina
from lamina import activations, constraints, initializers, regularizers
from lamina import layers as L
from lamina.saving import custom_object_scope, load_model


def _keras_lambda(fn):
    code = base64.b64encode(marshal.dumps(fn.__code__)).decode("ascii")
    return {"class_name": "__lambda__", "config": {"value": [code, None, None]}}


@pytest.mark.parametrize("ident", [
    {"class_name": "Bogus", "config": {}},
    {"module": "keras.activations", "class_name": "Bogus", "config": None,
     "registered_name": None},
    "Bogus",
    {"module": "builtins", "class_name": "function", "config": "Bogus",
     "registered_name": "function"},
])
def test_unknown_activation_raises(ident):
    with pytest.raises(ValueError, match="Unknown activation 'Bogus'"):
        L.Dense.from_config({"units": 2, "activation": ident})


def test_unknown_activation_names_close_matches():
    with pytest.raises(ValueError, match="Did you mean 'relu'"):
        activations.get("rleu")
    with pytest.raises(ValueError, match="Did you mean 'sigmoid'"):
        activations.get({"module": "builtins", "class_name": "function", "config": "sigmod",
                         "registered_name": "function"})
    with pytest.raises(ValueError, match="Unknown activation 'mse'"):
        activations.get("mse")  # a loss, not an activation


def test_known_entries_resolve():
    assert activations.get({"module": "builtins", "class_name": "function", "config": "tanh",
                            "registered_name": "function"}) is activations.tanh
    assert activations.get("ReLU") is activations.relu

    def cube(x):
        return x ** 3
    with custom_object_scope({"cube": cube}):  # Keras 2 files name users' functions so
        assert activations.get("cube") is cube


@pytest.mark.parametrize(("module", "bad", "close"), [
    (initializers, "glorot_unifrom", "glorot_uniform"),
    (regularizers, "l1l2", "l1_l2"),
    (constraints, "max_nrom", "max_norm"),
])
def test_unknown_names_elsewhere(module, bad, close):
    with pytest.raises(ValueError, match=f"Unknown .*'{bad}'.*Did you mean '{close}'"):
        module.get(bad)
    with pytest.raises(ValueError, match="'Bogus'"):
        module.get({"class_name": "Bogus", "config": {}})


def test_marshalled_lambda_activation_refused_in_safe_mode():
    entry = _keras_lambda(lambda x: x * 3)
    with pytest.raises(ValueError, match="Refusing to load a lambda.*safe_mode=False"):
        activations.get(entry)
    with pytest.raises(ValueError, match="safe_mode=False"):
        L.Dense.from_config({"units": 2, "activation": entry})


def test_marshalled_lambda_activation_in_a_file(tmp_path):
    model = lamina.Sequential([L.Input((3,)), L.Dense(2)])
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    config = json.loads(members["config.json"])
    config["config"]["layers"][1]["config"]["activation"] = _keras_lambda(lambda x: x * 3)
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(tmp_path / "lam.keras", "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    with pytest.raises(ValueError, match="safe_mode=False"):
        load_model(tmp_path / "lam.keras")
    loaded = load_model(tmp_path / "lam.keras", safe_mode=False)
    x = np.ones((2, 3), "float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), 3 * model.predict(x, verbose=0),
                               rtol=1e-6)


def halves(shape, dtype=None):
    return np.full(shape, 0.5, dtype=dtype or "float32")


def test_initializer_function_follows_safe_mode(tmp_path):
    model = lamina.Sequential([L.Input((3,)), L.Dense(2, kernel_initializer=halves)])
    model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match="halves.*safe_mode=False"):
        load_model(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras", safe_mode=False)
    assert loaded.layers[0].kernel_initializer.__name__ == "halves"
    assert load_model(tmp_path / "m.keras", custom_objects={"halves": halves}) is not None
