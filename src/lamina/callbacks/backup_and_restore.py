"""BackupAndRestore: a ``fit`` that was killed resumes where its last backup stopped.

The backup is one HDF5 file, written to a temporary name and renamed, holding what the
rest of the run depends on: the model's weights, the optimizer's state, the metrics'
running state, and (as JSON in the root attributes) the epoch, the step within it, the
running loss, and the state of ``lamina.backend.rng()`` at the start of the epoch (it
gives the epoch's shuffle order again) and at the backup (for dropout and the like).
Resuming from it gives the same weights as a run that was never interrupted.
"""
import json
import os
import shutil

import h5py
import numpy as np

from lamina import backend
from lamina.callbacks.callback import Callback
from lamina.callbacks.save_freq import _check_save_freq, _save_due
from lamina.utils.file_io import atomic_path

_FORMAT = "lamina.BackupAndRestore"


class BackupAndRestore(Callback):
    """Back up the training state in ``backup_dir`` and restore it when ``fit`` starts again.

    ``save_freq``: ``"epoch"`` (at each epoch's end) or an integer (every that many
    batches; then a run killed mid-epoch resumes mid-epoch, at the step after the backup).
    ``double_checkpoint`` keeps the previous backup too, used when the latest is unreadable.
    ``delete_checkpoint`` removes ``backup_dir`` once training has finished.

    >>> backup = BackupAndRestore("/tmp/backup", save_freq=100)
    >>> model.fit(x, y, epochs=10, callbacks=[backup])   # killed during epoch 4 ...
    >>> model.fit(x, y, epochs=10, callbacks=[backup])   # ... goes on from the last backup

    The model and the ``fit`` arguments must be the same in both runs (as in Keras).
    """

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint=False,
                 delete_checkpoint=True):
        super().__init__()
        if not backup_dir:
            raise ValueError("BackupAndRestore: empty `backup_dir` argument passed")
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = _check_save_freq("BackupAndRestore", save_freq)
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._path = os.path.join(self.backup_dir, "latest.backup.h5")
        self._prev_path = self._path + ".bkp"
        self._batches_seen_since_last_saving = 0
        self._epoch = 0
        self._epoch_rng = None   # rng state when the current epoch began
        self._pending = None     # a restored state whose epoch has not begun yet

    # --- restoring ------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._batches_seen_since_last_saving = 0
        self._pending = None
        state = self._load()
        if state is None:
            return
        self._pending = state
        # fit reads this once, right after on_train_begin: the epoch to start from and the
        # progress within it
        self.model._fit_resume = state

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        rng = backend.rng()
        if self._pending is not None and epoch == self._pending.epoch:
            rng.bit_generator.state = self._pending.rng_epoch  # the same shuffle order again
            self._pending = None
        self._epoch_rng = rng.bit_generator.state

    def _load(self):
        for path in (self._path, self._prev_path):
            if not os.path.exists(path):
                continue
            try:
                return _read_backup(path, self.model)
            except (OSError, KeyError, ValueError) as e:
                if path == self._prev_path or not os.path.exists(self._prev_path):
                    raise ValueError(f"BackupAndRestore: cannot restore from {path}: {e}") from e
        return None

    # --- saving ---------------------------------------------------------------------------
    def on_train_batch_end(self, batch, logs=None):
        if _save_due(self):
            step = batch + 1
            seen = _samples_seen(step, self.params)
            loss = float((logs or {}).get("loss", 0.0))
            self._save(self._epoch, step, loss * seen, seen)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._save(epoch + 1, 0, 0.0, 0)

    def _save(self, epoch, step, loss_sum, seen):
        rng_now = backend.rng().bit_generator.state
        meta = {"format": _FORMAT, "version": 1, "epoch": epoch, "step": step,
                "loss_sum": loss_sum, "seen": seen,
                "rng_epoch": rng_now if step == 0 else self._epoch_rng, "rng_step": rng_now}
        os.makedirs(self.backup_dir, exist_ok=True)
        with atomic_path(self._path) as tmp:
            _write_backup(tmp, self.model, meta, metrics=step > 0)
            if self.double_checkpoint and os.path.exists(self._path):
                os.replace(self._path, self._prev_path)

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and os.path.isdir(self.backup_dir):
            shutil.rmtree(self.backup_dir)


def _samples_seen(steps_done, params):
    """Samples in the first ``steps_done`` batches of an epoch (fit cycles through
    ``ceil(samples / batch_size)`` batches; the last one may be short)."""
    n, bs = params.get("samples"), params.get("batch_size")
    if not n or not bs:
        return steps_done
    batches = -(-n // bs)
    full, rest = divmod(steps_done, batches)
    return full * n + min(rest * bs, n)


class _ResumeState:
    """A restored backup: ``epoch`` to start at; ``restore`` gives fit the progress within it."""

    def __init__(self, meta, metric_states):
        self.epoch = int(meta["epoch"])
        self.step = int(meta["step"])
        self.loss_sum = float(meta["loss_sum"])
        self.seen = int(meta["seen"])
        self.rng_epoch = meta["rng_epoch"]
        self.rng_step = meta["rng_step"]
        self.metric_states = metric_states

    def restore(self, rng, metrics):
        """Called by fit after the epoch's shuffle: returns (first step, loss sum, samples
        seen) and puts back the generator and the metrics as they were at the backup."""
        if self.step == 0:
            return 0, 0.0, 0
        rng.bit_generator.state = self.rng_step
        for m, state in zip(metrics, self.metric_states or ()):
            _set_metric_state(m, state)
        return self.step, self.loss_sum, self.seen


# --- the file -------------------------------------------------------------------------------
def _write_backup(path, model, meta, metrics):
    with h5py.File(path, "w") as f:
        f.attrs["metadata"] = json.dumps(meta)
        g = f.create_group("model")
        for i, w in enumerate(model.weights):
            g.create_dataset(str(i), data=np.asarray(w.data))
        g = f.create_group("optimizer")
        if model.optimizer is not None:
            for i, v in enumerate(model.optimizer.variables):
                g.create_dataset(str(i), data=np.asarray(v.data))
        g = f.create_group("metrics")
        if metrics:
            for i, m in enumerate(getattr(model, "_metrics", None) or ()):
                _write_metric_state(g.create_group(str(i)), m)


def _read_backup(path, model):
    with h5py.File(path, "r") as f:
        meta = json.loads(f.attrs["metadata"])
        if meta.get("format") != _FORMAT:
            raise ValueError(f"not a lamina BackupAndRestore file (format {meta.get('format')})")
        weights = model.weights
        saved = [f["model"][str(i)][()] for i in range(len(f["model"]))]
        if len(saved) != len(weights) or any(a.shape != w.data.shape
                                             for a, w in zip(saved, weights)):
            raise ValueError(f"the backup holds {len(saved)} weight arrays "
                             f"{[a.shape for a in saved]}, the model {len(weights)} "
                             f"{[w.data.shape for w in weights]}: was it made by another model?")
        opt = model.optimizer
        opt_saved = [f["optimizer"][str(i)][()] for i in range(len(f["optimizer"]))]
        if opt is not None and opt_saved and len(opt_saved) != len(opt.variables):
            raise ValueError(f"the backup holds {len(opt_saved)} optimizer variables, the "
                             f"model's optimizer {len(opt.variables)}")
        metric_states = [_read_metric_state(f["metrics"][str(i)])
                         for i in range(len(f["metrics"]))]
    for w, a in zip(weights, saved):
        w.assign(a)
    if opt is not None and opt_saved:
        for v, a in zip(opt.variables, opt_saved):
            v.assign(a)
    return _ResumeState(meta, metric_states)


# Metrics keep their running state in plain attributes (floats, counts, arrays; a nested
# metric for "accuracy"): the numeric ones are saved, configuration strings are not.
def _write_metric_state(group, metric):
    from lamina.metrics import Metric
    for k, v in vars(metric).items():
        if isinstance(v, Metric):
            sub = group.create_group(k)
            sub.attrs["class"] = type(v).__name__
            sub.attrs["name"] = v.name
            _write_metric_state(sub, v)
        elif isinstance(v, (int, float, np.number, np.ndarray)) and not isinstance(v, bool):
            a = np.asarray(v)
            if a.dtype.kind in "iuf":
                group.create_dataset(k, data=a)


def _read_metric_state(group):
    state = {}
    for k, item in group.items():
        if isinstance(item, h5py.Group):
            state[k] = (item.attrs["class"], item.attrs["name"], _read_metric_state(item))
        else:
            a = item[()]
            state[k] = a.item() if np.ndim(a) == 0 else a
    return state


def _set_metric_state(metric, state):
    from lamina import metrics as metrics_mod
    for k, v in state.items():
        if isinstance(v, tuple):
            cls_name, name, sub_state = v
            sub = getattr(metric, k, None)
            if sub is None:
                sub = getattr(metrics_mod, cls_name)(name=name, dtype=metric.dtype)
                setattr(metric, k, sub)
            _set_metric_state(sub, sub_state)
        else:
            setattr(metric, k, v)
