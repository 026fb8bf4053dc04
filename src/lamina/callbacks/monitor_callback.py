"""``MonitorCallback``: the base of the callbacks that watch a logged quantity, and how
``mode="auto"`` finds that quantity's direction."""
import warnings

import numpy as np

from lamina.callbacks.callback import Callback

# Keras 3 sets a `_direction` on each built-in metric; lamina infers it from the name
_UP_WORDS = ("accuracy", "auc", "precision", "recall", "sensitivity", "specificity", "f1_score",
             "fbeta_score", "iou", "r2_score", "cosine_similarity", "correlation")
_DOWN_WORDS = ("loss", "error", "crossentropy", "hinge", "logcosh", "log_cosh", "poisson",
               "divergence", "mae", "mse", "mape", "msle", "rmse")


def _metric_direction(model, name):
    """'up', 'down' or None for the compiled metric called ``name``."""
    for m in getattr(model, "_metrics", None) or ():
        if m.name != name:
            continue
        direction = getattr(m, "_direction", None)
        if direction is not None:
            return direction
        words = f"{name} {type(m).__name__}".lower()  # 'mae' is a MeanAbsoluteError
        if any(w in words for w in _UP_WORDS):
            return "up"
        if any(w in words for w in _DOWN_WORDS):
            return "down"
    return None


class MonitorCallback(Callback):
    """Base of the callbacks that watch a logged quantity (``monitor``) for improvement.

    ``mode`` 'min', 'max' or 'auto' (the direction from the metric: the loss and error-like
    metrics go down, accuracy-like ones up); an improvement must beat the best value by more
    than ``min_delta``.
    """

    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"{type(self).__name__} mode '{mode}' is unknown, fallback to auto "
                          "mode.", stacklevel=3)
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _set_monitor_op(self):
        if self.mode == "min":
            self.monitor_op = np.less
        elif self.mode == "max":
            self.monitor_op = np.greater
        else:
            name = self.monitor.removeprefix("val_")
            direction = "down" if name == "loss" else _metric_direction(self.model, name)
            if direction is None:
                raise ValueError(
                    f"{type(self).__name__} callback received monitor={self.monitor}, but "
                    "lamina isn't able to automatically determine whether that metric should "
                    "be maximized or minimized. Pass `mode='max'` in order to monitor based on "
                    "the highest metric value, or pass `mode='min'` in order to use the lowest "
                    "value.")
            self.monitor_op = np.less if direction == "down" else np.greater
        if self.monitor_op is np.less:
            self.min_delta *= -1

    def _is_improvement(self, monitor_value, reference_value):
        if reference_value is None:
            return True
        return bool(self.monitor_op(monitor_value - self.min_delta, reference_value))
