"""The contract around compile / fit / evaluate / predict: callbacks on every loop, compile
without a loss, up-front argument checks, building on first use, ``Model.stateful``."""
import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.callbacks import Callback


def _model(compile_=True, **compile_kwargs):
    model = lamina.Sequential([layers.Input((4,)), layers.Dense(1)])
    if compile_:
        model.compile(optimizer="sgd", loss="mse", **compile_kwargs)
    return model


def _data(n=10):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, 4)).astype("float32"), rng.normal(size=(n, 1)).astype("float32")


class Recorder(Callback):
    def __init__(self):
        super().__init__()
        self.calls = []


for _hook in ("on_train_begin", "on_epoch_end", "on_test_begin", "on_test_end",
              "on_test_batch_begin", "on_test_batch_end", "on_predict_begin",
              "on_predict_end", "on_predict_batch_begin", "on_predict_batch_end"):
    setattr(Recorder, _hook, (lambda name: lambda self, *a: self.calls.append((name, a)))(
        _hook))


# --- callbacks on evaluate / predict / fit's validation (issue 13.2) ------------------------
def test_evaluate_fires_test_hooks_with_running_logs_and_final_logs():
    model, (x, y) = _model(), _data()
    rec = Recorder()
    res = model.evaluate(x, y, batch_size=4, verbose=0, callbacks=[rec], return_dict=True)
    names = [c[0] for c in rec.calls]
    assert names == ["on_test_begin"] + ["on_test_batch_begin", "on_test_batch_end"] * 3 + [
        "on_test_end"]
    assert rec.calls[-1][1][0] == res  # on_test_end gets the final logs
    assert rec.calls[-2][1][1]["loss"] == pytest.approx(res["loss"])  # running mean
    assert rec.model is model


def test_predict_hands_each_batch_outputs_to_on_predict_batch_end():
    model, (x, _) = _model(), _data()
    rec = Recorder()
    out = model.predict(x, batch_size=4, verbose=0, callbacks=[rec])
    ends = [a for name, a in rec.calls if name == "on_predict_batch_end"]
    assert [a[0] for a in ends] == [0, 1, 2]
    np.testing.assert_array_equal(np.concatenate([a[1]["outputs"] for a in ends]), out)
    assert rec.calls[0][0] == "on_predict_begin" and rec.calls[-1][0] == "on_predict_end"


def test_predict_of_one_batch_fires_the_hooks_too():
    model, (x, _) = _model(), _data(3)
    rec = Recorder()
    model.predict(x, verbose=0, callbacks=[rec])
    assert [c[0] for c in rec.calls] == ["on_predict_begin", "on_predict_batch_begin",
                                         "on_predict_batch_end", "on_predict_end"]


def test_fit_validation_uses_the_same_callbacks_test_hooks_before_epoch_end():
    model, (x, y) = _model(), _data()
    rec = Recorder()
    model.fit(x, y, epochs=2, batch_size=4, verbose=0, validation_split=0.2,
              callbacks=[rec])
    names = [c[0] for c in rec.calls]
    assert names.count("on_test_begin") == 2
    first_end = names.index("on_epoch_end")
    assert names.index("on_test_begin") < names.index("on_test_end") < first_end
    # the epoch logs carry the val_ entries of the test hooks' final logs
    test_end_logs = rec.calls[names.index("on_test_end")][1][0]
    assert rec.calls[first_end][1][1]["val_loss"] == pytest.approx(test_end_logs["loss"])


# --- compile without a loss (issue 13.4) -------------------------------------------------
class AddLoss(layers.Layer):
    def call(self, inputs):
        self.add_loss(lamina.ops.mean(lamina.ops.square(inputs)))
        return inputs


def test_compile_without_loss_minimises_add_loss_terms_and_needs_no_y():
    inputs = layers.Input((4,))
    model = lamina.Model(inputs, AddLoss()(layers.Dense(2)(inputs)))
    model.compile(optimizer=lamina.optimizers.SGD(0.1))
    x, _ = _data(16)
    before = float(np.mean(model.predict(x, verbose=0) ** 2))
    history = model.fit(x, epochs=5, batch_size=16, verbose=0)
    assert history.history["loss"][0] == pytest.approx(before, rel=1e-5)
    assert history.history["loss"][-1] < before


def test_compile_without_loss_and_no_add_loss_fails_clearly_at_fit():
    model, (x, y) = _model(compile_=False), _data()
    model.compile(optimizer="sgd")
    with pytest.raises(ValueError, match="No loss to compute"):
        model.fit(x, y, verbose=0)


def test_y_is_still_required_with_a_compiled_loss():
    model, (x, _) = _model(), _data()
    with pytest.raises(ValueError, match="y is required"):
        model.fit(x, verbose=0)


# --- argument checks (issue 16.5) --------------------------------------------------------
def test_evaluate_with_negative_batch_size_is_refused_not_zero():
    model, (x, y) = _model(), _data()
    with pytest.raises(ValueError, match=r"batch_size must be a positive integer.*-1"):
        model.evaluate(x, y, batch_size=-1, verbose=0)


def test_evaluate_on_empty_data_is_refused():
    model = _model()
    with pytest.raises(ValueError, match="the data is empty"):
        model.evaluate(np.zeros((0, 4)), np.zeros((0, 1)), verbose=0)


def test_fit_with_negative_steps_per_epoch_is_refused():
    model, (x, y) = _model(), _data()
    with pytest.raises(ValueError, match=r"steps_per_epoch.*-2"):
        model.fit(x, y, steps_per_epoch=-2, epochs=3, verbose=0)


def test_predict_with_batch_size_zero_is_a_value_error():
    model, (x, _) = _model(), _data()
    with pytest.raises(ValueError, match=r"batch_size.*0"):
        model.predict(x, batch_size=0)


def test_predict_steps_limits_the_batches():
    model, (x, _) = _model(), _data()
    assert model.predict(x, batch_size=4, steps=2, verbose=0).shape == (8, 1)


# --- build on first use (16.6), count_params (16.14), stateful ---------------------------
@pytest.mark.parametrize("call", ["predict", "predict_on_batch", "call", "evaluate",
                                  "test_on_batch", "train_on_batch"])
def test_an_unbuilt_sequential_builds_on_first_use(call):
    model = lamina.Sequential([layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((3, 4), "float32"), np.ones((3, 2), "float32")
    if call in ("predict", "predict_on_batch"):
        out = getattr(model, call)(x)
    elif call == "call":
        out = model(x)
    else:
        out = getattr(model, call)(x, y)
    assert model.built and model.count_params() == 10
    assert np.all(np.isfinite(np.asarray(getattr(out, "data", out))))


def test_count_params_of_an_unbuilt_model_raises():
    with pytest.raises(ValueError, match="isn't built"):
        lamina.Sequential([layers.Dense(2)]).count_params()


def test_stateful_is_true_when_any_layer_is_stateful():
    assert lamina.Sequential([layers.Input((3, 2)), layers.LSTM(2)]).stateful is False
    inner = lamina.Sequential([layers.Input((3, 2), batch_size=1),
                               layers.LSTM(2, stateful=True)])
    assert inner.stateful is True
    outer = lamina.Sequential([layers.Input((3, 2), batch_size=1), inner])
    assert outer.stateful is True


# --- compile's metrics and loss_weights types (16.13) ------------------------------------
@pytest.mark.parametrize("kwargs, name", [
    ({"metrics": "mae"}, "metrics"),
    ({"weighted_metrics": "mae"}, "weighted_metrics"),
    ({"metrics": lamina.metrics.MeanAbsoluteError()}, "metrics"),
    ({"loss_weights": "1.0"}, "loss_weights"),
    ({"loss_weights": {1, 2}}, "loss_weights"),
])
def test_compile_refuses_a_lone_string_or_object_where_a_list_is_expected(kwargs, name):
    with pytest.raises(ValueError, match=f"`{name}` argument"):
        _model(compile_=False).compile(optimizer="sgd", loss="mse", **kwargs)
