"""Model: compile / fit / evaluate / predict, the Keras training loop on lamina's engine.

The loops themselves live in ``lamina.trainers`` (a floor below: it takes the model
duck-typed); a Model keeps its structure, the compiled loss and metrics, and the public
methods, which hand over to the trainer.
"""
import numpy as np

from lamina.autodiff.tensor import Tensor, no_grad
from lamina.backend.memory import keep_freed_memory  # noqa: F401 (a recorded public path)
from lamina.callbacks import CallbackList  # noqa: F401 (a recorded public path)
from lamina.layers import layer as layer_module
from lamina.layers.layer import Layer
from lamina.models import multi_io
from lamina.trainers import data, steps, trainer
from lamina.trainers.data_adapters.arrays import Arrays  # noqa: F401 (a recorded public path)
from lamina.utils.progbar import Progbar  # noqa: F401 (a recorded public path)


def _check_compile_arguments(metrics, weighted_metrics, loss_weights):
    """compile's metrics and loss_weights in the forms Keras 3 takes (a lone string would
    otherwise be walked letter by letter)."""
    for name, value in (("metrics", metrics), ("weighted_metrics", weighted_metrics)):
        if value and not isinstance(value, (list, tuple, dict)):
            raise ValueError(
                f"compile: expected `{name}` argument to be a list, tuple, or dict. Received "
                f"instead: {name}={value!r} of type {type(value).__name__}; for one metric "
                f"write {name}=[{value!r}]")
    if loss_weights is not None and (
            isinstance(loss_weights, (bool, str))
            or not isinstance(loss_weights, (int, float, list, tuple, dict))):
        raise ValueError(
            "compile: expected `loss_weights` argument to be a float (single output case) or "
            f"a list, tuple, or dict (one weight per output). Received instead: "
            f"loss_weights={loss_weights!r} of type {type(loss_weights).__name__}")


def _functional_args(args, kwargs):
    """Whether Model.__init__ got (inputs, outputs), as Keras decides it."""
    return (len(args) == 2 or (len(args) == 1 and "outputs" in kwargs)
            or ("inputs" in kwargs and "outputs" in kwargs))


_FUNCTIONAL_SUBCLASSES = {}


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
    # Functional (models/functional.py, built on this module) registers itself here when
    # it is imported: Model(inputs, outputs) returns one without this module importing it
    _functional_class = None

    def __new__(cls, *args, **kwargs):
        if cls is Model and (args or "inputs" in kwargs or "outputs" in kwargs):
            return Layer.__new__(Model._functional_class)  # Python then runs its __init__
        return Layer.__new__(cls)

    def __init__(self, *args, **kwargs):
        if _functional_args(args, kwargs) and not hasattr(self, "_inputs_struct"):
            # Keras: `MyModel(inputs, outputs)` for a subclass that does not define its own
            # layers is a functional model that keeps the subclass's methods (train_step)
            functional = Model._functional_class
            self.__class__ = functional.subclass_with_graph(type(self))
            functional.__init__(self, *args, **kwargs)
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
            functional = Model._functional_class
            target = functional if cls is Model else cls
            return functional.from_config.__func__(target, config,
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
        # loss=None is allowed, as in Keras: the model's add_loss terms are then the loss
        # (a VAE, an endpoint layer); fit fails at its first step if there are none
        _check_compile_arguments(metrics, weighted_metrics, loss_weights)
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
        fn = None if loss is None else losses.resolve(loss)
        self._loss_fn = (fn if weight in (None, 1.0) or fn is None
                         else multi_io.ScaledLoss(fn, float(weight)))
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
            self._loss_tracker = steps.RunningMean()
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
        fn = self._loss_fn
        loss = None if fn is None else fn(y, out, sw)
        if self._has_reg or layer_module.add_loss_used[0]:  # add_loss may come from any call
            for term in self._regularization_terms():
                loss = term if loss is None else loss + term
        if loss is None:  # compiled without a loss, and no layer added one (as Keras)
            raise ValueError(
                f"No loss to compute for model '{self.name}': it was compiled without a "
                "loss and none of its layers adds one with add_loss(). Provide a `loss` "
                "argument in compile(), e.g. compile(optimizer='adam', loss='mse').")
        return loss

    def _has_stateful_layers(self):
        return any(getattr(layer, "stateful", False) for layer in self._all_layers()
                   if layer is not self)

    @property
    def stateful(self):
        """Whether any layer is stateful (an RNN with ``stateful=True``): Keras 2's
        ``Model.stateful``, which kerasR reads."""
        override = self.__dict__.get("_stateful")
        return self._has_stateful_layers() if override is None else override

    @stateful.setter
    def stateful(self, value):  # a subclass may declare itself stateful
        self.__dict__["_stateful"] = bool(value)

    def count_params(self):
        """The number of scalars in the model's weights; an unbuilt model has none yet, so
        this raises, as in Keras."""
        if not self.built:
            raise ValueError(
                f"You tried to call count_params on layer '{self.name}', but the layer isn't "
                f"built. Build it first: call it on data, fit it, give its first layer an "
                f"input_shape (or start it with lamina.Input), or call "
                f"{self.name}.build(input_shape).")
        return super().count_params()


    # --- one step ------------------------------------------------------------------------
    @steps.stock_step
    def train_step(self, x, y, sample_weight=None):
        """One gradient step on a batch (raw arrays); returns the loss value and the output.

        To customize training, override ``train_step(self, data)`` instead (one argument,
        Keras 3's protocol, see the class docstring); an override with this signature
        ``(x, y, sample_weight)`` returning ``(loss, outputs)`` is still honoured."""
        return steps.train_step(self, x, y, sample_weight)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The compiled loss of ``y_pred`` against ``y`` (plus regularization), a Tensor to
        call ``backward()`` on; for a custom ``train_step``. ``y`` and ``y_pred`` are lists
        (or dicts) for several outputs."""
        self._check_compiled("compute_loss")
        self._resolve_metrics()
        if not getattr(self, "_train_ready", False):
            self._has_reg = self._any_regularization()
        y, y_pred, sw = data.for_loss(self, y, y_pred, sample_weight)
        loss = self._loss_value(y, y_pred, sw)
        tracker = getattr(self, "_loss_tracker", None)
        if tracker is not None:
            tracker.update_state(float(loss.data), len(steps.data_out(y_pred)[0]
                                                       if isinstance(y_pred, list) else y_pred))
            tracker.counted = loss  # Keras's guide updates the tracker with it again
        return loss

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Update the compiled metrics with a batch; returns the logs so far in the epoch
        (``loss`` is the running mean of ``compute_loss``)."""
        self._resolve_metrics()
        y, y_pred, sw = data.for_loss(self, y, y_pred, sample_weight)
        self._update_metrics(y, steps.data_out(y_pred), sw)
        tracker = getattr(self, "_loss_tracker", None)
        return self._logs(tracker.result() if tracker is not None else 0.0)

    def _update_metrics(self, y, out, sw):
        for m, weighted in zip(self._metrics, self._weighted):
            m.update_state(y, out, sample_weight=sw if weighted else None)

    def _logs(self, loss_mean):
        logs = {"loss": loss_mean}
        for m in self._metrics:
            r = m.result()
            logs[m.name] = float(r) if np.ndim(r) == 0 else r
        return logs

    # --- fit / evaluate / predict (lamina.trainers.trainer runs the loops) ----------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):
        """Train for ``epochs`` passes over ``x``/``y``; returns a ``History``.

        As in Keras, ``validation_split`` holds out the LAST fraction of the data (before
        shuffling), and the logged loss of an epoch is the mean over its batches weighted
        by batch size.
        """
        return trainer.fit(
            self, x, y, batch_size=batch_size, epochs=epochs, verbose=verbose,
            callbacks=callbacks, validation_split=validation_split,
            validation_data=validation_data, shuffle=shuffle, class_weight=class_weight,
            sample_weight=sample_weight, initial_epoch=initial_epoch,
            steps_per_epoch=steps_per_epoch, validation_steps=validation_steps,
            validation_batch_size=validation_batch_size, validation_freq=validation_freq)

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False):
        """The loss (and metrics) on ``x``/``y``: a float, a list, or a dict if return_dict."""
        return trainer.evaluate(self, x, y, batch_size=batch_size, verbose=verbose,
                                sample_weight=sample_weight, steps=steps, callbacks=callbacks,
                                return_dict=return_dict)

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """The model's outputs for ``x`` as a NumPy array; records no graph."""
        return trainer.predict(self, x, batch_size=batch_size, verbose=verbose, steps=steps,
                               callbacks=callbacks)

    def predict_on_batch(self, x):
        return trainer.predict_on_batch(self, x)

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One gradient step on one batch; returns the loss (and metrics) on it."""
        return trainer.train_on_batch(self, x, y, sample_weight=sample_weight,
                                      class_weight=class_weight, return_dict=return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        return trainer.test_on_batch(self, x, y, sample_weight=sample_weight,
                                     return_dict=return_dict)

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
        if not self.built:  # as Keras 3: the config saves, the weights may not exist yet
            import warnings
            warnings.warn(f"You are saving model '{self.name}', which has not yet been built. "
                          "It might not contain any weights yet. Consider building the model "
                          "first by calling it on some data.", stacklevel=2)
        save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def save_weights(self, filepath, overwrite=True):
        """Save the weights in Keras 3's layout (``*.weights.h5``; kerasR's ``model.h5`` too)."""
        from lamina.saving import save_weights
        if not self.built:  # as Keras 3: a weights file of an unbuilt model would be empty
            raise ValueError(
                f"You are saving a model that has not yet been built: model '{self.name}' has "
                "no weights yet, so the file would hold none. Build it first by calling it on "
                "some data, fitting it, or calling model.build(input_shape).")
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
