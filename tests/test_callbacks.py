"""Callbacks on real small fits: EarlyStopping, ModelCheckpoint, ReduceLROnPlateau,
LearningRateScheduler, CSVLogger, TerminateOnNaN, LambdaCallback and the hook machinery."""
import csv
import os

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.callbacks import (
    Callback,
    CSVLogger,
    EarlyStopping,
    LambdaCallback,
    LearningRateScheduler,
    ModelCheckpoint,
    ReduceLROnPlateau,
    TerminateOnNaN,
)


def _data(n=32):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = (x @ np.array([[0.5], [-1.0], [2.0]], "float32")).astype("float32")
    return x, y


def _model(optimizer="sgd", metrics=None):
    model = lamina.Sequential([layers.Dense(4, activation="tanh", input_shape=(3,)),
                               layers.Dense(1)])
    model.compile(optimizer, "mse", metrics=metrics)
    return model


class _Score(Callback):
    """Puts a scripted value into the epoch logs (before the callbacks after it see them)
    and records the weights at each epoch's end."""

    def __init__(self, values, key="score"):
        super().__init__()
        self.values, self.key, self.weights = list(values), key, []

    def on_epoch_end(self, epoch, logs=None):
        logs[self.key] = self.values[epoch]
        self.weights.append(self.model.get_weights())


def _fit(model, callbacks, epochs, **kwargs):
    x, y = _data()
    return model.fit(x, y, epochs=epochs, batch_size=8, verbose=0, callbacks=callbacks, **kwargs)


# --- EarlyStopping ---------------------------------------------------------------------------
def test_early_stopping_restores_the_best_epochs_weights():
    model = _model()
    score = _Score([5.0, 3.0, 2.0, 2.5, 2.2, 2.1, 1.0, 0.5])
    stop = EarlyStopping(monitor="score", mode="min", patience=3, restore_best_weights=True)
    history = _fit(model, [score, stop], epochs=8)
    # best at epoch 2; epochs 3, 4, 5 do not improve: stop at the end of epoch 5
    assert stop.stopped_epoch == 5 and stop.best_epoch == 2 and stop.best == 2.0
    assert len(history.history["loss"]) == 6
    for got, want in zip(model.get_weights(), score.weights[2]):
        np.testing.assert_array_equal(got, want)


def test_early_stopping_without_restore_keeps_the_last_weights():
    model = _model()
    score = _Score([1.0, 2.0, 3.0])
    stop = EarlyStopping(monitor="score", mode="min", patience=1)
    _fit(model, [score, stop], epochs=3)
    assert stop.stopped_epoch == 1
    for got, want in zip(model.get_weights(), score.weights[1]):
        np.testing.assert_array_equal(got, want)


def test_early_stopping_on_a_real_val_loss_runs_to_the_end_while_it_improves():
    x, y = _data(64)
    model = _model()
    stop = EarlyStopping(patience=0)  # val_loss, mode auto -> min
    history = model.fit(x, y, epochs=5, batch_size=8, validation_split=0.25, verbose=0,
                        callbacks=[stop])
    val = history.history["val_loss"]
    assert all(b < a for a, b in zip(val, val[1:]))  # SGD on a linear target: improving
    assert len(val) == 5 and stop.stopped_epoch == 0


def test_early_stopping_baseline_min_delta_and_start_from_epoch():
    # baseline never beaten: stops as soon as the score stops improving (epoch 1)
    stop = EarlyStopping(monitor="score", mode="min", patience=2, baseline=1.0)
    _fit(_model(), [_Score([5, 6, 7, 8, 9]), stop], epochs=5)
    assert stop.stopped_epoch == 1
    # the same without a baseline waits the full patience
    stop = EarlyStopping(monitor="score", mode="min", patience=2)
    _fit(_model(), [_Score([5, 6, 7, 8, 9]), stop], epochs=5)
    assert stop.stopped_epoch == 2
    # improvements smaller than min_delta do not count
    stop = EarlyStopping(monitor="score", mode="min", patience=1, min_delta=0.1)
    _fit(_model(), [_Score([1.0, 0.95, 0.9, 0.85]), stop], epochs=4)
    assert stop.stopped_epoch == 1
    # warm-up epochs are not monitored
    stop = EarlyStopping(monitor="score", mode="min", patience=1, start_from_epoch=2)
    history = _fit(_model(), [_Score([1, 2, 3, 4, 5]), stop], epochs=5)
    assert stop.stopped_epoch == 3 and len(history.history["loss"]) == 4


def test_monitor_direction_is_inferred_or_refused():
    stop = EarlyStopping(monitor="val_mae", patience=5)
    x, y = _data(64)
    _model(metrics=["mae", "accuracy"]).fit(x, y, epochs=1, validation_split=0.25, verbose=0,
                                            callbacks=[stop])
    assert stop.monitor_op is np.less
    stop = EarlyStopping(monitor="accuracy")
    _fit(_model(metrics=["accuracy"]), [stop], epochs=1)
    assert stop.monitor_op is np.greater
    with pytest.raises(ValueError, match="mode='max'"):
        _fit(_model(), [_Score([1.0]), EarlyStopping(monitor="score")], epochs=1)
    with pytest.warns(UserWarning, match="not available"):
        _fit(_model(), [EarlyStopping(monitor="val_loss")], epochs=1)


# --- ModelCheckpoint ---------------------------------------------------------------------------
class _Recorder:
    """Stands in for model.save / save_weights: writes a marker file and remembers the path."""

    def __init__(self):
        self.paths = []

    def __call__(self, filepath, overwrite=True):
        self.paths.append(os.path.basename(filepath))
        with open(filepath, "w") as f:
            f.write("x")


def _checkpoint_fit(tmp_path, scores, weights_only=False, **kwargs):
    model = _model()
    rec = _Recorder()
    if weights_only:
        model.save_weights = rec
    else:
        model.save = rec
    _fit(model, [_Score(scores, key="val_loss"), ModelCheckpoint(**kwargs)],
         epochs=len(scores))
    return rec.paths


def test_checkpoint_filenames_from_the_template(tmp_path):
    path = str(tmp_path / "ckpt-{epoch:02d}-{val_loss:.2f}.keras")
    paths = _checkpoint_fit(tmp_path, [0.5, 0.25, 0.75], filepath=path)
    assert paths == ["ckpt-01-0.50.keras", "ckpt-02-0.25.keras", "ckpt-03-0.75.keras"]
    assert sorted(os.listdir(tmp_path)) == paths


def test_checkpoint_save_best_only_and_threshold(tmp_path):
    path = str(tmp_path / "w-{epoch}.weights.h5")
    paths = _checkpoint_fit(tmp_path, [0.5, 0.6, 0.4, 0.45], weights_only=True,
                            filepath=path, save_best_only=True, save_weights_only=True)
    assert paths == ["w-1.weights.h5", "w-3.weights.h5"]
    paths = _checkpoint_fit(tmp_path, [0.5, 0.6, 0.4], filepath=str(tmp_path / "b.keras"),
                            save_best_only=True, initial_value_threshold=0.45)
    assert paths == ["b.keras"]  # only epoch 3 beats the threshold


def test_checkpoint_every_n_batches_and_bad_arguments(tmp_path):
    model = _model()
    model.save = rec = _Recorder()
    ckpt = ModelCheckpoint(str(tmp_path / "e{epoch}-b{batch}.keras"), save_freq=3)
    _fit(model, [ckpt], epochs=2)  # 4 batches per epoch: saves after global batches 3 and 6
    assert rec.paths == ["e1-b3.keras", "e2-b2.keras"]
    with pytest.raises(ValueError, match=".weights.h5"):
        ModelCheckpoint("m.keras", save_weights_only=True)
    with pytest.raises(ValueError, match=".keras"):
        ModelCheckpoint("m.ckpt")
    with pytest.raises(ValueError, match="save_freq"):
        ModelCheckpoint("m.keras", save_freq="sometimes")
    model.save = _Recorder()
    with pytest.raises(KeyError, match="val_acc"):
        _fit(model, [ModelCheckpoint(str(tmp_path / "{val_acc}.keras"))], epochs=1)


def test_checkpoint_writes_a_loadable_model(tmp_path):
    if not hasattr(lamina.models.Model, "save"):
        pytest.skip("model.save is not available")
    from lamina.models import load_model
    x, y = _data()
    model = _model()
    path = tmp_path / "ckpt-{epoch:02d}.keras"
    model.fit(x, y, epochs=2, verbose=0, callbacks=[ModelCheckpoint(str(path))])
    loaded = load_model(str(tmp_path / "ckpt-02.keras"))
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)


# --- learning rate -------------------------------------------------------------------------------
def test_reduce_lr_on_plateau_changes_the_optimizers_learning_rate():
    model = _model(lamina.optimizers.SGD(learning_rate=0.1))
    reduce = ReduceLROnPlateau(monitor="score", mode="min", factor=0.5, patience=2, cooldown=1,
                               min_lr=0.02)
    history = _fit(model, [_Score([1, 1, 1, 1, 1, 1, 1, 1]), reduce], epochs=8)
    # no improvement after epoch 0: reduced at the end of epochs 2, 4 (after the cooldown)
    # and 6, where min_lr stops it; the logged rate is the one the epoch trained with
    np.testing.assert_allclose(history.history["learning_rate"],
                               [0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.02])
    assert model.optimizer.learning_rate == pytest.approx(0.02)
    with pytest.raises(ValueError, match="factor"):
        ReduceLROnPlateau(factor=1.5)
    assert ReduceLROnPlateau(epsilon=0.5).min_delta == 0.5  # Keras 2 / kerasR name


def test_learning_rate_scheduler_sets_the_rate_each_epoch(capsys):
    model = _model(lamina.optimizers.SGD(learning_rate=0.1))
    sched = LearningRateScheduler(lambda epoch, lr: lr * 0.5 if epoch > 0 else lr, verbose=1)
    history = _fit(model, [sched], epochs=3)
    np.testing.assert_allclose(history.history["learning_rate"], [0.1, 0.05, 0.025])
    assert "LearningRateScheduler setting learning rate to 0.025" in capsys.readouterr().out
    _fit(model, [LearningRateScheduler(lambda epoch: 0.001 * (epoch + 1))], epochs=2)
    assert model.optimizer.learning_rate == pytest.approx(0.002)
    with pytest.raises(ValueError, match="should be a float"):
        _fit(model, [LearningRateScheduler(lambda epoch, lr: 1)], epochs=1)


# --- CSVLogger -------------------------------------------------------------------------------
def test_csv_logger_writes_and_appends(tmp_path):
    path = tmp_path / "log.csv"
    x, y = _data(40)
    model = _model(metrics=["mae"])
    h1 = model.fit(x, y, epochs=2, validation_split=0.2, verbose=0,
                   callbacks=[CSVLogger(str(path))]).history
    h2 = model.fit(x, y, epochs=1, validation_split=0.2, verbose=0,
                   callbacks=[CSVLogger(str(path), append=True)]).history
    assert len(h1["loss"]) == 2  # each fit has its own History, as in Keras
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["epoch", "loss", "mae", "val_loss", "val_mae"]
    assert [r[0] for r in rows[1:]] == ["0", "1", "0"]  # one header, three rows
    assert float(rows[2][1]) == pytest.approx(h1["loss"][1])
    assert float(rows[3][3]) == pytest.approx(h2["val_loss"][0])


def test_csv_logger_separator_and_na_for_missing_validation(tmp_path):
    path = tmp_path / "log.tsv"
    _fit(_model(), [CSVLogger(str(path), separator="\t")], epochs=1)
    lines = path.read_text().splitlines()
    assert lines[0] == "epoch\tloss\tval_loss"
    assert lines[1].startswith("0\t") and lines[1].endswith("\tNA")
    _fit(_model(), [CSVLogger(str(path), separator="\t")], epochs=1)  # no append: rewritten
    assert len(path.read_text().splitlines()) == 2


# --- TerminateOnNaN -----------------------------------------------------------------------------
def test_terminate_on_nan_stops_after_the_bad_batch(capsys):
    x, y = _data(32)
    y[20] = np.inf  # in the third batch of 8 (no shuffling)
    batches = []
    count = LambdaCallback(on_train_batch_end=lambda batch, logs: batches.append(batch))
    with pytest.raises(FloatingPointError, match="batch 3/4"):
        _model().fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
    history = _model().fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0,
                           callbacks=[TerminateOnNaN(), count])
    assert batches == [0, 1, 2]
    assert len(history.history["loss"]) == 1 and not np.isfinite(history.history["loss"][0])
    assert "Batch 2: Invalid loss, terminating training" in capsys.readouterr().out
    with pytest.raises(RuntimeError, match="NaN or Inf loss"):
        _model().fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0,
                     callbacks=[TerminateOnNaN(raise_error=True)])


# --- LambdaCallback and the hook machinery -----------------------------------------------------
def test_lambda_callback_calls_every_hook_in_keras_order():
    calls = []
    cb = LambdaCallback(
        on_train_begin=lambda logs: calls.append("train_begin"),
        on_epoch_begin=lambda epoch, logs: calls.append(f"epoch_begin {epoch}"),
        on_train_batch_begin=lambda batch, logs: calls.append(f"batch_begin {batch}"),
        on_train_batch_end=lambda batch, logs: calls.append(f"batch_end {batch}"),
        on_epoch_end=lambda epoch, logs: calls.append(f"epoch_end {epoch} {sorted(logs)}"),
        on_train_end=lambda logs: calls.append("train_end"))
    x, y = _data(16)
    _model().fit(x, y, epochs=2, batch_size=8, verbose=0, callbacks=[cb])
    epoch = ["batch_begin 0", "batch_end 0", "batch_begin 1", "batch_end 1"]
    assert calls == (["train_begin", "epoch_begin 0"] + epoch + ["epoch_end 0 ['loss']",
                     "epoch_begin 1"] + epoch + ["epoch_end 1 ['loss']", "train_end"])
    with pytest.raises(TypeError, match="unknown hook"):
        LambdaCallback(on_epoch_finish=print)
    with pytest.raises(TypeError, match="callable"):
        LambdaCallback(on_epoch_end=3)


def test_keras2_batch_hooks_still_work():
    class Old(Callback):
        def __init__(self):
            super().__init__()
            self.seen = []

        def on_batch_end(self, batch, logs=None):
            self.seen.append(batch)

    old = Old()
    via_kwargs = []
    lam = LambdaCallback(on_batch_begin=lambda batch, logs: via_kwargs.append(batch))
    _fit(_model(), [old, lam], epochs=1)
    assert old.seen == via_kwargs == [0, 1, 2, 3]


def test_exports():
    import lamina.callbacks as cbs
    for name in ("BackupAndRestore", "CSVLogger", "Callback", "EarlyStopping", "History",
                 "LambdaCallback", "LearningRateScheduler", "ModelCheckpoint", "ProgbarLogger",
                 "ReduceLROnPlateau", "TensorBoard", "TerminateOnNaN"):
        assert name in cbs.__all__ and isinstance(getattr(cbs, name), type)
