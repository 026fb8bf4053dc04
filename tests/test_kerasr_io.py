"""lamina.kerasr's files and callbacks: keras_save/keras_load, weights, JSON, checkpoints,
logs, and plot_model."""
import csv
import os

import numpy as np
import pytest

from lamina import kerasr


def _data(n=48, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    return x, (x[:, 0] - 2 * x[:, 1] > 0).astype("float32")


def _model(seed=0):
    from lamina import backend
    backend.set_random_seed(seed)
    mod = kerasr.Sequential()
    mod.add(kerasr.Dense(units=8, input_shape=4))
    mod.add(kerasr.Activation("relu"))
    mod.add(kerasr.Dropout(rate=0.1))
    mod.add(kerasr.Dense(units=1, activation="sigmoid"))
    kerasr.keras_compile(mod, loss="binary_crossentropy", optimizer=kerasr.Adam(lr=0.01),
                         metrics="accuracy")
    return mod


# ------------------------------------------------------------------ saving


@pytest.mark.parametrize("name", ["model.h5", "model.keras"])
def test_keras_save_and_keras_load_round_trip(tmp_path, name):
    x, y = _data()
    mod = _model()
    kerasr.keras_fit(mod, x, y, epochs=2, verbose=0)
    path = str(tmp_path / name)
    assert kerasr.keras_save(mod, path) is None
    mod2 = kerasr.keras_load(path)
    np.testing.assert_allclose(kerasr.keras_predict(mod2, x, verbose=0),
                               kerasr.keras_predict(mod, x, verbose=0), rtol=1e-6, atol=1e-7)
    kerasr.keras_fit(mod2, x, y, epochs=1, verbose=0)  # compiled state came back too


def test_kerasr_default_file_names_in_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    x, y = _data()
    mod = _model()
    kerasr.keras_save(mod)  # kerasR's default path = "model.h5"
    assert os.path.isfile("model.h5")
    mod2 = kerasr.keras_load()
    np.testing.assert_allclose(kerasr.keras_predict(mod2, x, verbose=0),
                               kerasr.keras_predict(mod, x, verbose=0), rtol=1e-6, atol=1e-7)
    other = _model(seed=1)
    assert kerasr.keras_save_weights(mod) is None  # overwrites model.h5 with the weights
    assert kerasr.keras_load_weights(other) is None
    np.testing.assert_allclose(kerasr.keras_predict(other, x, verbose=0),
                               kerasr.keras_predict(mod, x, verbose=0), rtol=1e-6, atol=1e-7)
    assert kerasr.keras_model_to_json(mod) is None  # default path = "model.json"
    assert os.path.isfile("model.json") and not [f for f in os.listdir() if f.startswith(".")]
    fresh = kerasr.keras_model_from_json()
    assert [type(a) for a in fresh.layers] == [type(b) for b in mod.layers]
    assert fresh.layers[0].kernel.shape == (4, 8)


def test_paths_without_extension_as_kerasr_examples_use(tmp_path):
    # kerasR's own example: keras_save(mod, tf <- tempfile()); Keras 2 wrote HDF5 there
    x, _ = _data()
    mod = _model()
    model_file, weights_file = str(tmp_path / "file1a2b"), str(tmp_path / "file3c4d")
    kerasr.keras_save(mod, model_file)
    back = kerasr.keras_load(model_file)
    np.testing.assert_array_equal(kerasr.keras_predict(back, x, verbose=0),
                                  kerasr.keras_predict(mod, x, verbose=0))
    kerasr.keras_save_weights(mod, weights_file)
    kerasr.keras_load_weights(back, weights_file)
    assert sorted(os.listdir(tmp_path)) == ["file1a2b", "file3c4d"]  # no temporary left


def test_weights_and_json_with_explicit_paths(tmp_path):
    x, y = _data()
    mod = _model()
    kerasr.keras_fit(mod, x, y, epochs=1, verbose=0)
    kerasr.keras_save_weights(mod, str(tmp_path / "w.weights.h5"))
    kerasr.keras_model_to_json(mod, tmp_path / "arch.json")
    text = (tmp_path / "arch.json").read_text()
    assert text.endswith("\n") and '"Dense"' in text
    mod2 = kerasr.keras_model_from_json(str(tmp_path / "arch.json"))
    kerasr.keras_load_weights(mod2, str(tmp_path / "w.weights.h5"))
    np.testing.assert_allclose(kerasr.keras_predict(mod2, x, verbose=0),
                               kerasr.keras_predict(mod, x, verbose=0), rtol=1e-6, atol=1e-7)


def test_file_functions_check_their_arguments(tmp_path):
    mod = _model()
    with pytest.raises(TypeError, match="path"):
        kerasr.keras_save(mod, 3)
    with pytest.raises(TypeError, match="model"):
        kerasr.keras_save_weights("mod", str(tmp_path / "w.h5"))
    with pytest.raises(TypeError, match="model"):
        kerasr.keras_model_to_json(None)
    with pytest.raises(FileNotFoundError):
        kerasr.keras_load(str(tmp_path / "missing.h5"))


# ------------------------------------------------------------------ callbacks


def test_callbacks_work_in_keras_fit(tmp_path):
    x, y = _data()
    mod = _model()
    log = tmp_path / "log.csv"
    callbacks = [kerasr.CSVLogger(str(log)),
                 kerasr.EarlyStopping(monitor="loss", patience=1.0, min_delta=10),
                 kerasr.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0, epsilon=10),
                 kerasr.ModelCheckpoint(str(tmp_path / "best.keras"), monitor="loss",
                                        save_best_only=True)]
    hist = kerasr.keras_fit(mod, x, y, epochs=10, verbose=0, callbacks=callbacks)
    # min_delta = 10 is never met: the first epoch sets the best, patience 1 stops at epoch 2
    assert len(hist.history["loss"]) == 2
    rows = list(csv.DictReader(log.open()))
    assert [r["epoch"] for r in rows] == ["0", "1"] and "accuracy" in rows[0]
    # kerasR's epsilon is min_delta: no epoch improved by 10, so the rate was halved
    assert float(np.asarray(mod.optimizer.learning_rate)) < 0.01
    assert os.path.isfile(tmp_path / "best.keras")


def test_model_checkpoint_period_saves_every_nth_epoch(tmp_path):
    x, y = _data()
    mod = _model()
    path = str(tmp_path / "ckpt-{epoch:02d}.keras")
    cb = kerasr.ModelCheckpoint(path, monitor="loss", period=2.0)
    kerasr.keras_fit(mod, x, y, epochs=5, verbose=0, callbacks=cb)  # one callback, no list
    assert sorted(os.listdir(tmp_path)) == ["ckpt-02.keras", "ckpt-04.keras"]
    with pytest.raises(ValueError, match="period"):
        kerasr.ModelCheckpoint(path, period=0)


def test_tensorboard_writes_event_files(tmp_path):
    x, y = _data(16)
    mod = _model()
    cb = kerasr.TensorBoard(log_dir=str(tmp_path / "logs"), write_graph=False)
    kerasr.keras_fit(mod, x, y, epochs=1, verbose=0, callbacks=[cb])
    written = [f for _, _, files in os.walk(tmp_path / "logs") for f in files]
    assert any(f.startswith("events.out.tfevents") for f in written)


# ------------------------------------------------------------------ plot_model


def test_plot_model_passes_kerasr_arguments(monkeypatch):
    plot = pytest.importorskip("lamina.utils.plot")
    calls = []
    monkeypatch.setattr(plot, "plot_model", lambda model, **kw: calls.append(kw))
    mod = _model()
    kerasr.plot_model(mod)
    assert calls == [dict(to_file="model.png", show_shapes=False, show_layer_names=True)]
    with pytest.raises(TypeError, match="model"):
        kerasr.plot_model("mod")


def test_plot_model_draws_the_layers(tmp_path):
    pytest.importorskip("pydot")
    mod = _model()
    out = tmp_path / "model.dot"  # the .dot text needs no graphviz program
    assert kerasr.plot_model(mod, to_file=str(out), show_shapes=True) is None
    text = out.read_text()
    assert "Dense" in text and "Dropout" in text
