"""The loops behind ``Model.fit``, ``evaluate``, ``predict`` and ``*_on_batch``.

Each takes the model as its first argument, duck-typed (``lamina.models`` builds on this
package, not the other way round): the compiled ``optimizer``, ``_metrics`` and
``_weighted``, ``_prepare_training()``, ``_resolve_metrics()``, ``_update_metrics``,
``_logs``, and the hooks of ``lamina.trainers.steps`` and ``lamina.trainers.data``.
Data comes through a ``DataAdapter`` and an ``EpochIterator``.
"""
import math

import numpy as np

from lamina import backend
from lamina.autodiff.tensor import Tensor, no_grad
from lamina.backend.memory import keep_freed_memory
from lamina.callbacks import CallbackList
from lamina.trainers import arguments as args
from lamina.trainers import steps as steps_mod
from lamina.trainers.data import standardize_data, standardize_x, standardizer
from lamina.trainers.data_adapters import (
    ArrayDataAdapter,
    Arrays,
    check_supported,
    get_data_adapter,
    train_validation_split,
)
from lamina.trainers.data_adapters.arrays import concat_outputs, num_samples
from lamina.trainers.epoch_iterator import EpochIterator
from lamina.utils.progbar import Progbar


# --- fit -----------------------------------------------------------------------------
def fit(model, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
        validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
        sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
        validation_batch_size=None, validation_freq=1):
    """``Model.fit``: see there."""
    model._check_compiled("fit")
    (batch_size, epochs, verbose, validation_split, initial_epoch, steps_per_epoch,
     validation_steps, validation_batch_size, validation_freq) = args.fit_arguments(
        batch_size, epochs, verbose, validation_split, initial_epoch, steps_per_epoch,
        validation_steps, validation_batch_size, validation_freq, class_weight)
    _check_xy(model, x, y, "fit")
    keep_freed_memory()  # every step frees and reallocates the same arrays: reuse them
    data = get_data_adapter(x, y, sample_weight, batch_size, shuffle=shuffle,
                            class_weight=class_weight, standardize=standardizer(model, "fit"))
    args.check_not_empty(data.num_samples, "fit")
    data, val = _validation(model, data, validation_data, validation_split)
    model._train_ready = False  # layers may have been frozen or unfrozen since the last fit
    model._prepare_training()
    iterator = EpochIterator(data, steps_per_epoch)
    if val is not None:
        val = ArrayDataAdapter(*val, batch_size=_validation_batch_size(
            model, val, batch_size, validation_batch_size, validation_steps))
    cbs = CallbackList(callbacks, model=model, add_history=True, add_progbar=verbose != 0,
                       epochs=epochs, steps=iterator.steps_per_epoch, verbose=verbose,
                       batch_size=batch_size, samples=data.num_samples)
    model.history = cbs.history
    model.stop_training = False
    rng = backend.rng()
    train_step, logs_fn, custom = steps_mod.train_function(model, data.x)
    metrics = model._metrics + ([model._loss_tracker] if custom else [])
    if custom:  # a subclass may list its own trackers in `metrics`, as in Keras's guide
        metrics += [m for m in model.metrics if all(m is not t for t in metrics)]
    update = bool(model._metrics) and not custom  # a custom step updates its own metrics
    if cbs.on_train_begin:
        cbs.on_train_begin({})
    resume = model.__dict__.pop("_fit_resume", None)  # set by callbacks.BackupAndRestore
    if resume is not None:
        initial_epoch = resume.epoch
    epoch_logs = {}
    for epoch in range(initial_epoch, epochs):
        for m in metrics:
            m.reset_state()
        if cbs.on_epoch_begin:
            cbs.on_epoch_begin(epoch, {})
        iterator.on_epoch_begin(rng)  # after the callbacks: BackupAndRestore sets the rng
        progress = (0, 0.0, 0)
        if resume is not None:  # go on within the epoch where the backup was made
            progress = resume.restore(rng, metrics)
            resume = None
        epoch_logs = _train_epoch(model, iterator, cbs, train_step, logs_fn, update, epoch,
                                  progress)
        iterator.on_epoch_end()
        if val is not None and (epoch + 1) % validation_freq == 0:
            val_logs = run_evaluation(model, val, steps=validation_steps, cbs=cbs)
            epoch_logs.update({"val_" + k: v for k, v in val_logs.items()})
        if cbs.on_epoch_end:
            cbs.on_epoch_end(epoch, epoch_logs)
        if model.stop_training:
            break
    if cbs.on_train_end:
        cbs.on_train_end(epoch_logs)
    return model.history


def _check_xy(model, x, y, what):
    """x is required; y too, unless the model was compiled without a loss (its add_loss
    terms are the loss: a VAE fits on x alone, as in Keras)."""
    if x is None:
        raise ValueError(f"{what}: x is required (the input data), got None")
    if y is None and model.loss is not None:
        raise ValueError(f"{what}: y is required (the targets of the compiled loss "
                         f"{model.loss!r}), got None")


def _train_epoch(model, iterator, cbs, train_step, logs_fn, update, epoch, progress):
    """One epoch's steps (the hot loop: everything per batch is a local); its logs."""
    first_step, loss_sum, seen = progress
    steps = iterator.steps_per_epoch
    on_batch_begin, on_batch_end = cbs.on_train_batch_begin, cbs.on_train_batch_end
    update_metrics = model._update_metrics
    for step, (xb, yb, swb) in iterator.enumerate_epoch(first_step):
        if on_batch_begin:
            on_batch_begin(step, {})
        loss, out = train_step(xb, yb, swb)
        if not math.isfinite(loss) and not cbs.handles_nan:  # else TerminateOnNaN stops
            raise FloatingPointError(
                f"fit: the loss became {loss} at epoch {epoch + 1}, batch {step + 1}/"
                f"{steps}. Try a lower learning rate, check the data for NaN or "
                "infinite values, or scale the inputs (e.g. z-score them).")
        k = len(xb)
        loss_sum += loss * k
        seen += k
        if update:
            update_metrics(yb, out, swb)
        if on_batch_end:
            on_batch_end(step, logs_fn(loss_sum / seen))
        if model.stop_training:
            break
    return logs_fn(loss_sum / max(seen, 1))


def _validation(model, data, validation_data, validation_split):
    """(the data to train on, (x, y, sw) to validate on or None)."""
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
            raise ValueError(
                "fit: validation_data must be a tuple (x_val, y_val) or (x_val, y_val, "
                f"val_sample_weight), got {type(validation_data).__name__}"
                + (f" of length {len(validation_data)}"
                   if isinstance(validation_data, (tuple, list)) else ""))
        vx, vy, vsw = (tuple(validation_data) + (None,))[:3]
        val = standardize_data(model, vx, vy, vsw, "validation_data")
        if val[1] is not None:
            num_samples(list(val), ["validation_data x", "validation_data y",
                                    "validation_data sample_weight"])
        args.check_sample_weight(val[2], len(val[0]), "fit: validation_data")
        return data, val
    if validation_split:
        train, val = train_validation_split(data.arrays, validation_split, "fit")
        return ArrayDataAdapter(*train, batch_size=data.batch_size, shuffle=data.shuffle), val
    return data, None


def _validation_batch_size(model, val, batch_size, validation_batch_size, validation_steps):
    if (not validation_batch_size and not validation_steps and val[0].size <= 65536
            and not model._has_stateful_layers()):
        # a small validation set is one batch: the same mean, a fraction of the calls
        return max(len(val[0]), 1)
    return validation_batch_size or batch_size


# --- evaluate ------------------------------------------------------------------------
def run_evaluation(model, data, steps=None, progbar=None, cbs=None):
    """Loss and metrics over the batches of ``data`` (no graph); the loss averaged per
    sample. ``cbs`` (a ``CallbackList``, fit's own during validation) gets the test hooks,
    as in Keras: ``on_test_begin``, ``on_test_batch_begin/end`` with the logs so far,
    ``on_test_end`` with the final logs."""
    model._resolve_metrics()
    if not getattr(model, "_train_ready", False):
        model._has_reg = model._any_regularization()
    metrics = model._metrics
    for m in metrics:
        m.reset_state()
    total_steps = data.num_batches
    if steps:
        total_steps = min(total_steps, int(steps))
    on_begin, on_batch_begin, on_batch_end, on_end = (
        (cbs.on_test_begin, cbs.on_test_batch_begin, cbs.on_test_batch_end, cbs.on_test_end)
        if cbs is not None else (None,) * 4)
    if on_begin:
        on_begin({})
    iterator = EpochIterator(data, total_steps)
    iterator.on_epoch_begin(backend.rng())
    loss_sum, seen = 0.0, 0
    for step, (xb, yb, swb) in iterator.enumerate_epoch():
        if on_batch_begin:
            on_batch_begin(step, {})
        loss, out = steps_mod.test_step(model, xb, yb, swb)
        k = len(xb)
        loss_sum += loss * k
        seen += k
        if metrics:
            model._update_metrics(yb, out, swb)
        if progbar is not None or on_batch_end:
            logs = model._logs(loss_sum / seen)
            if on_batch_end:
                on_batch_end(step, logs)
            if progbar is not None:
                progbar.update(step + 1, list(logs.items()), finalize=False)
    iterator.on_epoch_end()
    logs = model._logs(loss_sum / max(seen, 1))
    if progbar is not None:
        progbar.update(total_steps, list(logs.items()), finalize=True)
    if on_end:
        on_end(logs)
    return logs


def _callbacks(callbacks, model, **params):
    """A ``CallbackList`` for evaluate / predict, or None when there are no callbacks
    (``predict`` on a row is a latency the benchmarks time)."""
    return CallbackList(callbacks, model=model, **params) if callbacks else None


def evaluate(model, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
             steps=None, callbacks=None, return_dict=False):
    """``Model.evaluate``: see there."""
    model._check_compiled("evaluate")
    batch_size = args.positive_int(batch_size, "batch_size", "evaluate", default=32)
    verbose = args.verbose_level(verbose, "evaluate")
    steps = args.positive_int(steps, "steps", "evaluate")
    _check_xy(model, x, y, "evaluate")
    data = get_data_adapter(x, y, sample_weight, batch_size,
                            standardize=standardizer(model, "evaluate"), what="evaluate")
    args.check_not_empty(data.num_samples, "evaluate")
    total = min(data.num_batches, steps or data.num_batches)
    progbar = Progbar(total, verbose=verbose) if verbose else None
    cbs = _callbacks(callbacks, model, epochs=1, steps=total, verbose=verbose)
    return result(run_evaluation(model, data, steps=steps, progbar=progbar, cbs=cbs),
                  return_dict)


def result(logs, return_dict):
    """What evaluate and *_on_batch return: the logs, or the loss, or a list of values."""
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


# --- predict -------------------------------------------------------------------------
def predict(model, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
    """``Model.predict``: see there. One batch without callbacks skips the adapter
    (``predict`` on a row is a latency the benchmarks time)."""
    batch_size = args.positive_int(batch_size, "batch_size", "predict", default=32)
    verbose = args.verbose_level(verbose, "predict")
    steps = args.positive_int(steps, "steps", "predict")
    check_supported(x, "predict")
    x = standardize_x(model, x, "predict")
    model._check_input_array(x)
    build_for(model, x)
    n = len(x)
    if steps is not None:  # as Keras: at most `steps` batches
        n = min(n, steps * batch_size)
        x = x[:n]
    cbs = _callbacks(callbacks, model, epochs=1, steps=math.ceil(n / batch_size),
                     verbose=verbose)
    if _structured_output(model, x):
        return _predict_structured(model, x, batch_size, verbose, cbs)
    args.check_not_empty(n, "predict")
    total = math.ceil(n / batch_size)
    progbar = Progbar(total, verbose=verbose) if verbose else None
    with no_grad():
        if n <= batch_size and cbs is None:
            out = model._forward(Tensor(x), training=False).data
            if progbar is not None:
                progbar.update(1, finalize=True)
            return out
        hooks = _predict_hooks(cbs)
        outs = []
        for step, (xb, _, _) in EpochIterator(ArrayDataAdapter(x, batch_size=batch_size)
                                              ).enumerate_epoch():
            if hooks[1]:
                hooks[1](step, {})
            outs.append(model._forward(Tensor(xb), training=False).data)
            if hooks[2]:
                hooks[2](step, {"outputs": outs[-1]})
            if progbar is not None:
                progbar.update(step + 1)
        if hooks[3]:
            hooks[3]({})
    return np.concatenate(outs, axis=0)


def _predict_hooks(cbs):
    """(on_predict_begin, _batch_begin, _batch_end, _end) of ``cbs``; begin is called."""
    if cbs is None:
        return (None,) * 4
    hooks = (cbs.on_predict_begin, cbs.on_predict_batch_begin, cbs.on_predict_batch_end,
             cbs.on_predict_end)
    if hooks[0]:
        hooks[0]({})
    return hooks


def build_for(model, x):
    """Build an unbuilt model from the shape of its input data, as Keras does on first use
    (``Sequential([Dense(2)]).predict(x)``)."""
    if not model.built:
        model._maybe_build([(None,) + s[1:] for s in x.shape] if isinstance(x, Arrays)
                           else (None,) + x.shape[1:])


def _structured_output(model, x):
    return isinstance(x, Arrays) or model._n_outputs() > 1 or hasattr(model, "_pack")


def _predict_structured(model, x, batch_size, verbose, cbs=None):
    """predict for several inputs or outputs: a list (or dict) of arrays per output."""
    n = len(x)
    total = max(math.ceil(n / batch_size), 1)
    progbar = Progbar(total, verbose=verbose) if verbose else None
    hooks = _predict_hooks(cbs)
    batches = []
    with no_grad():
        for step in range(total):  # at least one batch: an empty input gives empty outputs
            if hooks[1]:
                hooks[1](step, {})
            out = steps_mod.predict_step(model, x[step * batch_size:(step + 1) * batch_size])
            batches.append(steps_mod.data_out(out) if isinstance(out, list) else [out.data])
            if hooks[2]:
                hooks[2](step, {"outputs": batches[-1] if len(batches[-1]) > 1
                                else batches[-1][0]})
            if progbar is not None:
                progbar.update(step + 1)
    if hooks[3]:
        hooks[3]({})
    outs = concat_outputs(batches)
    if len(outs) == 1 and not isinstance(getattr(model, "_outputs_struct", None), dict):
        return outs[0]  # as Keras: outputs=[y] predicts an array, not a list of one
    return model._pack(outs) if hasattr(model, "_pack") else outs


# --- one batch -----------------------------------------------------------------------
def predict_on_batch(model, x):
    check_supported(x, "predict_on_batch")
    x = standardize_x(model, x, "predict_on_batch")
    model._check_input_array(x)
    build_for(model, x)
    if _structured_output(model, x):
        return _predict_structured(model, x, max(len(x), 1), 0)
    with no_grad():
        return model._forward(Tensor(x), training=False).data


def train_on_batch(model, x, y=None, sample_weight=None, class_weight=None,
                   return_dict=False):
    """``Model.train_on_batch``: see there."""
    model._check_compiled("train_on_batch")
    data = get_data_adapter(x, y, sample_weight, class_weight=class_weight,
                            standardize=standardizer(model, "train_on_batch"),
                            what="train_on_batch")
    args.check_not_empty(data.num_samples, "train_on_batch")
    x, y, sw = data.arrays
    model._prepare_training()
    step, logs_fn, custom = steps_mod.train_function(model, x)
    for m in model._metrics + ([model._loss_tracker] if custom else []):
        m.reset_state()
    loss, out = step(x, y, sw)
    if not custom:
        model._update_metrics(y, out, sw)
    return result(logs_fn(loss), return_dict)


def test_on_batch(model, x, y=None, sample_weight=None, return_dict=False):
    """``Model.test_on_batch``: see there."""
    model._check_compiled("test_on_batch")
    data = get_data_adapter(x, y, sample_weight, standardize=standardizer(
        model, "test_on_batch"), what="test_on_batch")
    args.check_not_empty(data.num_samples, "test_on_batch")
    data = ArrayDataAdapter(*data.arrays, batch_size=max(data.num_samples, 1))
    return result(run_evaluation(model, data), return_dict)
