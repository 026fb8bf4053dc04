"""Model: compile / fit / evaluate / predict, the Keras training loop on lamina's engine."""
import inspect
import math

import numpy as np

from lamina import backend
from lamina.autodiff.tensor import Tensor, no_grad
from lamina.backend.memory import keep_freed_memory
from lamina.callbacks import CallbackList
from lamina.layers import layer as layer_module
from lamina.layers.layer import Layer
from lamina.models import multi_io
from lamina.models.multi_io import Arrays
from lamina.utils.progbar import Progbar


def _functional_args(args, kwargs):
    """Whether Model.__init__ got (inputs, outputs), as Keras decides it."""
    return (len(args) == 2 or (len(args) == 1 and "outputs" in kwargs)
            or ("inputs" in kwargs and "outputs" in kwargs))


_FUNCTIONAL_SUBCLASSES = {}


def _functional_subclass(cls):
    """``cls`` with Functional's graph behind it: (cls, Functional), made once per class.
    It keeps cls's name and module, and ``_subclass_of`` lets saving write cls's name."""
    from lamina.models.functional import Functional
    if issubclass(cls, Functional):
        return cls
    if cls not in _FUNCTIONAL_SUBCLASSES:
        _FUNCTIONAL_SUBCLASSES[cls] = type(cls.__name__, (cls, Functional), {
            "__module__": cls.__module__, "__qualname__": cls.__qualname__,
            "__doc__": cls.__doc__, "_subclass_of": cls})
    return _FUNCTIONAL_SUBCLASSES[cls]


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


def _align_target(y, shape):
    if (isinstance(shape, tuple) and y.ndim == len(shape) - 1 and shape[-1] == 1
            and y.dtype.kind == "f"):
        return y.reshape(y.shape + (1,))
    return y


def _unwrap_single(data, names, what="data"):
    """The one array of a one-input (or one-output) model given as ``[a]`` or ``{name: a}``."""
    if isinstance(data, (list, tuple)) and len(data) == 1 and getattr(data[0], "ndim", 0) >= 1:
        return data[0]
    if isinstance(data, dict):
        if len(data) != 1 or next(iter(data)) not in names:
            raise ValueError(f"{what}: dict keys {list(data)} do not match the model's names "
                             f"{names}")
        return next(iter(data.values()))
    return data


def _tensor_in(x):
    return [Tensor(a) for a in x.arrays] if isinstance(x, Arrays) else Tensor(x)


def _data_out(out):
    return [o.data for o in out] if isinstance(out, (list, tuple)) else out.data


def _user_data(d):
    return d.arrays if isinstance(d, Arrays) else d


def _scalar(v):
    if isinstance(v, Tensor):
        v = v.data
    return float(v) if np.ndim(v) == 0 else v


class Model(Layer):
    """A layer that can be trained: ``compile`` then ``fit``, ``evaluate``, ``predict``.

    Three ways to make one, as in Keras:

    - ``Sequential([...])``: a stack of layers;
    - ``Model(inputs, outputs)``: a graph of layers called on ``Input`` tensors (this
      returns a ``Functional`` model; inputs and outputs may be a tensor, a list or a dict);
    - subclassing: layers assigned as attributes in ``__init__`` are tracked (their weights
      are trained), ``call(self, inputs, training=None)`` computes the outputs; the model is
      built on its first call or ``fit``.

    A subclass may override ``train_step(self, data)`` (one argument): ``fit`` then hands it
    ``data = (x, y)``, or ``(x, y, sample_weight)`` when sample weights are given, and takes
    the dict it returns as the logs so far in the epoch (the epoch's logs are the last
    step's, as in Keras). ``compute_loss`` and ``compute_metrics`` give the compiled loss
    and the running logs:

    >>> class MyModel(Model):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.hidden = Dense(8, activation="relu")
    ...         self.out = Dense(1)
    ...     def call(self, inputs, training=None):
    ...         return self.out(self.hidden(inputs))
    ...     def train_step(self, data):
    ...         x, y = data[:2]
    ...         self.optimizer.zero_grad()
    ...         y_pred = self(x, training=True)
    ...         loss = self.compute_loss(x, y, y_pred)
    ...         loss.backward()
    ...         self.optimizer.step()
    ...         return self.compute_metrics(x, y, y_pred)
    """

    _auto_track = True  # subclassed models track layers assigned as attributes

    def __new__(cls, *args, **kwargs):
        if cls is Model and (args or "inputs" in kwargs or "outputs" in kwargs):
            from lamina.models.functional import Functional
            return Layer.__new__(Functional)  # Python then runs Functional.__init__
        return Layer.__new__(cls)

    def __init__(self, *args, **kwargs):
        if _functional_args(args, kwargs) and not hasattr(self, "_inputs_struct"):
            # Keras: `MyModel(inputs, outputs)` for a subclass that does not define its own
            # layers is a functional model that keeps the subclass's methods (train_step)
            from lamina.models.functional import Functional
            self.__class__ = _functional_subclass(type(self))
            Functional.__init__(self, *args, **kwargs)
            return
        if args or "inputs" in kwargs or "outputs" in kwargs:
            raise TypeError(
                f"{type(self).__name__}.__init__: inputs/outputs are only taken by "
                "Model(inputs, outputs) itself; a subclass builds its layers in __init__ and "
                "computes in call(self, inputs, training=None)")
        tracked = self.__dict__.get("_sublayers", [])  # layers assigned before this call
        super().__init__(**kwargs)
        self._sublayers = tracked
        self.optimizer = None
        self.loss = None
        self.compiled = False
        self.stop_training = False
        self.history = None
        self._metrics = []

    def __setattr__(self, name, value):
        if type(self)._auto_track and name != "_sublayers":
            layers = (value if isinstance(value, (list, tuple)) and value
                      and all(isinstance(v, Layer) for v in value) else [value])
            for layer in layers:
                if isinstance(layer, Layer) and layer is not self:
                    tracked = self.__dict__.setdefault("_sublayers", [])
                    if not any(layer is t for t in tracked):
                        tracked.append(layer)
                        self.__dict__["_train_ready"] = False
        object.__setattr__(self, name, value)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A model from its config: a functional config (``layers``, ``input_layers``,
        ``output_layers``) gives a ``Functional`` model, as ``keras.Model.from_config``."""
        if "input_layers" in config and "output_layers" in config:
            from lamina.models.functional import Functional
            target = Functional if cls is Model else cls
            return Functional.from_config.__func__(target, config,
                                                   custom_objects=custom_objects)
        return super().from_config(config)

    # --- structure -----------------------------------------------------------------
    @property
    def layers(self):
        """The model's layers (for a subclassed model, those assigned as attributes)."""
        return list(self._sublayers)

    def get_layer(self, name=None, index=None):
        """A layer by its ``name`` or its ``index`` in ``layers``."""
        if name is not None and index is not None:
            raise ValueError(f"get_layer: give a name or an index, not both (name={name!r}, "
                             f"index={index})")
        layers = self.layers
        if index is not None:
            if not -len(layers) <= index < len(layers):
                raise ValueError(f"get_layer: asked for the layer at index {index}, but model "
                                 f"'{self.name}' has only {len(layers)} layers")
            return layers[index]
        if name is not None:
            for layer in layers:
                if layer.name == name:
                    return layer
            raise ValueError(f"get_layer: no layer named {name!r} in model '{self.name}'; its "
                             f"layers are {[la.name for la in layers]}")
        raise ValueError("get_layer: give a layer name or an index")

    def _output_names_for_logs(self):
        names = getattr(self, "output_names", None)
        if names is not None:
            return list(names)
        shape = self.output_shape
        return [f"output_{i}" for i in range(len(shape))] if isinstance(shape, list) else [
            "output_0"]

    def _n_outputs(self):
        return len(self.output_shape) if isinstance(self.output_shape, list) else 1

    def compute_output_shape(self, input_shape):
        """A subclassed model's output shape(s): found by a dry run of ``call`` on zeros."""
        def zeros(shape):
            return Tensor(np.zeros(tuple(2 if d is None else d for d in shape), dtype=self.dtype))
        multi = bool(input_shape) and isinstance(input_shape[0], (list, tuple))
        inputs = [zeros(s) for s in input_shape] if multi else zeros(input_shape)
        with no_grad():
            out = self.call(inputs)
        outs = out if isinstance(out, (list, tuple)) else [out]
        shapes = [(None,) + tuple(o.shape[1:]) for o in outs]
        return shapes if isinstance(out, (list, tuple)) else shapes[0]

    # --- compile -----------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
                weighted_metrics=None, run_eagerly=None, steps_per_execution=1,
                jit_compile=None, auto_scale_loss=None):
        """Configure training: the optimizer, the loss and the metrics (objects or names)."""
        from lamina import losses, optimizers
        if loss is None and not self._custom_train_step():  # Keras's guide: own loss there
            raise ValueError("compile: a loss is required, e.g. loss='mse' or "
                             "loss=lamina.losses.MeanSquaredError()")
        self.optimizer = optimizers.get(optimizer)
        self.loss = loss
        # several outputs: losses, weights and metrics per output (lists or dicts), resolved
        # with the output names once the model is built (see models/multi_io.py)
        self._loss_spec, self._loss_weights_spec = loss, loss_weights
        self._metrics_spec, self._weighted_metrics_spec = metrics, weighted_metrics
        self._structured = (isinstance(loss, (list, tuple, dict)) or loss_weights is not None
                            or isinstance(metrics, dict) or isinstance(weighted_metrics, dict)
                            or isinstance(self.output_shape, list))
        if self._structured:
            self._loss_fn = self._loss_id = None
        else:
            self._loss_fn = None if loss is None else losses.resolve(loss)
            self._loss_id = loss
        self._metric_ids = list(metrics or []) + list(weighted_metrics or [])
        self._metrics = None  # resolved once the output shape is known
        # as in Keras, only weighted_metrics see sample weights
        self._weighted = [False] * len(metrics or []) + [True] * len(weighted_metrics or [])
        self.compiled = True
        self._train_ready = False

    def _resolve_structured(self):
        """Per-output losses and metrics (several outputs), or the specs of a single output
        given as a one-entry list or dict."""
        from lamina import losses
        from lamina.models import multi_io
        names = self._output_names_for_logs()
        if len(names) > 1:
            shapes = self.output_shape if isinstance(self.output_shape, list) else [None] * len(
                names)
            self._loss_fn, self._metrics, self._weighted = multi_io.resolve(self, names, shapes)
            self._loss_id = None
            return
        loss = multi_io._per_output(self._loss_spec, names, "loss")[0]
        weight = multi_io._per_output(self._loss_weights_spec, names, "loss_weights", 1.0)[0]
        metrics = multi_io._metrics_per_output(self._metrics_spec, names)[0]
        weighted = multi_io._metrics_per_output(self._weighted_metrics_spec, names)[0]
        if loss is None:
            raise ValueError(f"compile: no loss given for the output {names[0]!r}")
        fn = losses.resolve(loss)
        self._loss_fn = fn if weight in (None, 1.0) else multi_io.ScaledLoss(fn, float(weight))
        self._loss_id = loss
        self._metric_ids = metrics + weighted
        self._weighted = [False] * len(metrics) + [True] * len(weighted)
        self._structured = False
        self._metrics = None
        self._resolve_metrics()

    def _resolve_metrics(self):
        if self._metrics is None and (getattr(self, "_structured", False)
                                      or isinstance(self.output_shape, list)):
            self._resolve_structured()
        if self._metrics is None:
            from lamina import metrics as metrics_mod
            shape = self.output_shape if isinstance(self.output_shape, tuple) else None
            self._metrics = [metrics_mod.get(m, loss=self._loss_id, output_shape=shape)
                             for m in self._metric_ids]
        return self._metrics

    @property
    def metrics(self):
        """The metric objects, as Keras's ``model.metrics``: the ``loss`` tracker (the
        running mean of ``compute_loss``), then the compiled metrics. A custom
        ``train_step`` may update and report them; ``fit`` resets them every epoch."""
        if not self.compiled:
            return []
        if self.__dict__.get("_loss_tracker") is None:
            from lamina.models.multi_io import RunningMean
            self._loss_tracker = RunningMean()
        return [self._loss_tracker] + list(self._resolve_metrics() or [])

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
                   or layer.__dict__.get("_added_losses") is not None
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
        if self._has_reg or layer_module.add_loss_used[0]:  # add_loss may come from any call
            for term in self._regularization_terms():
                loss = loss + term
        return loss

    def _has_stateful_layers(self):
        return any(getattr(layer, "stateful", False) for layer in self._all_layers())

    def _align_targets(self, y):
        """Targets of shape (n,) for outputs (None, 1) become (n, 1), once per fit, as the
        loss would reshape them on every batch."""
        return _align_target(y, self.output_shape)

    # --- data --------------------------------------------------------------------------
    def _standardize_data(self, x, y, sample_weight, what):
        """x, y and sample weights as arrays (``Arrays`` for several inputs or outputs); builds
        the model and resolves the compiled losses and metrics on the way."""
        x = self._standardize_x(x, what)
        self._check_input_array(x)
        if not self.built:
            self._maybe_build([(None,) + s[1:] for s in x.shape] if isinstance(x, Arrays)
                              else (None,) + x.shape[1:])
        if self.compiled:
            self._resolve_metrics()
        return x, self._standardize_y(y, what), self._standardize_sw(sample_weight, what)

    def _standardize_x(self, x, what):
        names = getattr(self, "input_names", None)  # a functional model's inputs
        if names is not None and len(names) > 1:
            xs = multi_io.structure_to_list(x, names, f"{what}: x")
            out = Arrays([_to_array(a, f"{what}: x[{k!r}]") for a, k in zip(xs, names)])
            multi_io.check_lengths(out, f"{what}: x")
            return out
        if names is not None:
            return _to_array(_unwrap_single(x, names, f"{what}: x"), f"{what}: x")
        if (type(self)._auto_track and isinstance(x, (list, tuple)) and len(x) > 1
                and all(getattr(a, "ndim", 0) >= 1 for a in x)):
            out = Arrays([_to_array(a, f"{what}: x[{i}]") for i, a in enumerate(x)])
            multi_io.check_lengths(out, f"{what}: x")
            return out
        return _to_array(x, f"{what}: x")

    def _standardize_y(self, y, what):
        if self._n_outputs() == 1:
            y = _unwrap_single(y, self._output_names_for_logs(), f"{what}: y")
            return self._align_targets(_to_array(y, f"{what}: y"))
        names = self._output_names_for_logs()
        ys = multi_io.structure_to_list(y, names, f"{what}: y", allow_missing=True)
        fns = getattr(getattr(self, "_loss_fn", None), "fns", [True] * len(names))
        arrays = []
        for name, yi, fn, shape in zip(names, ys, fns, self.output_shape):
            if yi is None:
                if fn is not None:
                    raise ValueError(f"{what}: y has no target for output {name!r}, which has a "
                                     f"loss; the model's outputs are {names}")
                arrays.append(None)
                continue
            arrays.append(_align_target(_to_array(yi, f"{what}: y[{name!r}]"), shape))
        out = Arrays(arrays)
        multi_io.check_lengths(out, f"{what}: y")
        return out

    def _standardize_sw(self, sample_weight, what):
        if sample_weight is None:
            return None
        if isinstance(sample_weight, (list, tuple, dict)) and self._n_outputs() > 1:
            parts = multi_io.structure_to_list(sample_weight, self._output_names_for_logs(),
                                               f"{what}: sample_weight", allow_missing=True)
            return Arrays([None if p is None else np.asarray(p, dtype=np.float64)
                           for p in parts])
        return np.asarray(sample_weight, dtype=np.float64)

    def _with_class_weight(self, y, sw, class_weight, what):
        if isinstance(y, Arrays):
            raise ValueError(f"{what}: class_weight is only supported for models with one "
                             "output; give sample_weight per output instead")
        cw = _class_weights_to_sample(y, class_weight)
        return cw if sw is None else sw * cw

    # --- one step --------------------------------------------------------------------
    def train_step(self, x, y, sample_weight=None):
        """One gradient step on a batch (raw arrays); returns the loss value and the output.

        To customize training, override ``train_step(self, data)`` instead (one argument,
        Keras 3's protocol, see the class docstring); an override with this signature
        ``(x, y, sample_weight)`` returning ``(loss, outputs)`` is still honoured."""
        opt = self.optimizer
        opt.zero_grad()
        out = self._forward(Tensor(x), training=True)
        loss = self._loss_value(y, out, sample_weight)
        loss.backward()
        opt.step()
        return float(loss.data), out.data

    def _train_step_multi(self, x, y, sample_weight=None):
        """``train_step`` for several inputs (``Arrays``) or outputs (lists of Tensors)."""
        opt = self.optimizer
        opt.zero_grad()
        out = self._forward(_tensor_in(x), training=True)
        loss = self._loss_value(y, out, sample_weight)
        loss.backward()
        opt.step()
        return float(loss.data), _data_out(out)

    def _test_step(self, x, y, sample_weight=None):
        with no_grad():
            out = self._forward(_tensor_in(x), training=False)
            loss = self._loss_value(y, out, sample_weight)
        return float(loss.data), _data_out(out)

    def _custom_train_step(self):
        """Whether a subclass overrides ``train_step(self, data)`` (Keras 3's protocol)."""
        fn = type(self).train_step
        if fn is Model.train_step:
            return False
        params = list(inspect.signature(fn).parameters.values())[1:]
        return len(params) == 1 and params[0].kind in (params[0].POSITIONAL_ONLY,
                                                       params[0].POSITIONAL_OR_KEYWORD)

    def _step_functions(self, x):
        """(step(x, y, sw) -> (loss, outputs), logs(loss_mean) -> dict, custom?) for fit."""
        if self._custom_train_step():
            from lamina.models.multi_io import RunningMean
            self._loss_tracker = RunningMean()
            self._step_logs = {}

            def step(xb, yb, swb):
                data = (_user_data(xb), _user_data(yb)) + (
                    () if swb is None else (_user_data(swb),))
                logs = self.train_step(data)
                if not isinstance(logs, dict):
                    raise TypeError(f"{type(self).__name__}.train_step(data) must return a dict "
                                    f"of logs, e.g. self.compute_metrics(...); got "
                                    f"{type(logs).__name__}")
                self._step_logs = {k: _scalar(v) for k, v in logs.items()}
                return float(self._step_logs.get("loss", 0.0)), None
            return step, lambda loss_mean: dict(self._step_logs), True
        if type(self).train_step is Model.train_step and (
                isinstance(x, Arrays) or self._n_outputs() > 1):
            return self._train_step_multi, self._logs, False
        return self.train_step, self._logs, False

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The compiled loss of ``y_pred`` against ``y`` (plus regularization), a Tensor to
        call ``backward()`` on; for a custom ``train_step``. ``y`` and ``y_pred`` are lists
        (or dicts) for several outputs."""
        self._check_compiled("compute_loss")
        self._resolve_metrics()
        if not getattr(self, "_train_ready", False):
            self._has_reg = self._any_regularization()
        y, y_pred, sw = self._for_loss(y, y_pred, sample_weight)
        loss = self._loss_value(y, y_pred, sw)
        tracker = getattr(self, "_loss_tracker", None)
        if tracker is not None:
            tracker.update_state(float(loss.data), len(_data_out(y_pred)[0]
                                                       if isinstance(y_pred, list) else y_pred))
            tracker.counted = loss  # Keras's guide updates the tracker with it again
        return loss

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Update the compiled metrics with a batch; returns the logs so far in the epoch
        (``loss`` is the running mean of ``compute_loss``)."""
        self._resolve_metrics()
        y, y_pred, sw = self._for_loss(y, y_pred, sample_weight)
        self._update_metrics(y, _data_out(y_pred), sw)
        tracker = getattr(self, "_loss_tracker", None)
        return self._logs(tracker.result() if tracker is not None else 0.0)

    def _for_loss(self, y, y_pred, sample_weight):
        """Targets, predictions and weights of a custom step in the form the losses take."""
        if isinstance(y_pred, dict):
            y_pred = [y_pred[k] for k in self._output_names_for_logs()]
        if isinstance(y_pred, tuple):
            y_pred = list(y_pred)
        if isinstance(y_pred, list) and len(y_pred) > 1:
            names = self._output_names_for_logs()
            if not isinstance(y, Arrays):
                y = Arrays([None if a is None else _to_array(a, "y") for a in
                            multi_io.structure_to_list(y, names, "y", allow_missing=True)])
            if isinstance(sample_weight, (list, tuple, dict)):
                sample_weight = Arrays(multi_io.structure_to_list(
                    sample_weight, names, "sample_weight", allow_missing=True))
        else:
            if isinstance(y_pred, list):
                y_pred = y_pred[0]
            if isinstance(y, (list, tuple)) and len(y) == 1:
                y = y[0]
            y = _to_array(y, "y") if y is not None else y
        return y, y_pred, sample_weight

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
        x, y, sw = self._standardize_data(x, y, sample_weight, "fit")
        n = _num_samples([x, y, sw], ["x", "y", "sample_weight"])
        if class_weight is not None:
            sw = self._with_class_weight(y, sw, class_weight, "fit")
        if validation_data is not None:
            vx, vy, vsw = (tuple(validation_data) + (None,))[:3]
            val = self._standardize_data(vx, vy, vsw, "validation_data")
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
                           epochs=epochs, steps=steps, verbose=verbose, batch_size=batch_size,
                           samples=n)
        self.history = cbs.history
        self.stop_training = False
        rng = backend.rng()
        on_batch_begin, on_batch_end = cbs.on_train_batch_begin, cbs.on_train_batch_end
        train_step, logs_fn, custom = self._step_functions(x)
        metrics = self._metrics + ([self._loss_tracker] if custom else [])
        if custom:  # a subclass may list its own trackers in `metrics`, as in Keras's guide
            metrics += [m for m in self.metrics if all(m is not t for t in metrics)]
        update = bool(self._metrics) and not custom  # a custom step updates its own metrics
        if cbs.on_train_begin:
            cbs.on_train_begin({})
        resume = self.__dict__.pop("_fit_resume", None)  # set by callbacks.BackupAndRestore
        if resume is not None:
            initial_epoch = resume.epoch
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
            loss_sum, seen, first_step = 0.0, 0, 0
            if resume is not None:  # go on within the epoch where the backup was made
                first_step, loss_sum, seen = resume.restore(rng, metrics)
                resume = None
            for step in range(first_step, steps):
                start = (step % batches) * batch_size
                end = min(start + batch_size, n)
                if on_batch_begin:
                    on_batch_begin(step, {})
                xb, yb = xe[start:end], ye[start:end]
                swb = None if swe is None else swe[start:end]
                loss, out = train_step(xb, yb, swb)
                if not math.isfinite(loss) and not cbs.handles_nan:  # else TerminateOnNaN stops
                    raise FloatingPointError(
                        f"fit: the loss became {loss} at epoch {epoch + 1}, batch {step + 1}/"
                        f"{steps}. Try a lower learning rate, check the data for NaN or "
                        "infinite values, or scale the inputs (e.g. z-score them).")
                k = end - start
                loss_sum += loss * k
                seen += k
                if update:
                    self._update_metrics(yb, out, swb)
                if on_batch_end:
                    on_batch_end(step, logs_fn(loss_sum / seen))
                if self.stop_training:
                    break
            epoch_logs = logs_fn(loss_sum / max(seen, 1))
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
            swb = None if sw is None else sw[start:end]
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
        x, y, sw = self._standardize_data(x, y, sample_weight, "evaluate")
        n = _num_samples([x, y, sw], ["x", "y", "sample_weight"])
        progbar = Progbar(math.ceil(n / batch_size), verbose=verbose) if verbose else None
        logs = self._evaluate_arrays(x, y, sw, batch_size, steps=steps, progbar=progbar)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    # --- predict -----------------------------------------------------------------------
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """The model's outputs for ``x`` as a NumPy array; records no graph."""
        x = self._standardize_x(x, "predict")
        self._check_input_array(x)
        batch_size = 32 if batch_size is None else int(batch_size)
        if isinstance(x, Arrays) or self._n_outputs() > 1 or hasattr(self, "_pack"):
            return self._predict_structured(x, batch_size, verbose)
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

    def _predict_structured(self, x, batch_size, verbose):
        """predict for several inputs or outputs: a list (or dict) of arrays per output."""
        n = len(x)
        verbose = 1 if verbose == "auto" else verbose
        total = max(math.ceil(n / batch_size), 1)
        progbar = Progbar(total, verbose=verbose) if verbose else None
        batches = []
        with no_grad():
            for step in range(total):
                out = self._forward(_tensor_in(x[step * batch_size:(step + 1) * batch_size]),
                                    training=False)
                batches.append(_data_out(out) if isinstance(out, list) else [out.data])
                if progbar is not None:
                    progbar.update(step + 1)
        outs = multi_io.concat_outputs(batches)
        if len(outs) == 1 and not isinstance(getattr(self, "_outputs_struct", None), dict):
            return outs[0]  # as Keras: outputs=[y] predicts an array, not a list of one
        return self._pack(outs) if hasattr(self, "_pack") else outs

    def predict_on_batch(self, x):
        x = self._standardize_x(x, "predict_on_batch")
        if isinstance(x, Arrays) or self._n_outputs() > 1 or hasattr(self, "_pack"):
            return self._predict_structured(x, max(len(x), 1), 0)
        with no_grad():
            return self._forward(Tensor(x), training=False).data

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One gradient step on one batch; returns the loss (and metrics) on it."""
        self._check_compiled("train_on_batch")
        x, y, sw = self._standardize_data(x, y, sample_weight, "train_on_batch")
        _num_samples([x, y, sw], ["x", "y", "sample_weight"])
        if class_weight is not None:
            sw = self._with_class_weight(y, sw, class_weight, "train_on_batch")
        self._prepare_training()
        step, logs_fn, custom = self._step_functions(x)
        for m in self._metrics + ([self._loss_tracker] if custom else []):
            m.reset_state()
        loss, out = step(x, y, sw)
        if not custom:
            self._update_metrics(y, out, sw)
        return self._result(logs_fn(loss), return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        self._check_compiled("test_on_batch")
        x, y, sw = self._standardize_data(x, y, sample_weight, "test_on_batch")
        _num_samples([x, y, sw], ["x", "y", "sample_weight"])
        logs = self._evaluate_arrays(x, y, sw, max(len(x), 1))
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
        """Print the layers, their output shapes and parameter counts, as Keras 3.

        ``line_length``: the table's total width; ``positions``: the columns' right ends,
        relative (at most 1) or in characters; ``expand_nested``: also the layers inside
        nested models, indented; ``show_trainable``: a "Trainable" column;
        ``layer_range=[first_name, last_name]``: only those rows (names are regexes).

        >>> model.summary(line_length=100, expand_nested=True)
        """
        from lamina.models.summary import print_summary
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable,
                      layer_range=layer_range)

    # --- saving and loading (lamina.saving does the work) -------------------------------
    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        """Save the model (config, weights, optimizer state): ``.keras`` is Keras 3's
        format, ``.h5`` Keras 2's. ``lamina.models.load_model`` reads it back."""
        from lamina.saving import save_model
        save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def save_weights(self, filepath, overwrite=True):
        """Save the weights in Keras 3's layout (``*.weights.h5``; kerasR's ``model.h5`` too)."""
        from lamina.saving import save_weights
        save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath, skip_mismatch=False, by_name=False, **kwargs):
        """Load weights from a Keras 3 weights file, a ``.keras`` file or Keras 2's ``.h5``
        (matched by layer order, or by layer name with ``by_name=True``)."""
        from lamina.saving import load_weights
        load_weights(self, filepath, skip_mismatch=skip_mismatch, by_name=by_name)

    def to_json(self, **kwargs):
        """The model's config as Keras 3's JSON; ``lamina.models.model_from_json`` reads it."""
        from lamina.saving import model_to_json
        return model_to_json(self, **kwargs)
