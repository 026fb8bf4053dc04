"""lamina.kerasr: kerasR's names, argument names and defaults on top of lamina."""
import inspect

import numpy as np
import pytest

from lamina import kerasr, layers
from lamina.models import Sequential

HEADER = '"crim","zn","indus","chas","nox","rm","age","dis","rad","tax","ptratio","b","lstat","medv"'


def _boston_csv(path, n=40, seed=0):
    """A small file in the BostonHousing.csv layout: a header, 13 features, then medv."""
    rng = np.random.RandomState(seed)
    x = np.round(rng.uniform(0, 100, size=(n, 13)), 3)
    y = np.round(rng.uniform(5, 50, size=n), 1)
    lines = [HEADER] + [",".join(repr(float(v)) for v in row) + f",{float(t)!r}"
                      for row, t in zip(x, y)]
    path.write_text("\n".join(lines) + "\n")
    return x, y


def _regression(n=256, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 5)).astype("float32")
    y = x @ np.array([1.5, -2.0, 0.5, 0.0, 1.0], dtype="float32") + 0.3
    return x, y  # a vector, as R passes it


# ------------------------------------------------------------------ names and signatures


def test_public_names_exist():
    for name in kerasr.__all__:
        assert hasattr(kerasr, name), name


@pytest.mark.parametrize("fn, params", [
    (kerasr.keras_compile, ["model", "optimizer", "loss", "metrics", "sample_weight_mode"]),
    (kerasr.keras_fit, ["model", "x", "y", "batch_size", "epochs", "verbose", "callbacks",
                        "validation_split", "validation_data", "shuffle", "class_weight",
                        "sample_weight", "initial_epoch"]),
    (kerasr.keras_predict, ["model", "x", "batch_size", "verbose"]),
    (kerasr.keras_predict_classes, ["model", "x", "batch_size", "verbose"]),
    (kerasr.keras_predict_proba, ["model", "x", "batch_size", "verbose"]),
    (kerasr.normalize, ["x", "axis", "order"]),
])
def test_signatures_follow_kerasr(fn, params):
    assert list(inspect.signature(fn).parameters) == params


def test_defaults_follow_kerasr():
    fit = inspect.signature(kerasr.keras_fit).parameters
    assert {k: fit[k].default for k in ("batch_size", "epochs", "verbose", "validation_split",
                                        "shuffle", "initial_epoch")} == {
        "batch_size": 32, "epochs": 10, "verbose": 1, "validation_split": 0, "shuffle": True,
        "initial_epoch": 0}
    lrs = {name: inspect.signature(getattr(kerasr, name)).parameters["lr"].default
           for name in ("SGD", "RMSprop", "Adagrad", "Adadelta", "Adam", "Adamax", "Nadam")}
    assert lrs == {"SGD": 0.01, "RMSprop": 0.001, "Adagrad": 0.01, "Adadelta": 1.0,
                   "Adam": 0.001, "Adamax": 0.002, "Nadam": 0.002}
    assert inspect.signature(kerasr.Dense).parameters["activation"].default == "linear"


# ------------------------------------------------------------------ layers


def test_dense_takes_kerasr_input_shape_as_plain_number():
    for shape in (13, 13.0, [13], (13,), np.int64(13)):
        mod = kerasr.Sequential()
        mod.add(kerasr.Dense(units=50, input_shape=shape))
        mod.add(kerasr.Activation("relu"))
        mod.add(kerasr.Dense(units=1.0))  # R's numbers are doubles
        assert mod.output_shape == (None, 1)
        assert mod.layers[0].kernel.shape == (13, 50)
    assert isinstance(mod, Sequential)


def test_layer_wrappers_make_lamina_layers():
    mod = kerasr.Sequential()
    mod.add(kerasr.Reshape(target_shape=(2, 3), input_shape=6))
    mod.add(kerasr.Permute(dims=(2, 1)))
    mod.add(kerasr.Flatten())
    mod.add(kerasr.RepeatVector(n=2))
    mod.add(kerasr.Flatten())
    mod.add(kerasr.Dropout(rate=0.5, seed=3))
    mod.add(kerasr.ActivityRegularization(l1=0.01))
    mod.add(kerasr.Lambda(lambda x: x * 2))
    assert mod.output_shape == (None, 12)
    kinds = [type(layer) for layer in mod.layers]
    assert kinds == [layers.Reshape, layers.Permute, layers.Flatten, layers.RepeatVector,
                     layers.Flatten, layers.Dropout, layers.ActivityRegularization, layers.Lambda]
    x = np.arange(12, dtype="float32").reshape(2, 6)
    out = mod.predict(x, verbose=0)
    # (2, 3) -> transposed (3, 2) -> flattened -> repeated twice -> doubled
    expected = np.tile(x.reshape(2, 2, 3).transpose(0, 2, 1).reshape(2, 6), 2) * 2
    np.testing.assert_allclose(out, expected)


@pytest.mark.parametrize("call, match", [
    (lambda: kerasr.Dense(units=0), "units"),
    (lambda: kerasr.Dense(units=2.5), "units"),
    (lambda: kerasr.Dense(units=3, input_shape="13"), "input_shape"),
    (lambda: kerasr.Dense(units=3, input_shape=0), "input_shape"),
    (lambda: kerasr.RepeatVector(n=-1), "n"),
])
def test_bad_layer_arguments_are_named(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


# ------------------------------------------------------------------ optimizers


@pytest.mark.parametrize("name", ["SGD", "RMSprop", "Adagrad", "Adadelta", "Adam", "Adamax",
                                  "Nadam"])
def test_optimizers_accept_lr_and_learning_rate(name):
    from lamina import optimizers
    make = getattr(kerasr, name)
    cls = getattr(optimizers, name)
    assert isinstance(make(), cls)
    for opt in (make(lr=0.05), make(0.05), make(learning_rate=0.05),
                make(lr=0.05, learning_rate=0.05)):
        assert isinstance(opt, cls)
        assert float(np.asarray(opt.learning_rate)) == pytest.approx(0.05)
    with pytest.raises(ValueError, match="lr"):
        make(lr=0.1, learning_rate=0.2)
    with pytest.raises(ValueError, match="lr"):
        make(lr=-1)


def test_optimizer_clipping_minus_one_means_off():
    opt = kerasr.SGD(clipnorm=-1, clipvalue=-1)
    assert getattr(opt, "clipnorm", None) is None and getattr(opt, "clipvalue", None) is None
    opt = kerasr.SGD(lr=0.1, momentum=0.9, nesterov=True, clipnorm=1)
    assert opt.clipnorm == 1.0


def test_optimizer_decay_is_keras2_inverse_time():
    opt = kerasr.SGD(lr=0.1, decay=0.5)  # Keras 2: lr / (1 + decay * iterations)
    assert opt.learning_rate == pytest.approx(0.1)
    opt.iterations = 2
    assert opt.learning_rate == pytest.approx(0.05)
    with pytest.raises(ValueError, match="decay"):
        kerasr.Adam(decay=-1)
    with pytest.raises(NotImplementedError, match="schedule_decay"):
        kerasr.Nadam(schedule_decay=0.01)


# ------------------------------------------------------------------ compile / fit / predict


def test_compile_fit_predict_learns_a_regression(capsys):
    x, y = _regression()
    mod = kerasr.Sequential()
    mod.add(kerasr.Dense(units=16, input_shape=5))
    mod.add(kerasr.Activation("relu"))
    mod.add(kerasr.Dense(units=1))
    assert kerasr.keras_compile(mod, loss="mse", optimizer=kerasr.Adam(lr=0.01)) is None
    hist = kerasr.keras_fit(mod, x, y, batch_size=32, epochs=40, verbose=0,
                            validation_split=0.1)
    losses = hist.history["loss"]
    assert len(losses) == 40 and losses[-1] < 0.05 * losses[0]
    assert "val_loss" in hist.history
    pred = kerasr.keras_predict(mod, x, verbose=0)
    assert pred.shape == (len(x), 1)
    assert np.std(pred.ravel() - y, ddof=1) / np.std(y, ddof=1) < 0.2
    assert capsys.readouterr().out == ""  # verbose = 0 prints nothing


def test_fit_accepts_r_doubles_and_single_callback():
    from lamina.callbacks import Callback

    class Count(Callback):
        epochs = 0

        def on_epoch_end(self, epoch, logs=None):
            Count.epochs += 1

    x, y = _regression(64)
    mod = kerasr.Sequential([kerasr.Dense(units=1, input_shape=5)])
    kerasr.keras_compile(mod, optimizer="sgd", loss="mean_squared_error", metrics="mae")
    kerasr.keras_fit(mod, x, y, batch_size=16.0, epochs=3.0, verbose=0.0, callbacks=Count())
    assert Count.epochs == 3


def test_predict_classes_and_proba():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(120, 2)).astype("float32")
    labels = (x[:, 0] + x[:, 1] > 0).astype(int)
    mod = kerasr.Sequential()
    mod.add(kerasr.Dense(units=2, input_shape=2))
    mod.add(kerasr.Activation("softmax"))
    kerasr.keras_compile(mod, optimizer=kerasr.Adam(lr=0.05), loss="categorical_crossentropy",
                         metrics=["accuracy"])
    kerasr.keras_fit(mod, x, kerasr.to_categorical(labels, 2), epochs=30, verbose=0)
    proba = kerasr.keras_predict_proba(mod, x, verbose=0)
    assert proba.shape == (120, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    classes = kerasr.keras_predict_classes(mod, x, verbose=0)
    assert classes.shape == (120,)
    np.testing.assert_array_equal(classes, proba.argmax(axis=1))
    assert np.mean(classes == labels) > 0.9


def test_predict_classes_for_one_sigmoid_output():
    mod = kerasr.Sequential([kerasr.Dense(units=1, input_shape=1, activation="sigmoid",
                                          kernel_initializer="ones")])
    classes = kerasr.keras_predict_classes(mod, np.array([[-3.0], [3.0]]), verbose=0)
    np.testing.assert_array_equal(classes, [0, 1])


def test_model_functions_check_their_arguments():
    mod = kerasr.Sequential([kerasr.Dense(units=1, input_shape=2)])
    with pytest.raises(TypeError, match="model"):
        kerasr.keras_compile("mod", optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="sample_weight_mode"):
        kerasr.keras_compile(mod, optimizer="sgd", loss="mse", sample_weight_mode="daily")
    kerasr.keras_compile(mod, optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="batch_size"):
        kerasr.keras_fit(mod, np.zeros((4, 2)), np.zeros(4), batch_size=0)
    with pytest.raises(ValueError, match="epochs"):
        kerasr.keras_fit(mod, np.zeros((4, 2)), np.zeros(4), epochs=1.5)
    with pytest.raises(ValueError, match="validation_split"):
        kerasr.keras_fit(mod, np.zeros((4, 2)), np.zeros(4), validation_split="0.1")


# ------------------------------------------------------------------ data helpers


def test_load_boston_housing_from_a_local_csv(tmp_path, monkeypatch):
    from lamina.datasets import _download

    def no_network(*args, **kwargs):
        raise AssertionError("load_boston_housing must not download when given a local file")

    monkeypatch.setattr(_download, "_download", no_network)
    x, y = _boston_csv(tmp_path / "BostonHousing.csv")
    boston = kerasr.load_boston_housing(path=str(tmp_path / "BostonHousing.csv"))
    assert list(boston) == ["X_train", "Y_train", "X_test", "Y_test"]
    # R's boston$X_train is boston.X_train; key access works too
    assert boston.X_train is boston["X_train"]
    assert boston.X_train.shape == (32, 13) and boston.X_test.shape == (8, 13)
    assert boston.Y_train.shape == (32,) and boston.Y_test.shape == (8,)
    idx = np.arange(40)
    np.random.RandomState(113).shuffle(idx)  # Keras's split
    np.testing.assert_allclose(boston.X_train, x[idx[:32]])
    np.testing.assert_allclose(boston.Y_test, y[idx[32:]])
    with pytest.raises(AttributeError, match="X_val"):
        _ = boston.X_val
    boston.extra = 1
    assert boston["extra"] == 1


def test_normalize_and_to_categorical():
    x = np.array([[3.0, 4.0], [0.0, 0.0]])
    np.testing.assert_allclose(kerasr.normalize(x), [[0.6, 0.8], [0, 0]])
    np.testing.assert_allclose(kerasr.normalize(x, axis=0, order=1.0), [[1, 1], [0, 0]])
    np.testing.assert_array_equal(kerasr.to_categorical([0, 2], num_classes=3.0),
                                  [[1, 0, 0], [0, 0, 1]])
    assert kerasr.expand_dims(np.zeros(3)).shape == (1, 3)
    assert kerasr.keras_available() is True
