"""``ModelCheckpoint``: save the model (``model.save``) or its weights
(``model.save_weights``) during training."""
import os
import warnings

import numpy as np

from lamina.callbacks.callback import _print
from lamina.callbacks.monitor_callback import MonitorCallback
from lamina.callbacks.save_freq import _check_save_freq, _save_due


class ModelCheckpoint(MonitorCallback):
    """Save the model (or its weights) during training.

    ``filepath`` may hold ``{epoch:02d}``, ``{batch}`` and any logged value, e.g.
    ``"ckpt-{epoch:02d}-{val_loss:.2f}.keras"``; it must end in ``.keras`` (``model.save``)
    or, with ``save_weights_only``, in ``.weights.h5`` (``model.save_weights``).
    ``save_best_only`` keeps only improvements of ``monitor``; ``save_freq`` is ``"epoch"``
    or a number of batches; ``initial_value_threshold`` is a best value to beat first.

    >>> ckpt = ModelCheckpoint("best.keras", monitor="val_loss", save_best_only=True)
    >>> model.fit(x, y, validation_split=0.2, epochs=10, callbacks=[ckpt])
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch",
                 initial_value_threshold=None):
        super().__init__(monitor, mode, initial_value_threshold)
        self.verbose = verbose
        self.filepath = os.fspath(filepath)
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = _check_save_freq("ModelCheckpoint", save_freq)
        self._batches_seen_since_last_saving = 0
        self._current_epoch = 0
        if save_weights_only and not self.filepath.endswith(".weights.h5"):
            raise ValueError("When using `save_weights_only=True` in `ModelCheckpoint`, the "
                             "filepath provided must end in `.weights.h5` (Keras weights "
                             f"format). Received: filepath={self.filepath}")
        if not save_weights_only and not self.filepath.endswith((".keras", ".h5")):
            raise ValueError("The filepath provided must end in `.keras` (Keras model format). "
                             f"Received: filepath={self.filepath}")

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if _save_due(self):
            self._save_model(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        if self.save_freq == "epoch":
            self._save_model(epoch, None, logs)

    def _should_save(self, epoch, logs, filepath):
        if not self.save_best_only:
            if self.verbose > 0:
                _print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = (logs or {}).get(self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available.",
                          stacklevel=3)
            return True
        if np.ndim(current) > 0:
            warnings.warn("Can save best model only when `monitor` is a scalar value. "
                          f"Received: {current}. Falling back to `save_best_only=False`.",
                          stacklevel=3)
            return True
        if self.monitor_op is None:  # a batch-level save before the first epoch ended
            self._set_monitor_op()
        best = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                _print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to "
                       f"{current:.5f}, saving model to {filepath}")
            self.best = current
            return True
        if self.verbose > 0:
            _print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}")
        return False

    def _save_model(self, epoch, batch, logs):
        filepath = self._get_file_path(epoch, batch, logs or {})
        if os.path.isdir(filepath):
            raise OSError("Please specify a non-directory filepath for ModelCheckpoint. "
                          f"Filepath used is an existing directory: {filepath}")
        if not self._should_save(epoch, logs, filepath):
            return
        dirname = os.path.dirname(filepath)
        if dirname:
            os.makedirs(dirname, exist_ok=True)
        method = "save_weights" if self.save_weights_only else "save"
        if not hasattr(self.model, method):
            raise NotImplementedError(f"ModelCheckpoint: this model has no `{method}` method")
        getattr(self.model, method)(filepath, overwrite=True)
        if self.verbose > 0:
            _print(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")

    def _get_file_path(self, epoch, batch, logs):
        """``filepath`` with ``{epoch}`` (1-based), ``{batch}`` (1-based) and the logs filled."""
        try:
            if batch is None or "batch" in logs:
                return self.filepath.format(epoch=epoch + 1, **logs)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)
        except KeyError as e:
            raise KeyError(f'Failed to format this callback filepath: "{self.filepath}". '
                           f"Reason: {e} is not in the logs ({', '.join(logs)}) nor epoch/batch"
                           ) from None
