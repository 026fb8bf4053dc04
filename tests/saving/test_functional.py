"""Functional models (two inputs, a shared layer, Concatenate, a nested Sequential, two
outputs) through every format; Keras reads lamina's file when it is installed."""
import io
import json
import os
import zipfile

import h5py
import numpy as np
import pytest

import lamina
from lamina import backend
from lamina import layers as L
from lamina.models import load_model

RNG = np.random.default_rng(0)
XA, XB = RNG.normal(size=(8, 4)).astype("float32"), RNG.normal(size=(8, 4)).astype("float32")
Y1 = RNG.normal(size=(8, 1)).astype("float32")
Y2 = np.eye(2, dtype="float32")[np.arange(8) % 2]


def _model():
    backend.set_random_seed(0)
    a, b = L.Input((4,), name="a"), L.Input((4,), name="b")
    shared = L.Dense(3, activation="relu", name="shared")
    ha, hb = shared(a), shared(b)
    h = L.Dense(5, activation="tanh")(L.Concatenate()([ha, hb]))
    inner = lamina.Sequential([L.Input((5,)), L.Dense(4), L.BatchNormalization()])
    out1 = L.Dense(1, name="reg")(inner(h))
    out2 = L.Dense(2, activation="softmax", name="cls")(L.Add()([ha, hb]))
    model = lamina.Model([a, b], [out1, out2])
    model.compile(optimizer="adam", loss=["mse", "categorical_crossentropy"],
                  loss_weights=[1.0, 0.5], metrics=[["mae"], ["accuracy"]])
    model.fit([XA, XB], [Y1, Y2], batch_size=4, epochs=1, verbose=0)
    return model


def _same_predictions(a, b):
    for p, q in zip(a.predict([XA, XB], verbose=0), b.predict([XA, XB], verbose=0)):
        np.testing.assert_array_equal(p, q)


def _continue(model):
    backend.set_random_seed(5)
    model.fit([XA, XB], [Y1, Y2], batch_size=4, epochs=2, verbose=0)
    return model.get_weights()


@pytest.mark.parametrize("filename", ["m.keras", "m.h5"])
def test_functional_round_trip(filename, tmp_path):
    model = _model()
    model.save(tmp_path / filename)
    loaded = load_model(tmp_path / filename)
    assert type(loaded).__name__ == "Functional"
    _same_predictions(model, loaded)
    if filename.endswith(".keras"):
        assert loaded.optimizer.iterations == model.optimizer.iterations
        for p, q in zip(_continue(loaded), _continue(model)):
            np.testing.assert_array_equal(p, q)


def test_functional_weights_and_json(tmp_path):
    model = _model()
    model.save_weights(tmp_path / "m.weights.h5")
    clone = lamina.models.model_from_json(model.to_json())
    clone.load_weights(tmp_path / "m.weights.h5")
    _same_predictions(model, clone)
    with h5py.File(tmp_path / "m.weights.h5", "r") as f:  # Keras 3's names
        assert "layers/sequential/layers/batch_normalization/vars/3" in f
        assert "layers/input_layer_1/vars" in f and "layers/dense_3/vars/1" in f


def test_keras2_functional_h5(tmp_path):
    """A Keras 2 functional model file: list-style inbound_nodes, input_layers as lists."""
    dense = {"name": "d", "trainable": True, "dtype": "float32", "units": 2,
             "activation": "linear", "use_bias": True,
             "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
             "bias_initializer": {"class_name": "Zeros", "config": {}},
             "kernel_regularizer": None, "bias_regularizer": None,
             "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None}
    config = {"class_name": "Functional", "config": {
        "name": "model", "layers": [
            {"class_name": "InputLayer", "name": "in1", "inbound_nodes": [],
             "config": {"batch_input_shape": [None, 3], "dtype": "float32", "sparse": False,
                        "ragged": False, "name": "in1"}},
            {"class_name": "InputLayer", "name": "in2", "inbound_nodes": [],
             "config": {"batch_input_shape": [None, 3], "dtype": "float32", "sparse": False,
                        "ragged": False, "name": "in2"}},
            {"class_name": "Concatenate", "name": "cat",
             "config": {"name": "cat", "trainable": True, "dtype": "float32", "axis": -1},
             "inbound_nodes": [[["in1", 0, 0, {}], ["in2", 0, 0, {}]]]},
            {"class_name": "Dense", "name": "d", "config": dense,
             "inbound_nodes": [[["cat", 0, 0, {}]]]}],
        "input_layers": [["in1", 0, 0], ["in2", 0, 0]],
        "output_layers": [["d", 0, 0]]}}
    kernel = np.arange(12, dtype="float32").reshape(6, 2) / 10
    bias = np.array([0.5, -0.5], "float32")
    with h5py.File(tmp_path / "k2.h5", "w") as f:
        f.attrs["model_config"] = json.dumps(config)
        g = f.create_group("model_weights")
        g.attrs["layer_names"] = np.array([b"in1", b"in2", b"cat", b"d"])
        for name in ("in1", "in2", "cat"):
            g.create_group(name).attrs["weight_names"] = np.zeros(0, "S1")
        d = g.create_group("d")
        d.attrs["weight_names"] = np.array([b"d/kernel:0", b"d/bias:0"])
        d.create_dataset("d/kernel:0", data=kernel)
        d.create_dataset("d/bias:0", data=bias)
    model = load_model(tmp_path / "k2.h5")
    x1, x2 = XA[:, :3], XB[:, :3]
    np.testing.assert_allclose(model.predict([x1, x2], verbose=0),
                               np.concatenate([x1, x2], axis=1) @ kernel + bias, atol=1e-6)


def test_keras_reads_lamina_functional(tmp_path):
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    model = _model()
    model.save(tmp_path / "m.keras")
    theirs = keras.models.load_model(tmp_path / "m.keras")
    for p, q in zip(theirs.predict([XA, XB], verbose=0), model.predict([XA, XB], verbose=0)):
        np.testing.assert_allclose(p, q, atol=1e-5)


def _dict_model():
    backend.set_random_seed(0)
    a = L.Input((5,), dtype="int32", name="words")
    h = L.LSTM(3)(L.Embedding(9, 4, mask_zero=True)(a))
    # insertion order differs from Keras's sorted order: the weights file follows the latter
    model = lamina.Model(a, {"reg": L.Dense(1, name="reg")(h),
                             "cls": L.Dense(2, activation="softmax", name="cls")(h)})
    model.compile(optimizer="adam", loss={"reg": "mse", "cls": "categorical_crossentropy"})
    return model


def test_dict_outputs_write_layers_in_keras_order(tmp_path):
    model = _dict_model()
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as z, h5py.File(
            io.BytesIO(z.read("model.weights.h5")), "r") as f:
        assert f["layers/dense/vars/0"].shape == (3, 2)  # "cls" first, as Keras sorts
        assert f["layers/dense_1/vars/0"].shape == (3, 1)
    x = np.array([[1, 2, 3, 0, 0]], "int32")
    back = load_model(tmp_path / "m.keras")
    for key in ("reg", "cls"):
        np.testing.assert_array_equal(back.predict(x, verbose=0)[key],
                                      model.predict(x, verbose=0)[key])


def test_keras_reads_lamina_dict_outputs_with_masks(tmp_path):
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    model = _dict_model()
    model.save(tmp_path / "m.keras")
    theirs = keras.models.load_model(tmp_path / "m.keras")
    x = np.array([[1, 2, 3, 0, 0], [4, 5, 6, 7, 8]], "int32")
    ours, got = model.predict(x, verbose=0), theirs.predict(x, verbose=0)
    for key in ("reg", "cls"):
        np.testing.assert_allclose(got[key], ours[key], atol=1e-5)
