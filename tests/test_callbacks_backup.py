"""BackupAndRestore: a fit killed mid-epoch resumes and ends exactly where an uninterrupted
run ends (weights, optimizer state, shuffle order, dropout draws, logged history)."""
import os

import h5py
import numpy as np
import pytest

import lamina
from lamina import backend, layers
from lamina.callbacks import BackupAndRestore, Callback


class _Kill(Callback):
    """Simulates the process being killed just before batch ``batch`` of epoch ``epoch``."""

    def __init__(self, epoch, batch=None):
        super().__init__()
        self.epoch, self.batch, self.current = epoch, batch, None

    def on_epoch_begin(self, epoch, logs=None):
        self.current = epoch
        if self.batch is None and epoch == self.epoch:
            raise KeyboardInterrupt

    def on_train_batch_begin(self, batch, logs=None):
        if self.current == self.epoch and batch == self.batch:
            raise KeyboardInterrupt


def _data():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(60, 5)).astype("float32")
    y = (x[:, :1] - x[:, 1:2] > 0).astype("float32")
    return x, y


def _model(seed=7):
    backend.set_random_seed(seed)
    model = lamina.Sequential([layers.Dense(8, activation="relu", input_shape=(5,)),
                               layers.Dropout(0.3),  # draws from the generator every batch
                               layers.Dense(1, activation="sigmoid")])
    model.compile(lamina.optimizers.Adam(0.01), "binary_crossentropy", metrics=["accuracy"])
    return model


def _fit(model, callbacks, epochs=4):
    x, y = _data()
    # 48 training samples, batch 10: 5 batches per epoch, the last one short
    return model.fit(x, y, epochs=epochs, batch_size=10, validation_split=0.2, verbose=0,
                     callbacks=callbacks)


@pytest.mark.parametrize("save_freq", [2, 3])
def test_fit_killed_mid_epoch_resumes_to_the_same_weights(tmp_path, save_freq):
    reference = _model()
    ref_history = _fit(reference, []).history

    backup_dir = tmp_path / "backup"
    backup = BackupAndRestore(str(backup_dir), save_freq=save_freq)
    with pytest.raises(KeyboardInterrupt):
        _fit(_model(), [backup, _Kill(epoch=2, batch=3)])
    assert os.path.exists(backup_dir / "latest.backup.h5")

    # a new process: another model object, the generator in another state
    backend.set_random_seed(999)
    resumed = _model(seed=123)
    history = _fit(resumed, [BackupAndRestore(str(backup_dir), save_freq=save_freq)]).history
    for got, want in zip(resumed.get_weights(), reference.get_weights()):
        np.testing.assert_array_equal(got, want)
    for got, want in zip(resumed.optimizer.variables, reference.optimizer.variables):
        np.testing.assert_array_equal(got.data, want.data)
    # the resumed run logs epochs 2 and 3, as the uninterrupted one did
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        np.testing.assert_allclose(history[key], ref_history[key][2:], rtol=1e-12)
    assert not backup_dir.exists()  # delete_checkpoint=True once training has finished


def test_epoch_backups_resume_at_the_next_epoch(tmp_path):
    reference = _model()
    _fit(reference, [])
    backup = BackupAndRestore(str(tmp_path / "b"), delete_checkpoint=False)
    with pytest.raises(KeyboardInterrupt):
        _fit(_model(), [backup, _Kill(epoch=3)])
    resumed = _model(seed=5)
    history = _fit(resumed, [backup]).history
    assert len(history["loss"]) == 1  # only epoch 3 was left
    for got, want in zip(resumed.get_weights(), reference.get_weights()):
        np.testing.assert_array_equal(got, want)
    assert (tmp_path / "b" / "latest.backup.h5").exists()  # delete_checkpoint=False
    # a finished run resumed again trains no more epochs
    assert _fit(_model(), [backup]).history == {}


def test_backup_is_written_atomically_and_holds_the_state(tmp_path):
    backup = BackupAndRestore(str(tmp_path), save_freq=4, delete_checkpoint=False)
    model = _model()
    _fit(model, [backup], epochs=1)
    assert os.listdir(tmp_path) == ["latest.backup.h5"]  # no temporary file left behind
    with h5py.File(tmp_path / "latest.backup.h5") as f:
        assert len(f["model"]) == len(model.weights)
        assert len(f["optimizer"]) == len(model.optimizer.variables)
        assert '"step": 4' in f.attrs["metadata"]


def test_double_checkpoint_falls_back_to_the_previous_backup(tmp_path):
    backup = BackupAndRestore(str(tmp_path), save_freq=2, double_checkpoint=True,
                              delete_checkpoint=False)
    with pytest.raises(KeyboardInterrupt):
        _fit(_model(), [backup, _Kill(epoch=1, batch=4)])
    assert sorted(os.listdir(tmp_path)) == ["latest.backup.h5", "latest.backup.h5.bkp"]
    (tmp_path / "latest.backup.h5").write_bytes(b"\x89HDF\r\n truncated")
    _fit(_model(), [backup], epochs=2)  # restores from the .bkp file, trains on

    # without a previous backup a corrupted file is a clear error
    single = tmp_path / "single"
    single.mkdir()
    (single / "latest.backup.h5").write_bytes(b"garbage")
    with pytest.raises(ValueError, match="cannot restore from"):
        _fit(_model(), [BackupAndRestore(str(single))])


def test_a_backup_of_another_model_is_refused(tmp_path):
    backup = BackupAndRestore(str(tmp_path), save_freq=1, delete_checkpoint=False)
    with pytest.raises(KeyboardInterrupt):
        _fit(_model(), [backup, _Kill(epoch=0, batch=2)])
    other = lamina.Sequential([layers.Dense(3, input_shape=(5,)), layers.Dense(1)])
    other.compile("sgd", "mse")
    with pytest.raises(ValueError, match="another model"):
        _fit(other, [backup])


def test_bad_arguments():
    with pytest.raises(ValueError, match="backup_dir"):
        BackupAndRestore("")
    with pytest.raises(ValueError, match="save_freq"):
        BackupAndRestore("/tmp/x", save_freq=0)
