"""One step on one batch: train, test, predict; and Keras 3's ``train_step(data)``.

The loop picks the step once per ``fit`` (``train_function``) and calls it on every batch,
so the choice costs nothing per batch. The model is duck-typed: ``optimizer``,
``_forward(x, training)``, ``_loss_value(y, out, sw)``, ``_logs(loss_mean)``.
"""
import inspect
import types

import numpy as np

from lamina.autodiff.tensor import Tensor, no_grad
from lamina.trainers.data_adapters.arrays import Arrays, user_data


def stock_step(method):
    """Marks ``Model.train_step``, which only forwards to ``train_step`` here: when a model
    keeps it, the loop calls this module's step directly (no extra call per batch)."""
    method.stock_step = True
    return method


def tensor_in(x):
    return [Tensor(a) for a in x.arrays] if isinstance(x, Arrays) else Tensor(x)


def data_out(out):
    return [o.data for o in out] if isinstance(out, (list, tuple)) else out.data


def train_step(model, x, y, sample_weight=None):
    """One gradient step on a batch (raw arrays); returns the loss value and the output."""
    opt = model.optimizer
    opt.zero_grad()
    out = model._forward(Tensor(x), training=True)
    loss = model._loss_value(y, out, sample_weight)
    loss.backward()
    opt.step()
    return float(loss.data), out.data


def train_step_structured(model, x, y, sample_weight=None):
    """``train_step`` for several inputs (``Arrays``) or outputs (lists of Tensors)."""
    opt = model.optimizer
    opt.zero_grad()
    out = model._forward(tensor_in(x), training=True)
    loss = model._loss_value(y, out, sample_weight)
    loss.backward()
    opt.step()
    return float(loss.data), data_out(out)


def test_step(model, x, y, sample_weight=None):
    """The loss value and the output on a batch; records no graph."""
    with no_grad():
        out = model._forward(tensor_in(x), training=False)
        loss = model._loss_value(y, out, sample_weight)
    return float(loss.data), data_out(out)


def predict_step(model, x):
    """The output Tensor(s) for a batch; the caller holds ``no_grad``."""
    return model._forward(tensor_in(x), training=False)


def custom_train_step(model):
    """Whether the model's class overrides ``train_step(self, data)`` (Keras 3's protocol)."""
    fn = type(model).train_step
    if getattr(fn, "stock_step", False):
        return False
    params = list(inspect.signature(fn).parameters.values())[1:]
    return len(params) == 1 and params[0].kind in (params[0].POSITIONAL_ONLY,
                                                   params[0].POSITIONAL_OR_KEYWORD)


def train_function(model, x):
    """(step(x, y, sw) -> (loss, outputs), logs(loss_mean) -> dict, custom?) for fit."""
    if custom_train_step(model):
        return _data_protocol_step(model), lambda loss_mean: dict(model._step_logs), True
    if getattr(type(model).train_step, "stock_step", False):
        structured = isinstance(x, Arrays) or model._n_outputs() > 1
        # bound to the model as a method: the cheapest call per batch (cheaper than partial)
        return types.MethodType(train_step_structured if structured else train_step,
                                model), model._logs, False
    return model.train_step, model._logs, False  # an override taking (x, y, sample_weight)


def _data_protocol_step(model):
    """A step that hands ``data = (x, y[, sample_weight])`` to the model's own
    ``train_step(data)`` and keeps the dict of logs it returns."""
    model._loss_tracker = RunningMean()
    model._step_logs = {}

    def step(xb, yb, swb):
        data = (user_data(xb), user_data(yb)) + (() if swb is None else (user_data(swb),))
        logs = model.train_step(data)
        if not isinstance(logs, dict):
            raise TypeError(f"{type(model).__name__}.train_step(data) must return a dict "
                            f"of logs, e.g. self.compute_metrics(...); got "
                            f"{type(logs).__name__}")
        model._step_logs = {k: _scalar(v) for k, v in logs.items()}
        return float(model._step_logs.get("loss", 0.0)), None
    return step


def _scalar(v):
    if isinstance(v, Tensor):
        v = v.data
    return float(v) if np.ndim(v) == 0 else v


class RunningMean:
    """The running mean of a custom ``train_step``'s losses (the ``loss`` log)."""

    name = "loss"

    def __init__(self):
        self.reset_state()

    def update_state(self, value, n=1, sample_weight=None):
        if value is self.counted:  # compute_loss has counted this loss already
            return
        value = float(np.mean(getattr(value, "data", value)))
        n = n if sample_weight is None else float(np.sum(sample_weight))
        self.total += value * n
        self.count += n

    def result(self):
        return self.total / max(self.count, 1)

    def reset_state(self):
        self.total, self.count, self.counted = 0.0, 0, None
