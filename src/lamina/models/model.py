"""Model: compile / fit / evaluate / predict, the Keras training loop on lamina's engine."""
import math

import numpy as np

from lamina import backend
from lamina.autodiff.tensor import Tensor, no_grad
from lamina.backend.memory import keep_freed_memory
from lamina.callbacks import CallbackList
from lamina.layers.layer import Layer
from lamina.utils.progbar import Progbar


def _to_array(x, what):
    """User data as a NumPy array: float64 becomes floatx, integers stay integers."""
    if isinstance(x, Tensor):
        x = x.data
    if hasattr(x, "to_numpy") and not isinstance(x, np.ndarray):  # pandas
        x = x.to_numpy()
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as e:
        raise TypeError(f"{what}: expected a numeric array, got {type(x).__name__} ({e})") from e
    if arr.dtype == object or arr.dtype.kind in "USV":
        raise TypeError(f"{what}: expected numeric data, got an array of dtype {arr.dtype}")
    if arr.dtype.kind == "b":
        arr = arr.astype(backend.floatx())
    elif arr.dtype.kind == "f" and arr.dtype != np.dtype(backend.floatx()):
        arr = arr.astype(backend.floatx())
    return arr


def _num_samples(arrays, names):
    counts = {name: len(a) for a, name in zip(arrays, names) if a is not None}
    if len(set(counts.values())) > 1:
        desc = ", ".join(f"{k} has {v}" for k, v in counts.items())
        raise ValueError(f"Data cardinality is ambiguous: {desc} samples. Make sure all arrays "
                         "contain the same number of samples.")
    return next(iter(counts.values()))


def _class_weights_to_sample(y, class_weight):
    y = np.asarray(y)
    labels = y.argmax(axis=-1) if y.ndim > 1 and y.shape[-1] > 1 else y.reshape(len(y), -1)[:, 0]
    labels = np.round(labels).astype(np.int64)
    table = np.ones(int(max(labels.max(initial=0), max(class_weight))) + 1, dtype=np.float64)
    for cls, w in class_weight.items():
        table[int(cls)] = w
    return table[labels]


class Model(Layer):
    """A layer that can be trained: ``compile`` then ``fit``, ``evaluate``, ``predict``.

    ``Sequential`` is the usual way to make one. Subclasses implement ``call``.
    """

    def __init__(self, *args, **kwargs):
        if args or "inputs" in kwargs:
            raise NotImplementedError(
                "Model(inputs, outputs): the functional API is not available yet; "
                "use lamina.Sequential([...]) for a stack of layers")
        super().__init__(**kwargs)
        self.optimizer = None
        self.loss = None
        self.compiled = False
        self.stop_training = False
        self.history = None
        self._metrics = []

    # --- compile -----------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
                weighted_metrics=None, run_eagerly=None, steps_per_execution=1,
                jit_compile=None, auto_scale_loss=None):
        """Configure training: the optimizer, the loss and the metrics (objects or names)."""
        from lamina import losses, optimizers
        if loss is None:
            raise ValueError("compile: a loss is required, e.g. loss='mse' or "
                             "loss=lamina.losses.MeanSquaredError()")
        self.optimizer = optimizers.get(optimizer)
        self.loss = loss
        self._loss_fn = losses.resolve(loss)
        self._loss_id = loss
        self._metric_ids = list(metrics or []) + list(weighted_metrics or [])
        self._metrics = None  # resolved once the output shape is known
        # as in Keras, only weighted_metrics see sample weights
        self._weighted = [False] * len(metrics or []) + [True] * len(weighted_metrics or [])
        self.compiled = True
        self._train_ready = False

    def _resolve_metrics(self):
        if self._metrics is None:
            from lamina import metrics as metrics_mod
            shape = self.output_shape if isinstance(self.output_shape, tuple) else None
            self._metrics = [metrics_mod.get(m, loss=self._loss_id, output_shape=shape)
                             for m in self._metric_ids]
        return self._metrics

    @property
    def metrics_names(self):
        return ["loss"] + [m.name for m in self._resolve_metrics()]

    def _check_compiled(self, what):
        if not self.compiled:
            raise RuntimeError(f"{what}: the model must be compiled first, e.g. "
                               "model.compile(optimizer='rmsprop', loss='mse')")

    # --- the forward pass ----------------------------------------------------------
    def _forward(self, x, training=False):
        """The model's output Tensor for input Tensor ``x``; subclasses may make it faster."""
        return self(x, training=training)

    def _check_input_array(self, x):
        """Fail early and clearly when data does not fit the model's input shape."""

    def _regularization_terms(self):
        return self.losses

    def _prepare_training(self):
        if not self._train_ready:
            self._vars = self.trainable_weights
            self.optimizer.build(self._vars)
            self._has_reg = self._any_regularization()
            self._train_ready = True

    def _any_regularization(self):
        """Whether any layer adds a regularization loss (so the step must collect them)."""
        return any(getattr(layer, "activity_regularizer", None) is not None
                   or any(w.regularizer is not None for w in layer._weights)
                   for layer in self._all_layers())

    def _all_layers(self):
        out, stack = [], [self]
        while stack:
            layer = stack.pop()
            out.append(layer)
            stack.extend(layer._sublayers)
        return out

    def _loss_value(self, y, out, sw):
        loss = self._loss_fn(y, out, sw)
        if self._has_reg:
            for term in self._regularization_terms():
                loss = loss + term
        return loss

    def _has_stateful_layers(self):
        return any(getattr(layer, "stateful", False) for layer in self._all_layers())

    def _align_targets(self, y):
        """Targets of shape (n,) for outputs (None, 1) become (n, 1), once per fit, as the
        loss would reshape them on every batch."""
        shape = self.output_shape
        if (isinstance(shape, tuple) and y.ndim == len(shape) - 1 and shape[-1] == 1
                and y.dtype.kind == "f"):
            return y.reshape(y.shape + (1,))
        return y

    # --- one step --------------------------------------------------------------------
    def train_step(self, x, y, sample_weight=None):
        """One gradient step on a batch (raw arrays); returns the loss value and the output."""
        opt = self.optimizer
        opt.zero_grad()
        out = self._forward(Tensor(x), training=True)
        loss = self._loss_value(y, out, sample_weight)
        loss.backward()
        opt.step()
        return float(loss.data), out.data

    def _test_step(self, x, y, sample_weight=None):
        with no_grad():
            out = self._forward(Tensor(x), training=False)
            loss = self._loss_value(y, out, sample_weight)
        return float(loss.data), out.data

    def _update_metrics(self, y, out, sw):
        for m, weighted in zip(self._metrics, self._weighted):
            m.update_state(y, out, sample_weight=sw if weighted else None)

    def _logs(self, loss_mean):
        logs = {"loss": loss_mean}
        for m in self._metrics:
            r = m.result()
            logs[m.name] = float(r) if np.ndim(r) == 0 else r
        return logs

    # --- fit -----------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):
        """Train for ``epochs`` passes over ``x``/``y``; returns a ``History``.

        As in Keras, ``validation_split`` holds out the LAST fraction of the data (before
        shuffling), and the logged loss of an epoch is the mean over its batches weighted
        by batch size.
        """
        self._check_compiled("fit")
        if x is None or y is None:
            raise ValueError("fit: both x and y are required")
        keep_freed_memory()  # every step frees and reallocates the same arrays: reuse them
        verbose = 1 if verbose == "auto" else int(verbose)
        batch_size = 32 if batch_size is None else int(batch_size)
        if batch_size <= 0:
            raise ValueError(f"fit: batch_size must be a positive integer, got {batch_size}")
        epochs = int(epochs)
        x = _to_array(x, "fit: x")
        y = _to_array(y, "fit: y")
        sw = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        n = _num_samples([x, y, sw], ["x", "y", "sample_weight"])
        if class_weight is not None:
            cw = _class_weights_to_sample(y, class_weight)
            sw = cw if sw is None else sw * cw
        if validation_data is not None:
            vx, vy, vsw = (tuple(validation_data) + (None,))[:3]
            val = (_to_array(vx, "validation_data x"), _to_array(vy, "validation_data y"), vsw)
        elif validation_split:
            if not 0 < validation_split < 1:
                raise ValueError(f"fit: validation_split must be in (0, 1), got {validation_split}")
            split = int(math.floor(n * (1.0 - validation_split)))
            if split == 0 or split == n:
                raise ValueError(f"fit: validation_split={validation_split} of {n} samples leaves "
                                 "no training or no validation data")
            val = (x[split:], y[split:], None if sw is None else sw[split:])
            x, y = x[:split], y[:split]
            sw = None if sw is None else sw[:split]
            n = split
        else:
            val = None
        if n == 0:
            raise ValueError("fit: x and y contain no samples")
        self._check_input_array(x)
        if not self.built:
            self._maybe_build((None,) + x.shape[1:])
        y = self._align_targets(y)
        if val is not None:
            val = (val[0], self._align_targets(val[1]), val[2])
        self._resolve_metrics()
        self._train_ready = False  # layers may have been frozen or unfrozen since the last fit
        self._prepare_training()

        batches = math.ceil(n / batch_size)
        steps = int(steps_per_epoch) if steps_per_epoch else batches
        val_batch = validation_batch_size or batch_size
        if (val is not None and not validation_batch_size and not validation_steps
                and val[0].size <= 65536 and not self._has_stateful_layers()):
            # a small validation set is one batch: the same mean, a fraction of the calls
            val_batch = max(len(val[0]), 1)
        cbs = CallbackList(callbacks, model=self, add_history=True, add_progbar=verbose != 0,
                           epochs=epochs, steps=steps, verbose=verbose, batch_size=batch_size)
        self.history = cbs.history
        self.stop_training = False
        rng = backend.rng()
        on_batch_begin, on_batch_end = cbs.on_train_batch_begin, cbs.on_train_batch_end
        metrics = self._metrics
        train_step = self.train_step
        if cbs.on_train_begin:
            cbs.on_train_begin({})
        epoch_logs = {}
        for epoch in range(initial_epoch, epochs):
            for m in metrics:
                m.reset_state()
            if cbs.on_epoch_begin:
                cbs.on_epoch_begin(epoch, {})
            if shuffle and n > 1:
                order = rng.permutation(n)
                xe, ye = x[order], y[order]
                swe = None if sw is None else sw[order]
            else:
                xe, ye, swe = x, y, sw
            loss_sum = 0.0
            seen = 0
            for step in range(steps):
                start = (step % batches) * batch_size
                end = min(start + batch_size, n)
                if on_batch_begin:
                    on_batch_begin(step, {})
                xb, yb = xe[start:end], ye[start:end]
                swb = None if swe is None else swe[start:end]
                loss, out = train_step(xb, yb, swb)
                if not math.isfinite(loss):
                    raise FloatingPointError(
                        f"fit: the loss became {loss} at epoch {epoch + 1}, batch {step + 1}/"
                        f"{steps}. Try a lower learning rate, check the data for NaN or "
                        "infinite values, or scale the inputs (e.g. z-score them).")
                k = end - start
                loss_sum += loss * k
                seen += k
                if metrics:
                    self._update_metrics(yb, out, swb)
                if on_batch_end:
                    on_batch_end(step, self._logs(loss_sum / seen))
                if self.stop_training:
                    break
            epoch_logs = self._logs(loss_sum / max(seen, 1))
            if val is not None and (epoch + 1) % validation_freq == 0:
                val_logs = self._evaluate_arrays(val[0], val[1], val[2], val_batch,
                                                 steps=validation_steps)
                epoch_logs.update({"val_" + k: v for k, v in val_logs.items()})
            if cbs.on_epoch_end:
                cbs.on_epoch_end(epoch, epoch_logs)
            if self.stop_training:
                break
        if cbs.on_train_end:
            cbs.on_train_end(epoch_logs)
        return self.history

    # --- evaluate --------------------------------------------------------------------
    def _evaluate_arrays(self, x, y, sw, batch_size, steps=None, progbar=None):
        """Loss and metrics over all of ``x`` (no graph); the loss averaged per sample."""
        self._resolve_metrics()
        if not getattr(self, "_train_ready", False):
            self._has_reg = self._any_regularization()
        metrics = self._metrics
        for m in metrics:
            m.reset_state()
        n = len(x)
        total_steps = math.ceil(n / batch_size)
        if steps:
            total_steps = min(total_steps, int(steps))
        loss_sum = 0.0
        seen = 0
        for step in range(total_steps):
            start, end = step * batch_size, min((step + 1) * batch_size, n)
            yb = y[start:end]
            swb = None if sw is None else np.asarray(sw)[start:end]
            loss, out = self._test_step(x[start:end], yb, swb)
            loss_sum += loss * (end - start)
            seen += end - start
            if metrics:
                self._update_metrics(yb, out, swb)
            if progbar is not None:
                progbar.update(step + 1, list(self._logs(loss_sum / seen).items()),
                               finalize=False)
        logs = self._logs(loss_sum / max(seen, 1))
        if progbar is not None:
            progbar.update(total_steps, list(logs.items()), finalize=True)
        return logs

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False):
        """The loss (and metrics) on ``x``/``y``: a float, a list, or a dict if return_dict."""
        self._check_compiled("evaluate")
        if x is None or y is None:
            raise ValueError("evaluate: both x and y are required")
        verbose = 1 if verbose == "auto" else int(verbose)
        batch_size = 32 if batch_size is None else int(batch_size)
        x = _to_array(x, "evaluate: x")
        y = _to_array(y, "evaluate: y")
        sw = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        n = _num_samples([x, y, sw], ["x", "y", "sample_weight"])
        self._check_input_array(x)
        if not self.built:
            self._maybe_build((None,) + x.shape[1:])
        progbar = Progbar(math.ceil(n / batch_size), verbose=verbose) if verbose else None
        logs = self._evaluate_arrays(x, y, sw, batch_size, steps=steps, progbar=progbar)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    # --- predict -----------------------------------------------------------------------
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """The model's outputs for ``x`` as a NumPy array; records no graph."""
        x = _to_array(x, "predict: x")
        self._check_input_array(x)
        batch_size = 32 if batch_size is None else int(batch_size)
        n = len(x)
        verbose = 1 if verbose == "auto" else verbose
        total = math.ceil(n / batch_size) if n else 0
        progbar = Progbar(total, verbose=verbose) if verbose else None
        with no_grad():
            if n <= batch_size:
                out = self._forward(Tensor(x), training=False).data
                if progbar is not None:
                    progbar.update(1, finalize=True)
                return out
            outs = []
            for step in range(total):
                outs.append(self._forward(Tensor(x[step * batch_size:(step + 1) * batch_size]),
                                          training=False).data)
                if progbar is not None:
                    progbar.update(step + 1)
        return np.concatenate(outs, axis=0)

    def predict_on_batch(self, x):
        with no_grad():
            return self._forward(Tensor(_to_array(x, "predict_on_batch: x")), training=False).data

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One gradient step on one batch; returns the loss (and metrics) on it."""
        self._check_compiled("train_on_batch")
        x = _to_array(x, "train_on_batch: x")
        y = _to_array(y, "train_on_batch: y")
        sw = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        _num_samples([x, y, sw], ["x", "y", "sample_weight"])
        if class_weight is not None:
            cw = _class_weights_to_sample(y, class_weight)
            sw = cw if sw is None else sw * cw
        self._check_input_array(x)
        if not self.built:
            self._maybe_build((None,) + x.shape[1:])
        self._resolve_metrics()
        self._prepare_training()
        for m in self._metrics:
            m.reset_state()
        loss, out = self.train_step(x, y, sw)
        self._update_metrics(y, out, sw)
        return self._result(self._logs(loss), return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        self._check_compiled("test_on_batch")
        x = _to_array(x, "test_on_batch: x")
        y = _to_array(y, "test_on_batch: y")
        _num_samples([x, y], ["x", "y"])
        logs = self._evaluate_arrays(x, y, sample_weight, max(len(x), 1))
        return self._result(logs, return_dict)

    @staticmethod
    def _result(logs, return_dict):
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    # --- weights and description -----------------------------------------------------
    def get_weights(self):
        return [w.data.copy() for w in self.weights]

    def set_weights(self, weights):
        Layer.set_weights(self, weights)

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):
        from lamina.models.summary import print_summary
        print_summary(self, print_fn=print_fn, show_trainable=show_trainable)
