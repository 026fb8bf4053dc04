"""Callbacks: hooks into ``fit``, ``evaluate`` and ``predict`` (Keras's names and order).

The Keras 3 set, one module each as in Keras: ``History``, ``ProgbarLogger``,
``EarlyStopping``, ``ModelCheckpoint``, ``ReduceLROnPlateau``, ``LearningRateScheduler``,
``CSVLogger``, ``TerminateOnNaN``, ``LambdaCallback``, ``BackupAndRestore`` and
``TensorBoard``::

    model.fit(x, y, epochs=100, validation_split=0.2,
              callbacks=[EarlyStopping(patience=3, restore_best_weights=True)])

Callbacks act on the model they are given (``self.model``) and never import the models.
"""
import importlib

from lamina.callbacks.callback import Callback
from lamina.callbacks.callback_list import CallbackList
from lamina.callbacks.csv_logger import CSVLogger
from lamina.callbacks.early_stopping import EarlyStopping
from lamina.callbacks.history import History
from lamina.callbacks.lambda_callback import LambdaCallback
from lamina.callbacks.learning_rate_scheduler import LearningRateScheduler
from lamina.callbacks.model_checkpoint import ModelCheckpoint
from lamina.callbacks.monitor_callback import MonitorCallback
from lamina.callbacks.progbar_logger import ProgbarLogger
from lamina.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from lamina.callbacks.terminate_on_nan import TerminateOnNaN

# loaded on first use: BackupAndRestore pulls in h5py and the backend, TensorBoard its
# event-file writer, and `import lamina.callbacks` (done by every fit) stays fast
_LAZY = {"BackupAndRestore": "lamina.callbacks.backup_and_restore",
         "TensorBoard": "lamina.callbacks.tensorboard"}


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'lamina.callbacks' has no attribute {name!r}")


__all__ = sorted(["CSVLogger", "Callback", "CallbackList", "EarlyStopping", "History",
                  "LambdaCallback", "LearningRateScheduler", "ModelCheckpoint",
                  "ProgbarLogger", "ReduceLROnPlateau", "TerminateOnNaN", *_LAZY])
