"""Bad input to compile, fit, evaluate, predict, train_on_batch and the common layers: every
case must fail up front with a ValueError or TypeError whose message names the argument
(or the layer), or give the documented result. Never a silent wrong number, never an
internal error (AttributeError, IndexError, ZeroDivisionError, a TypeError from deep
inside NumPy)."""
import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.callbacks import Callback

X = np.random.default_rng(0).normal(size=(8, 4)).astype("float32")
Y = np.random.default_rng(1).normal(size=(8, 1)).astype("float32")
LABELS = np.array([0, 1, 0, 1, 0, 1, 0, 1])


def _model(compiled=True):
    model = lamina.Sequential([layers.Input((4,)), layers.Dense(1)])
    if compiled:
        model.compile(optimizer="sgd", loss="mse")
    return model


def _classifier():
    model = lamina.Sequential([layers.Input((4,)), layers.Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    return model


def _expect_clear_error(fn, match):
    with pytest.raises((ValueError, TypeError)) as info:
        fn()
    assert info.type in (ValueError, TypeError)
    assert __import__("re").search(match, str(info.value)), (
        f"{info.type.__name__}: {info.value!s} does not name {match!r}")


# --- compile -----------------------------------------------------------------------------
COMPILE = [
    ({"optimizer": "no_such_optimizer", "loss": "mse"}, "no_such_optimizer"),
    ({"optimizer": 123, "loss": "mse"}, "optimizer"),
    ({"optimizer": "sgd", "loss": "no_such_loss"}, "no_such_loss"),
    ({"optimizer": "sgd", "loss": 123}, "loss"),
    ({"optimizer": "sgd", "loss": "mse", "metrics": "mae"}, "metrics"),
    ({"optimizer": "sgd", "loss": "mse", "metrics": 42}, "metrics"),
    ({"optimizer": "sgd", "loss": "mse", "metrics": ["no_such_metric"]}, "no_such_metric"),
    ({"optimizer": "sgd", "loss": "mse", "weighted_metrics": "mae"}, "weighted_metrics"),
    ({"optimizer": "sgd", "loss": "mse", "loss_weights": "1"}, "loss_weights"),
    ({"optimizer": "sgd", "loss": "mse", "loss_weights": {1, 2}}, "loss_weights"),
]


@pytest.mark.parametrize("kwargs, match", COMPILE)
def test_compile_bad_arguments(kwargs, match):
    def run():
        model = _model(compiled=False)
        model.compile(**kwargs)
        model.fit(X, Y, verbose=0)  # some specs resolve once the output shape is known
    _expect_clear_error(run, match)


# --- fit ---------------------------------------------------------------------------------
FIT = [
    ({"batch_size": -1}, "batch_size"),
    ({"batch_size": 0}, "batch_size"),
    ({"batch_size": 1.5}, "batch_size"),
    ({"batch_size": "32"}, "batch_size"),
    ({"batch_size": True}, "batch_size"),
    ({"epochs": -1}, "epochs"),
    ({"epochs": 1.5}, "epochs"),
    ({"epochs": "3"}, "epochs"),
    ({"verbose": 3}, "verbose"),
    ({"verbose": "loud"}, "verbose"),
    ({"verbose": -1}, "verbose"),
    ({"validation_split": -0.1}, "validation_split"),
    ({"validation_split": 1.0}, "validation_split"),
    ({"validation_split": 1.5}, "validation_split"),
    ({"validation_split": "0.2"}, "validation_split"),
    ({"initial_epoch": -1}, "initial_epoch"),
    ({"initial_epoch": 5, "epochs": 2}, "initial_epoch"),
    ({"steps_per_epoch": 0}, "steps_per_epoch"),
    ({"steps_per_epoch": -2, "epochs": 3}, "steps_per_epoch"),
    ({"steps_per_epoch": 1.5}, "steps_per_epoch"),
    ({"validation_steps": 0, "validation_split": 0.5}, "validation_steps"),
    ({"validation_steps": -1, "validation_split": 0.5}, "validation_steps"),
    ({"validation_batch_size": 0, "validation_split": 0.5}, "validation_batch_size"),
    ({"validation_freq": 0}, "validation_freq"),
    ({"validation_freq": -1}, "validation_freq"),
    ({"validation_freq": 1.5}, "validation_freq"),
    ({"class_weight": {"a": 1.0}}, "class_weight"),
    ({"class_weight": {0: -1.0}}, "class_weight"),
    ({"class_weight": {0: float("nan")}}, "class_weight"),
    ({"class_weight": [1.0, 2.0]}, "class_weight"),
    ({"class_weight": {}}, "class_weight"),
    ({"class_weight": {-1: 1.0}}, "class_weight"),
    ({"sample_weight": np.ones(5)}, "sample_weight"),
    ({"sample_weight": 1.0}, "sample_weight"),
    ({"sample_weight": np.ones((3, 2))}, "sample_weight"),
    ({"sample_weight": np.full(8, np.nan)}, "sample_weight"),
    ({"callbacks": [1]}, "callbacks"),
    ({"validation_data": (X[:, :3], Y)}, "validation_data|input|shape"),
    ({"validation_data": (X, Y[:5])}, "cardinality|samples"),
    ({"validation_data": (X,)}, "validation_data"),
]


@pytest.mark.parametrize("kwargs, match", FIT)
def test_fit_bad_arguments(kwargs, match):
    _expect_clear_error(lambda: _model().fit(X, Y, **{"verbose": 0, **kwargs}), match)


FIT_DATA = [
    (lambda: (X, Y[:5]), "cardinality|samples"),
    (lambda: (X[:, :3], Y), "input|shape"),
    (lambda: (np.array([["a"] * 4] * 8), Y), "x"),
    (lambda: (np.zeros((0, 4)), np.zeros((0, 1))), "empty"),
    (lambda: (None, Y), "x"),
    (lambda: (X, None), "y"),
    (lambda: (X, np.array(["a"] * 8)), "y"),
    (lambda: (X[0], Y[0]), "x|shape|input"),
]


@pytest.mark.parametrize("data, match", FIT_DATA)
def test_fit_bad_data(data, match):
    x, y = data()
    _expect_clear_error(lambda: _model().fit(x, y, verbose=0), match)


def test_fit_validation_split_leaving_no_training_data_is_refused():
    _expect_clear_error(lambda: _model().fit(X[:1], Y[:1], validation_split=0.5, verbose=0),
                        "validation_split")


def test_fit_epochs_zero_trains_nothing_as_keras():
    model = _model()
    before = model.get_weights()
    history = model.fit(X, Y, epochs=0, verbose=0)
    assert history.history == {}
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_fit_initial_epoch_equal_to_epochs_trains_nothing():
    assert _model().fit(X, Y, epochs=2, initial_epoch=2, verbose=0).history == {}


def test_class_weight_keys_of_absent_classes_change_nothing_and_weights_apply():
    def loss(class_weight):
        lamina.utils.set_random_seed(5)
        return _classifier().train_on_batch(X, LABELS, class_weight=class_weight)
    plain, weighted = loss(None), loss({0: 1.0, 1: 2.0})
    assert loss({0: 1.0, 1: 2.0, 7: 3.0}) == pytest.approx(weighted)  # as Keras: ignored
    assert weighted != pytest.approx(plain)


# --- evaluate ----------------------------------------------------------------------------
EVALUATE = [
    ({"batch_size": -1}, "batch_size"),
    ({"batch_size": 0}, "batch_size"),
    ({"batch_size": 2.5}, "batch_size"),
    ({"steps": 0}, "steps"),
    ({"steps": -1}, "steps"),
    ({"steps": 1.5}, "steps"),
    ({"verbose": 7}, "verbose"),
    ({"sample_weight": np.ones(3)}, "sample_weight"),
    ({"sample_weight": "heavy"}, "sample_weight"),
    ({"callbacks": ["not a callback"]}, "callbacks"),
]


@pytest.mark.parametrize("kwargs, match", EVALUATE)
def test_evaluate_bad_arguments(kwargs, match):
    _expect_clear_error(lambda: _model().evaluate(X, Y, **{"verbose": 0, **kwargs}), match)


@pytest.mark.parametrize("data, match", FIT_DATA)
def test_evaluate_bad_data(data, match):
    x, y = data()
    _expect_clear_error(lambda: _model().evaluate(x, y, verbose=0), match)


def test_evaluate_batch_size_minus_one_is_refused_not_zero():
    model = _model()
    true = model.evaluate(X, Y, batch_size=8, verbose=0)
    assert true > 0
    _expect_clear_error(lambda: model.evaluate(X, Y, batch_size=-1, verbose=0), "batch_size")


# --- predict -----------------------------------------------------------------------------
PREDICT = [
    ({"batch_size": 0}, "batch_size"),
    ({"batch_size": -3}, "batch_size"),
    ({"batch_size": 2.5}, "batch_size"),
    ({"steps": 0}, "steps"),
    ({"verbose": 9}, "verbose"),
    ({"callbacks": [object()]}, "callbacks"),
]


@pytest.mark.parametrize("kwargs, match", PREDICT)
def test_predict_bad_arguments(kwargs, match):
    _expect_clear_error(lambda: _model().predict(X, **{"verbose": 0, **kwargs}), match)


PREDICT_DATA = [
    (np.zeros((0, 4)), "empty"),
    (X[:, :3], "input|shape"),
    (np.array([["a"] * 4] * 8), "x"),
    (None, "x"),
    (X[0], "x|shape|input"),
]


@pytest.mark.parametrize("x, match", PREDICT_DATA)
def test_predict_bad_data(x, match):
    _expect_clear_error(lambda: _model().predict(x, verbose=0), match)


# --- train_on_batch ----------------------------------------------------------------------
ON_BATCH = [
    (lambda m: m.train_on_batch(np.zeros((0, 4)), np.zeros((0, 1))), "empty"),
    (lambda m: m.train_on_batch(X, Y[:3]), "cardinality|samples"),
    (lambda m: m.train_on_batch(X[:, :3], Y), "input|shape"),
    (lambda m: m.train_on_batch(X, Y, sample_weight=np.ones(3)), "sample_weight"),
    (lambda m: m.train_on_batch(X, Y, class_weight={"a": 1}), "class_weight"),
    (lambda m: m.train_on_batch(None, Y), "x"),
    (lambda m: m.train_on_batch(X, None), "y"),
    (lambda m: m.test_on_batch(np.zeros((0, 4)), np.zeros((0, 1))), "empty"),
    (lambda m: m.test_on_batch(X, Y, sample_weight=np.ones(2)), "sample_weight"),
    (lambda m: m.predict_on_batch(X[:, :3]), "input|shape"),
]


@pytest.mark.parametrize("call, match", ON_BATCH)
def test_on_batch_bad_input(call, match):
    _expect_clear_error(lambda: call(_model()), match)


def test_uncompiled_model_cannot_fit():
    with pytest.raises(RuntimeError, match="compiled"):
        _model(compiled=False).fit(X, Y, verbose=0)


# --- layers ------------------------------------------------------------------------------
LAYERS = [
    (lambda: layers.Dense(0), "units"),
    (lambda: layers.Dense(-1), "units"),
    (lambda: layers.Dense(1.5), "units"),
    (lambda: layers.Dense("8"), "units"),
    (lambda: layers.Dense(None), "units"),
    (lambda: layers.Dense(2, activation="no_such_activation"), "no_such_activation"),
    (lambda: layers.Dense(2, activation=5), "activation"),
    (lambda: layers.Conv2D(0, 3), "filters"),
    (lambda: layers.Conv2D(-1, 3), "filters"),
    (lambda: layers.Conv2D(2.5, 3), "filters"),
    (lambda: layers.Conv2D(4, 0), "kernel_size"),
    (lambda: layers.Conv2D(4, -1), "kernel_size"),
    (lambda: layers.Conv2D(4, (3,)), "kernel_size"),
    (lambda: layers.Conv2D(4, "3"), "kernel_size"),
    (lambda: layers.Conv2D(4, 3, strides=0), "strides"),
    (lambda: layers.Conv2D(4, 3, strides=-1), "strides"),
    (lambda: layers.Conv2D(4, 3, padding="full"), "padding"),
    (lambda: layers.Conv2D(4, 3, padding=3), "padding"),
    (lambda: layers.LSTM(0), "units"),
    (lambda: layers.LSTM(-1), "units"),
    (lambda: layers.LSTM(1.5), "units"),
    (lambda: layers.Dropout(-0.1), "rate"),
    (lambda: layers.Dropout(1.5), "rate"),
    (lambda: layers.Dropout("0.5"), "rate"),
    (lambda: layers.Embedding(0, 4), "input_dim"),
    (lambda: layers.Embedding(-1, 4), "input_dim"),
    (lambda: layers.Embedding(2.5, 4), "input_dim"),
    (lambda: layers.Embedding(10, 0), "output_dim"),
]


@pytest.mark.parametrize("make, match", LAYERS)
def test_layer_bad_constructor_arguments(make, match):
    _expect_clear_error(make, match)


def test_conv2d_on_an_input_smaller_than_its_kernel_is_refused():
    _expect_clear_error(lambda: lamina.Sequential([layers.Input((2, 2, 1)),
                                                   layers.Conv2D(1, 3)]), "Conv2D|conv2d|kernel")


class _Noop(Callback):
    pass


def test_a_callback_with_no_hooks_is_fine_everywhere():
    model = _model()
    model.fit(X, Y, verbose=0, callbacks=[_Noop()], validation_split=0.5)
    model.evaluate(X, Y, verbose=0, callbacks=[_Noop()])
    model.predict(X, verbose=0, callbacks=[_Noop()])
