"""Files made by the real Keras 3 (tools/make_keras_fixtures.py) load in lamina and predict
what Keras predicted, to 1e-5; lamina writes the same weights layout back."""
import io
import json
import os
import zipfile

import h5py
import numpy as np
import pytest

from lamina.models import load_model

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "keras")
SEQUENTIAL = ["dense", "conv1d", "conv2d", "conv3d", "recurrent", "rnn_cells", "reshaping",
              "activations"]


def _functional_ready():
    try:
        load_model(os.path.join(FIXTURES, "functional.keras"))
        return True
    except (ImportError, NotImplementedError, AttributeError):
        return False


NAMES = SEQUENTIAL + ["functional", "functional_masked"]


def _load(name):
    if name.startswith("functional") and not _functional_ready():
        pytest.skip("functional models are not available yet")
    data = np.load(os.path.join(FIXTURES, f"{name}.npz"))
    xs = [data[k] for k in sorted(data) if k == "x" or (k[0] == "x" and k[1:].isdigit())]
    ys = [data[k] for k in sorted(data) if k == "y" or (k[0] == "y" and k[1:].isdigit())]
    return load_model(os.path.join(FIXTURES, f"{name}.keras")), xs, ys, data


def _predict(model, xs):
    out = model.predict(xs[0] if len(xs) == 1 else xs, verbose=0)
    if isinstance(out, dict):  # the fixture's y0, y1, ... follow Keras's sorted keys
        return [out[k] for k in sorted(out)]
    return out if isinstance(out, list) else [out]


@pytest.mark.parametrize("name", NAMES)
def test_keras_file_predicts_as_keras(name):
    model, xs, ys, _ = _load(name)
    for got, want in zip(_predict(model, xs), ys):
        np.testing.assert_allclose(got, want, atol=1e-5, rtol=1e-5)


def test_optimizer_state_from_keras_continues_training_as_keras():
    model, xs, _, data = _load("dense")
    assert model.compiled and type(model.optimizer).__name__ == "Adam"
    assert model.optimizer.iterations == 4  # 2 epochs of 2 batches in Keras
    model.train_on_batch(data["xt"], data["yt"])
    np.testing.assert_allclose(model.predict(xs[0], verbose=0), data["y_after"], atol=1e-5)


def test_keras_ops_in_a_functional_config_are_refused_clearly_when_used_as_data():
    # mask ops are skipped, but a raw keras.ops call feeding a layer cannot be rebuilt
    from lamina.models import Functional
    from lamina.models.functional_config import functional_from_config
    with zipfile.ZipFile(os.path.join(FIXTURES, "functional_masked.keras")) as z:
        config = json.loads(z.read("config.json"))["config"]
    lstm = next(e for e in config["layers"] if e["class_name"] == "Bidirectional")
    lstm["inbound_nodes"][0]["args"][0]["config"]["keras_history"] = ["not_equal", 0, 0]
    with pytest.raises(ValueError, match="Keras operation 'NotEqual'"):
        functional_from_config(Functional, config)


def _h5_layout(data):
    out = {}
    with h5py.File(io.BytesIO(data), "r") as f:
        f.visititems(lambda n, o: out.__setitem__(n, getattr(o, "shape", None)))
    return out


@pytest.mark.parametrize("name", NAMES)
def test_lamina_writes_keras_layout(name, tmp_path):
    model, _, _, _ = _load(name)
    path = tmp_path / f"{name}.keras"
    model.save(path)
    with zipfile.ZipFile(path) as ours, zipfile.ZipFile(
            os.path.join(FIXTURES, f"{name}.keras")) as theirs:
        assert sorted(ours.namelist()) == sorted(theirs.namelist())
        assert all(i.compress_type == zipfile.ZIP_STORED for i in ours.infolist())
        assert _h5_layout(ours.read("model.weights.h5")) == \
            _h5_layout(theirs.read("model.weights.h5"))
        ours_cfg = json.loads(ours.read("config.json"))
        theirs_cfg = json.loads(theirs.read("config.json"))
        assert ours_cfg["class_name"] == theirs_cfg["class_name"]
        # Keras also lists the keras.ops calls that compute masks; lamina has no such entries
        assert [e["class_name"] for e in ours_cfg["config"]["layers"]] == \
            [e["class_name"] for e in theirs_cfg["config"]["layers"]
             if not e.get("module", "").startswith("keras.src.ops")]
        assert set(json.loads(ours.read("metadata.json"))) >= {"keras_version", "date_saved"}


LEGACY = ["dense", "recurrent", "functional", "functional_masked"]


@pytest.mark.parametrize("name", LEGACY)
def test_keras_legacy_h5_model_predicts_as_keras(name):
    if name == "functional" and not _functional_ready():
        pytest.skip("functional models are not available yet")
    data = np.load(os.path.join(FIXTURES, f"{name}.npz"))
    model = load_model(os.path.join(FIXTURES, f"{name}.h5"))
    xs = [data[k] for k in sorted(data) if k == "x" or (k[0] == "x" and k[1:].isdigit())]
    ys = [data[k] for k in sorted(data) if k == "y" or (k[0] == "y" and k[1:].isdigit())]
    for got, want in zip(_predict(model, xs), ys):
        np.testing.assert_allclose(got, want, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("by_name", [False, True])
@pytest.mark.parametrize("name", LEGACY)
def test_keras_legacy_weights_file(name, by_name):
    model, xs, ys, _ = _load(name)
    for w in model.weights:
        w.assign(np.zeros(w.shape, w.data.dtype))
    model.load_weights(os.path.join(FIXTURES, f"{name}_weights.h5"), by_name=by_name)
    for got, want in zip(_predict(model, xs), ys):
        np.testing.assert_allclose(got, want, atol=1e-5, rtol=1e-5)
