"""Keras 2's .h5 files. The files here are written with h5py following Keras 2's HDF5
layout (keras/saving/legacy/hdf5_format.py in Keras 2.x): attributes ``model_config`` and
``training_config`` (JSON), group ``model_weights`` with attribute ``layer_names``, each
layer group with attribute ``weight_names`` naming its datasets."""
import json

import h5py
import numpy as np
import pytest

import lamina
from lamina import layers as L
from lamina.models import load_model

RNG = np.random.default_rng(0)
W = {
    "dense": [RNG.normal(size=(4, 3)).astype("float32"), RNG.normal(size=3).astype("float32")],
    "batch_normalization": [np.full(3, 1.5, "float32"), np.full(3, 0.1, "float32"),
                            np.array([0.2, -0.1, 0.3], "float32"),
                            np.array([1.0, 2.0, 0.5], "float32")],
    "dense_1": [RNG.normal(size=(3, 2)).astype("float32"), RNG.normal(size=2).astype("float32")],
}
WEIGHT_NAMES = {"dense": ["kernel:0", "bias:0"],
                "batch_normalization": ["gamma:0", "beta:0", "moving_mean:0",
                                        "moving_variance:0"],
                "dense_1": ["kernel:0", "bias:0"]}


def _init(name, **config):
    return {"class_name": name, "config": config}


# what Keras 2.15's model.to_json() gives for this model
KERAS2_CONFIG = {"class_name": "Sequential", "keras_version": "2.15.0", "backend": "tensorflow",
                 "config": {"name": "sequential", "layers": [
                     {"class_name": "InputLayer", "config": {
                         "batch_input_shape": [None, 4], "dtype": "float32", "sparse": False,
                         "ragged": False, "name": "dense_input"}},
                     {"class_name": "Dense", "config": {
                         "name": "dense", "trainable": True, "dtype": "float32",
                         "batch_input_shape": [None, 4], "units": 3, "activation": "relu",
                         "use_bias": True, "kernel_initializer": _init("GlorotUniform", seed=None),
                         "bias_initializer": _init("Zeros"),
                         "kernel_regularizer": _init("L1L2", l1=0.0, l2=0.01),
                         "bias_regularizer": None, "activity_regularizer": None,
                         "kernel_constraint": None, "bias_constraint": None}},
                     {"class_name": "BatchNormalization", "config": {
                         "name": "batch_normalization", "trainable": True, "dtype": "float32",
                         "axis": [1], "momentum": 0.99, "epsilon": 0.001, "center": True,
                         "scale": True, "beta_initializer": _init("Zeros"),
                         "gamma_initializer": _init("Ones"),
                         "moving_mean_initializer": _init("Zeros"),
                         "moving_variance_initializer": _init("Ones"),
                         "beta_regularizer": None, "gamma_regularizer": None,
                         "beta_constraint": None, "gamma_constraint": None}},
                     {"class_name": "Dropout", "config": {
                         "name": "dropout", "trainable": True, "dtype": "float32", "rate": 0.5,
                         "noise_shape": None, "seed": None}},
                     {"class_name": "Dense", "config": {
                         "name": "dense_1", "trainable": True, "dtype": "float32", "units": 2,
                         "activation": "softmax", "use_bias": True,
                         "kernel_initializer": _init("VarianceScaling", scale=1.0,
                                                     mode="fan_avg", distribution="uniform",
                                                     seed=None),
                         "bias_initializer": _init("Zeros"), "kernel_regularizer": None,
                         "bias_regularizer": None, "activity_regularizer": None,
                         "kernel_constraint": None, "bias_constraint": None}}]}}
TRAINING_CONFIG = {"loss": "categorical_crossentropy", "metrics": [["accuracy"]],
                   "weighted_metrics": None, "loss_weights": None,
                   "optimizer_config": {"class_name": "Adam", "config": {
                       "name": "Adam", "weight_decay": None, "clipnorm": None,
                       "global_clipnorm": None, "clipvalue": None, "use_ema": False,
                       "ema_momentum": 0.99, "ema_overwrite_frequency": None,
                       "jit_compile": True, "is_legacy_optimizer": False,
                       "learning_rate": 0.002, "beta_1": 0.9, "beta_2": 0.999,
                       "epsilon": 1e-07, "amsgrad": False}}}


def _write_weights(group, layer_names, weights=W):
    group.attrs["layer_names"] = [n.encode() for n in layer_names]
    group.attrs["backend"] = b"tensorflow"
    group.attrs["keras_version"] = b"2.15.0"
    for name in layer_names:
        g = group.create_group(name)
        names = [f"{name}/{w}" for w in WEIGHT_NAMES.get(name, [])] if name in weights else []
        g.attrs["weight_names"] = [n.encode() for n in names]
        for n, value in zip(names, weights.get(name, [])):
            g.create_dataset(n, data=value)


def _reference(x):
    h = np.maximum(x @ W["dense"][0] + W["dense"][1], 0)
    gamma, beta, mean, var = W["batch_normalization"]
    h = (h - mean) / np.sqrt(var + 1e-3) * gamma + beta
    z = h @ W["dense_1"][0] + W["dense_1"][1]
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_keras2_full_model_file(tmp_path):
    path = tmp_path / "keras2.h5"
    with h5py.File(path, "w") as f:
        f.attrs["model_config"] = json.dumps(KERAS2_CONFIG)
        f.attrs["training_config"] = json.dumps(TRAINING_CONFIG)
        f.attrs["keras_version"] = "2.15.0"
        _write_weights(f.create_group("model_weights"),
                       ["dense", "batch_normalization", "dropout", "dense_1"])
    model = load_model(path)
    assert [type(la).__name__ for la in model.layers] == ["Dense", "BatchNormalization",
                                                         "Dropout", "Dense"]
    x = RNG.normal(size=(5, 4)).astype("float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), _reference(x), atol=1e-5)
    assert model.compiled and model.optimizer.learning_rate == pytest.approx(0.002)
    assert model.layers[0].kernel_regularizer is not None
    model.fit(x, np.eye(2, dtype="float32")[[0, 1, 0, 1, 0]], epochs=1, verbose=0)


def _keras2_model():
    return lamina.Sequential([L.Input((4,)), L.Dense(3, activation="relu"),
                              L.BatchNormalization(), L.Flatten(),
                              L.Dense(2, activation="softmax")])


def test_keras2_weights_only_by_order(tmp_path):
    path = tmp_path / "weights.h5"
    with h5py.File(path, "w") as f:  # layers without weights are listed too, as Keras 2 does
        _write_weights(f, ["input_1", "dense", "batch_normalization", "flatten", "dense_1"])
    model = _keras2_model()
    model.load_weights(path)
    x = RNG.normal(size=(5, 4)).astype("float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), _reference(x), atol=1e-5)


def test_keras2_weights_only_by_name(tmp_path):
    path = tmp_path / "weights.h5"
    extra = dict(W, other=[np.zeros((7, 7), "float32")])
    with h5py.File(path, "w") as f:
        _write_weights(f, ["other", "dense_1", "dense"], extra)
    model = lamina.Sequential([L.Input((4,)), L.Dense(3, name="dense"),
                               L.Dense(5, name="head"), L.Dense(2, name="dense_1")])
    head = model.layers[1].get_weights()
    with pytest.raises(ValueError, match="dense_1"):  # by order: shapes do not fit
        model.load_weights(path)
    # by name the mismatched dense_1 (3 -> 2 saved, 5 -> 2 here) is skipped on request
    with pytest.warns(UserWarning, match="dense_1"):
        model.load_weights(path, by_name=True, skip_mismatch=True)
    np.testing.assert_array_equal(model.layers[0].get_weights()[0], W["dense"][0])
    assert all(np.array_equal(a, b) for a, b in zip(model.layers[1].get_weights(), head))


def test_layer_count_mismatch_is_clear(tmp_path):
    path = tmp_path / "weights.h5"
    with h5py.File(path, "w") as f:
        _write_weights(f, ["dense", "dense_1"])
    with pytest.raises(ValueError, match="Layer count mismatch"):
        _keras2_model().load_weights(path)


def test_lamina_writes_keras2_layout(tmp_path):
    model = _keras2_model()
    model.compile("sgd", "mse")
    model.save(tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5", "r") as f:
        assert json.loads(f.attrs["model_config"])["class_name"] == "Sequential"
        assert "training_config" in f.attrs
        group = f["model_weights"]
        names = [n.decode() for n in group.attrs["layer_names"]]
        assert names == [la.name for la in model.layers]
        bn = group[names[1]]
        assert len(bn.attrs["weight_names"]) == 4
    clone = _keras2_model()
    clone.load_weights(tmp_path / "m.h5")  # a full model file also serves as weights
    x = RNG.normal(size=(3, 4)).astype("float32")
    np.testing.assert_array_equal(clone.predict(x, verbose=0), model.predict(x, verbose=0))


def test_keras2_model_from_json():
    model = lamina.models.model_from_json(json.dumps(KERAS2_CONFIG))
    assert model.input_shape == (None, 4) and model.output_shape == (None, 2)
