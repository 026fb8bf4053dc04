"""lamina's files load in the real Keras 3 with the same predictions (skipped without Keras;
run with .venv-bench/bin/python -m pytest tests/saving)."""
import os

import numpy as np
import pytest

from lamina import backend

from .zoo import KERAS_LACKS, MODELS, n_samples

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")

NAMES = sorted(set(MODELS) - KERAS_LACKS)


def _trained(name):
    make, x = MODELS[name]
    backend.set_random_seed(0)
    model = make()
    model.compile(optimizer="adam", loss="mse")
    y = np.zeros((n_samples(x),) + model.output_shape[1:], "float32")
    model.fit(x, y, batch_size=2, epochs=1, verbose=0)
    return model, x


@pytest.mark.parametrize("name", NAMES)
def test_keras_loads_lamina_file(name, tmp_path):
    model, x = _trained(name)
    model.save(tmp_path / "m.keras")
    theirs = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(theirs.predict(x, verbose=0), model.predict(x, verbose=0),
                               atol=1e-5, rtol=1e-5)
    saved = [np.asarray(v) for v in theirs.optimizer.variables]
    ours = [np.asarray(v.data) for v in
            __import__("lamina.saving.weights_h5", fromlist=["x"]).optimizer_variables(
                model.optimizer)]
    assert len(saved) == len(ours)
    for a, b in zip(saved, ours):
        np.testing.assert_allclose(a, b, atol=1e-6)


@pytest.mark.parametrize("name", ["core", "recurrent"])
def test_keras_loads_lamina_weights(name, tmp_path):
    model, x = _trained(name)
    model.save(tmp_path / "m.keras")
    model.save_weights(tmp_path / "m.weights.h5")
    theirs = keras.models.load_model(tmp_path / "m.keras", compile=False)
    for v in theirs.weights:
        v.assign(np.zeros(v.shape, v.dtype))
    theirs.load_weights(tmp_path / "m.weights.h5")
    np.testing.assert_allclose(theirs.predict(x, verbose=0), model.predict(x, verbose=0),
                               atol=1e-5, rtol=1e-5)


OPTIMIZERS = {
    "adam_ema_accum_amsgrad": dict(cls="Adam", use_ema=True, gradient_accumulation_steps=2,
                                   amsgrad=True),
    "nadam": dict(cls="Nadam"), "rmsprop": dict(cls="RMSprop", momentum=0.5, centered=True),
    "adadelta": dict(cls="Adadelta"), "sgd": dict(cls="SGD", momentum=0.9),
    "adamw": dict(cls="AdamW"), "adamax": dict(cls="Adamax"), "adagrad": dict(cls="Adagrad"),
}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_optimizer_state_layout_matches_keras(name, tmp_path):
    import lamina
    from lamina import layers as L
    from lamina.saving.weights_h5 import optimizer_variables
    kwargs = dict(OPTIMIZERS[name])
    opt = getattr(lamina.optimizers, kwargs.pop("cls"))(**kwargs)
    model = lamina.Sequential([L.Input((3,)), L.Dense(2), L.BatchNormalization(), L.Dense(1)])
    model.compile(opt, "mse")
    rng = np.random.default_rng(0)
    model.fit(rng.random((8, 3), "float32"), rng.random((8, 1), "float32"), batch_size=4,
              epochs=2, verbose=0)
    model.save(tmp_path / "m.keras")
    theirs = keras.models.load_model(tmp_path / "m.keras").optimizer.variables
    ours = optimizer_variables(model.optimizer)
    assert len(theirs) == len(ours)
    for a, b in zip(theirs, ours):
        np.testing.assert_allclose(np.asarray(a), b.data, atol=1e-6)


def test_keras_reads_lamina_json():
    model, x = _trained("recurrent")
    theirs = keras.models.model_from_json(model.to_json())
    theirs.set_weights(model.get_weights())
    np.testing.assert_allclose(theirs.predict(x, verbose=0), model.predict(x, verbose=0),
                               atol=1e-5)


def test_lamina_reads_keras_subclassed_weights(tmp_path):
    import lamina

    class Theirs(keras.Model):
        def __init__(self):
            super().__init__()
            self.d1 = keras.layers.Dense(3)
            self.blocks = [keras.layers.Dense(2), keras.layers.Dense(2)]

        def call(self, x):
            return self.blocks[1](self.blocks[0](self.d1(x)))

    class Ours(lamina.Model):
        def __init__(self):
            super().__init__()
            self.d1 = lamina.layers.Dense(3)
            self.blocks = [lamina.layers.Dense(2), lamina.layers.Dense(2)]

        def call(self, x, training=None):
            return self.blocks[1](self.blocks[0](self.d1(x)))

    x = np.random.default_rng(0).random((2, 4), "float32")
    theirs = Theirs()
    y = np.asarray(theirs(x))
    theirs.save_weights(tmp_path / "k.weights.h5")
    ours = Ours()
    ours(x)
    ours.load_weights(tmp_path / "k.weights.h5")
    np.testing.assert_allclose(ours.predict(x, verbose=0), y, atol=1e-6)
