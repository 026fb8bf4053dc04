"""kerasR's function names on top of lamina, so R code written for kerasR ports line by line.

kerasR (R's first interface to Keras) builds a model with layer *functions* and trains
it with ``keras_compile`` / ``keras_fit`` / ``keras_predict``. The same names, argument
names and defaults are here; R's ``mod$add(...)`` becomes ``mod.add(...)`` and
``boston$X_train`` becomes ``boston.X_train`` (or ``boston["X_train"]``)::

    from lamina.kerasr import *

    mod = Sequential()
    mod.add(Dense(units=50, input_shape=13))
    mod.add(Activation("relu"))
    mod.add(Dense(units=1))
    keras_compile(mod, loss="mse", optimizer=RMSprop())
    boston = load_boston_housing()
    X_train = normalize(boston.X_train)
    keras_fit(mod, X_train, boston.Y_train, batch_size=32, epochs=200, validation_split=0.1)
    pred = keras_predict(mod, normalize(boston.X_test))

Differences from R, on purpose: numbers that R stores as doubles (``units = 50``,
``input_shape = 13``) are accepted as whole-number floats; ``keras_fit`` returns the
``History`` (kerasR returns an invisible 0); optimizers take ``learning_rate`` as well
as kerasR's ``lr``.
"""
import numbers

import numpy as np

from lamina.models import Sequential  # kerasR's Sequential(layers = NULL) is Keras's

__all__ = [
    "SGD", "Activation", "ActivityRegularization", "Adadelta", "Adagrad", "Adam", "Adamax",
    "Dense", "Dropout", "Flatten", "Lambda", "Nadam", "Permute", "RList", "RMSprop",
    "RepeatVector", "Reshape", "Sequential", "expand_dims", "keras_available", "keras_compile",
    "keras_fit", "keras_predict", "keras_predict_classes", "keras_predict_proba",
    "load_boston_housing", "normalize", "to_categorical",
]


# --- argument coercion: R passes numbers as doubles ------------------------------------
def _int(value, what, minimum=None):
    """A whole number (int, numpy int, or a float like R's 50) as an int; else a clear error."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if ok:
        ok = float(value).is_integer()
    if not ok or (minimum is not None and value < minimum):
        need = "a whole number" + (f" >= {minimum}" if minimum is not None else "")
        raise ValueError(f"{what} must be {need}, got {value!r}")
    return int(value)


def _shape(shape, what="input_shape"):
    """kerasR's ``input_shape = 13`` or ``c(28, 28)`` as a tuple of ints (None for unknown)."""
    if shape is None:
        return None
    if isinstance(shape, numbers.Real) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        dims = list(np.asarray(shape, dtype=object).reshape(-1))
    except (TypeError, ValueError):
        dims = None
    if dims is None or isinstance(shape, (str, bytes)):
        raise TypeError(f"{what} must be an int or a sequence of ints, got {shape!r}")
    return tuple(None if d is None else _int(d, what, minimum=1) for d in dims)


def _with_shape(kwargs, input_shape):
    if input_shape is not None:
        kwargs["input_shape"] = _shape(input_shape)
    return kwargs


# --- layers (kerasR's argument order and defaults) -----------------------------------------
def Dense(units, activation="linear", use_bias=True, kernel_initializer="glorot_uniform",
          bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
          activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
          input_shape=None, **kwargs):
    """Densely connected layer: ``activation(x @ kernel + bias)`` (kerasR's ``Dense``).

    >>> layer = Dense(units=50, input_shape=13)
    """
    from lamina import layers
    return layers.Dense(_int(units, "Dense: units", minimum=1), activation=activation,
                        use_bias=use_bias, kernel_initializer=kernel_initializer,
                        bias_initializer=bias_initializer,
                        kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                        activity_regularizer=activity_regularizer,
                        kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                        **_with_shape(kwargs, input_shape))


def Activation(activation, input_shape=None, **kwargs):
    """Applies an activation function by name, e.g. ``Activation("relu")``."""
    from lamina import layers
    return layers.Activation(activation, **_with_shape(kwargs, input_shape))


def Dropout(rate, noise_shape=None, seed=None, input_shape=None, **kwargs):
    """Sets a fraction ``rate`` of inputs to 0 during training, e.g. ``Dropout(rate = 0.5)``."""
    from lamina import layers
    if noise_shape is not None:
        noise_shape = _shape(noise_shape, "Dropout: noise_shape")
    if seed is not None:
        seed = _int(seed, "Dropout: seed")
    return layers.Dropout(rate, noise_shape=noise_shape, seed=seed,
                          **_with_shape(kwargs, input_shape))


def Flatten(input_shape=None, **kwargs):
    """Flattens each sample to one axis: (batch, a, b) -> (batch, a * b)."""
    from lamina import layers
    return layers.Flatten(**_with_shape(kwargs, input_shape))


def Reshape(target_shape, input_shape=None, **kwargs):
    """Reshapes each sample to ``target_shape`` (without the batch axis),
    e.g. ``Reshape(c(2, 3))``."""
    from lamina import layers
    return layers.Reshape(_shape(target_shape, "Reshape: target_shape"),
                          **_with_shape(kwargs, input_shape))


def Permute(dims, input_shape=None, **kwargs):
    """Permutes the non-batch axes; ``dims`` start at 1 as in kerasR, e.g. ``Permute(c(2, 1))``."""
    from lamina import layers
    return layers.Permute(_shape(dims, "Permute: dims"), **_with_shape(kwargs, input_shape))


def RepeatVector(n, input_shape=None, **kwargs):
    """Repeats a (batch, features) input ``n`` times: (batch, n, features)."""
    from lamina import layers
    return layers.RepeatVector(_int(n, "RepeatVector: n", minimum=1),
                               **_with_shape(kwargs, input_shape))


def ActivityRegularization(l1=0.0, l2=0.0, input_shape=None, **kwargs):
    """Identity that adds ``l1 * sum(|x|) + l2 * sum(x^2)`` of its input to the loss."""
    from lamina import layers
    return layers.ActivityRegularization(l1=l1, l2=l2, **_with_shape(kwargs, input_shape))


def Lambda(function, output_shape=None, arguments=None, input_shape=None, **kwargs):
    """Wraps an expression as a layer, e.g. ``Lambda(lambda x: x * 2)``."""
    from lamina import layers
    if output_shape is not None and not callable(output_shape):
        output_shape = _shape(output_shape, "Lambda: output_shape")
    return layers.Lambda(function, output_shape=output_shape, arguments=arguments,
                         **_with_shape(kwargs, input_shape))


# --- optimizers (kerasR's `lr`, defaults and -1 = "no clipping") ---------------------------
def _optimizer(cls_name, default_lr, lr, learning_rate, decay, clipnorm, clipvalue, **options):
    """Build ``lamina.optimizers.<cls_name>`` from kerasR's arguments."""
    import inspect

    from lamina import optimizers

    # `learning_rate` (Keras 3's name) wins over an lr left at its default.
    if learning_rate is not None and lr != default_lr and lr != learning_rate:
        raise ValueError(f"{cls_name}: give the learning rate once, as lr= or learning_rate=; "
                         f"got lr={lr!r} and learning_rate={learning_rate!r}")
    rate = lr if learning_rate is None else learning_rate
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or rate < 0:
        raise ValueError(f"{cls_name}: lr must be a number >= 0, got {rate!r}")
    rate = float(rate)
    if isinstance(decay, bool) or not isinstance(decay, numbers.Real) or decay < 0:
        raise ValueError(f"{cls_name}: decay must be a number >= 0, got {decay!r}")
    if decay:
        # Keras 2's `decay`: lr / (1 + decay * iterations), i.e. an inverse-time schedule.
        try:
            from lamina.optimizers.schedules import InverseTimeDecay
        except ImportError as e:
            raise NotImplementedError(
                f"{cls_name}: decay={decay!r} needs learning-rate schedules "
                "(lamina.optimizers.schedules.InverseTimeDecay), which are not available") from e
        rate = InverseTimeDecay(rate, decay_steps=1, decay_rate=float(decay))
    # kerasR turns clipping off with -1, Keras 3 with None.
    for name, value in (("clipnorm", clipnorm), ("clipvalue", clipvalue)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, numbers.Real)):
            raise ValueError(f"{cls_name}: {name} must be a number (-1 = off), got {value!r}")
        options[name] = None if value is None or value < 0 else float(value)
    cls = getattr(optimizers, cls_name)
    params = inspect.signature(cls).parameters
    takes_any = any(p.kind is p.VAR_KEYWORD for p in params.values())
    kwargs = {"learning_rate": rate}
    for name, value in options.items():
        if name in params or takes_any:
            kwargs[name] = value
        elif value not in (None, False):
            raise NotImplementedError(f"{cls_name}: lamina's optimizer has no option "
                                      f"{name!r} (given {value!r})")
    return cls(**kwargs)


def SGD(lr=0.01, momentum=0.0, decay=0.0, nesterov=False, clipnorm=-1, clipvalue=-1,
        learning_rate=None):
    """Stochastic gradient descent with optional (Nesterov) momentum.

    >>> opt = SGD(lr = 0.1, momentum = 0.9)
    """
    return _optimizer("SGD", 0.01, lr, learning_rate, decay, clipnorm, clipvalue,
                      momentum=momentum, nesterov=nesterov)


def RMSprop(lr=0.001, rho=0.9, epsilon=1e-08, decay=0.0, clipnorm=-1, clipvalue=-1,
            learning_rate=None):
    """RMSprop: divides the gradient by a running root mean square of recent gradients.

    >>> opt = RMSprop()            # kerasR's defaults: lr = 0.001, rho = 0.9
    """
    return _optimizer("RMSprop", 0.001, lr, learning_rate, decay, clipnorm, clipvalue,
                      rho=rho, epsilon=epsilon)


def Adagrad(lr=0.01, epsilon=1e-08, decay=0.0, clipnorm=-1, clipvalue=-1, learning_rate=None):
    """Adagrad: per-parameter rates scaled by the sum of past squared gradients."""
    return _optimizer("Adagrad", 0.01, lr, learning_rate, decay, clipnorm, clipvalue,
                      epsilon=epsilon)


def Adadelta(lr=1.0, rho=0.95, epsilon=1e-08, decay=0.0, clipnorm=-1, clipvalue=-1,
             learning_rate=None):
    """Adadelta: Adagrad with a moving window of squared gradients and updates."""
    return _optimizer("Adadelta", 1.0, lr, learning_rate, decay, clipnorm, clipvalue,
                      rho=rho, epsilon=epsilon)


def Adam(lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-08, decay=0.0, clipnorm=-1,
         clipvalue=-1, learning_rate=None):
    """Adam: adaptive moment estimation.

    >>> opt = Adam(lr = 0.01)
    """
    return _optimizer("Adam", 0.001, lr, learning_rate, decay, clipnorm, clipvalue,
                      beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)


def Adamax(lr=0.002, beta_1=0.9, beta_2=0.999, epsilon=1e-08, decay=0.0, clipnorm=-1,
           clipvalue=-1, learning_rate=None):
    """Adamax: Adam with the infinity norm."""
    return _optimizer("Adamax", 0.002, lr, learning_rate, decay, clipnorm, clipvalue,
                      beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)


def Nadam(lr=0.002, beta_1=0.9, beta_2=0.999, epsilon=1e-08, schedule_decay=0.004,
          clipnorm=-1, clipvalue=-1, learning_rate=None):
    """Nadam: Adam with Nesterov momentum.

    ``schedule_decay`` is accepted for kerasR's sake; only its default 0.004 (the momentum
    schedule built into Keras's Nadam) is supported.
    """
    if schedule_decay != 0.004:
        raise NotImplementedError(f"Nadam: only schedule_decay=0.004 (Keras's built-in momentum "
                                  f"schedule) is supported, got {schedule_decay!r}")
    return _optimizer("Nadam", 0.002, lr, learning_rate, 0.0, clipnorm, clipvalue,
                      beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)


# --- models --------------------------------------------------------------------------------
def _check_model(model, what):
    from lamina.models import Model
    if not isinstance(model, Model):
        raise TypeError(f"{what}: `model` must be a lamina model such as Sequential(), got "
                        f"{type(model).__name__}")


def keras_compile(model, optimizer, loss, metrics=None, sample_weight_mode=None):
    """Compile ``model`` in place: ``keras_compile(mod, loss = 'mse', optimizer = RMSprop())``.

    Args:
        model: a model from ``Sequential()``.
        optimizer: an optimizer object (``RMSprop()``) or name (``"rmsprop"``).
        loss: a loss name (``"mse"``, ``"categorical_crossentropy"``, ...) or object.
        metrics: a metric name or a list of names, e.g. ``"accuracy"``.
        sample_weight_mode: None, or ``"temporal"`` for (samples, timesteps) weights;
            lamina applies weights by their shape, so both mean the same here.

    Returns:
        None (kerasR returns nothing visible); the model is changed in place.
    """
    _check_model(model, "keras_compile")
    if sample_weight_mode not in (None, "temporal"):
        raise ValueError(f"keras_compile: sample_weight_mode must be None or 'temporal', got "
                         f"{sample_weight_mode!r}")
    if isinstance(metrics, str) or callable(metrics):
        metrics = [metrics]  # R's c("accuracy") is a one-element vector
    model.compile(optimizer=optimizer, loss=loss, metrics=None if metrics is None else
                  list(metrics))


def keras_fit(model, x, y, batch_size=32, epochs=10, verbose=1, callbacks=None,
              validation_split=0, validation_data=None, shuffle=True, class_weight=None,
              sample_weight=None, initial_epoch=0):
    """Train ``model`` in place on ``x``/``y`` (kerasR's ``keras_fit``); returns the History.

    As in kerasR, a target vector ``y`` becomes a one-column matrix, so a model ending in
    ``Dense(units = 1)`` is fit to targets of the same shape.

    >>> keras_fit(mod, X_train, Y_train, batch_size = 32, epochs = 200, verbose = 1,
    ...           validation_split = 0.1)  # doctest: +SKIP
    """
    _check_model(model, "keras_fit")
    if callbacks is not None and not isinstance(callbacks, (list, tuple)):
        callbacks = [callbacks]
    if isinstance(validation_split, bool) or not isinstance(validation_split, numbers.Real) \
            or not 0 <= validation_split < 1:
        raise ValueError(f"keras_fit: validation_split must be a number in [0, 1), got "
                         f"{validation_split!r}")
    y = np.asarray(y)
    if y.ndim == 1:
        y = y.reshape(-1, 1)
    return model.fit(x, y, batch_size=_int(batch_size, "keras_fit: batch_size", minimum=1),
                     epochs=_int(epochs, "keras_fit: epochs", minimum=0),
                     verbose=_int(verbose, "keras_fit: verbose", minimum=0),
                     callbacks=callbacks, validation_split=float(validation_split),
                     validation_data=validation_data, shuffle=shuffle,
                     class_weight=class_weight, sample_weight=sample_weight,
                     initial_epoch=_int(initial_epoch, "keras_fit: initial_epoch", minimum=0))


def keras_predict(model, x, batch_size=32, verbose=1):
    """The model's raw outputs for ``x``, a NumPy array with one row per sample."""
    _check_model(model, "keras_predict")
    return model.predict(x, batch_size=_int(batch_size, "keras_predict: batch_size", minimum=1),
                         verbose=_int(verbose, "keras_predict: verbose", minimum=0))


def keras_predict_proba(model, x, batch_size=32, verbose=1):
    """Class probabilities: the outputs of a model ending in softmax or sigmoid."""
    return keras_predict(model, x, batch_size=batch_size, verbose=verbose)


def keras_predict_classes(model, x, batch_size=32, verbose=1):
    """Class indices (0-based, as in kerasR): the argmax of several outputs, or output > 0.5
    for a single (sigmoid) output. The class axis is dropped: (samples, k) gives (samples,)."""
    proba = keras_predict(model, x, batch_size=batch_size, verbose=verbose)
    if proba.ndim >= 2 and proba.shape[-1] > 1:
        return proba.argmax(axis=-1)
    classes = (proba > 0.5).astype("int32")
    return classes[..., 0] if classes.ndim >= 2 else classes


def keras_available(silent=False):
    """Always True: lamina is its own engine and needs no Python Keras."""
    return True


# --- data ------------------------------------------------------------------------------------
class RList(dict):
    """An R named list: ``d["X_train"]`` and ``d.X_train`` (R's ``d$X_train``) both work."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"no element {name!r}; the names are {list(self)}") from None

    def __setattr__(self, name, value):
        self[name] = value

    def __delattr__(self, name):
        try:
            del self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __dir__(self):
        return sorted(set(dir(dict)) | set(self))


def load_boston_housing(path="boston_housing.npz", test_split=0.2, seed=113):
    """The Boston Housing data as an ``RList`` with X_train, Y_train, X_test, Y_test.

    Keras's split (404 training and 102 test rows). ``path``, ``test_split`` and ``seed``
    go to ``lamina.datasets.boston_housing.load_data`` (kerasR takes no arguments; these
    defaults are Keras's). Offline, pass a local copy with ``path=``.

    >>> boston = load_boston_housing()  # doctest: +SKIP
    >>> boston.X_train.shape, boston["Y_test"].shape  # doctest: +SKIP
    ((404, 13), (102,))
    """
    from lamina.datasets import boston_housing
    (x_train, y_train), (x_test, y_test) = boston_housing.load_data(
        path=path, test_split=test_split, seed=seed)
    return RList(X_train=x_train, Y_train=y_train, X_test=x_test, Y_test=y_test)


def normalize(x, axis=-1, order=2):
    """Divide each row (by default) by its L2 norm, as Keras's and kerasR's ``normalize``."""
    from lamina.preprocessing import normalize as _normalize
    return _normalize(x, axis=_int(axis, "normalize: axis"),
                      order=_int(order, "normalize: order", minimum=1))


def to_categorical(y, num_classes=None):
    """One-hot rows for integer class labels 0..num_classes-1 (kerasR's ``to_categorical``)."""
    from lamina.preprocessing import to_categorical as _to_categorical
    if num_classes is not None:
        num_classes = _int(num_classes, "to_categorical: num_classes", minimum=1)
    return _to_categorical(y, num_classes=num_classes)


def expand_dims(a, axis=0):
    """Insert a new axis, e.g. to predict on a single sample."""
    return np.expand_dims(np.asarray(a), _int(axis, "expand_dims: axis"))
