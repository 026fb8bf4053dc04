"""kerasR's model functions: compile, fit, predict, save and load a lamina model."""
import numbers
import os
import warnings

import numpy as np

from lamina.kerasr._coerce import _int, _missing
from lamina.models import Sequential  # kerasR's Sequential(layers = NULL) is Keras's
from lamina.utils.file_io import atomic_path

__all__ = ["Sequential", "keras_available", "keras_check", "keras_compile", "keras_fit",
           "keras_init", "keras_load", "keras_load_weights", "keras_model_from_json",
           "keras_model_to_json",
           "keras_predict", "keras_predict_classes", "keras_predict_proba", "keras_save",
           "keras_save_weights", "plot_model", "run_examples"]


def _check_model(model, what):
    from lamina.models import Model
    if not isinstance(model, Model):
        raise TypeError(f"{what}: `model` must be a lamina model such as Sequential(), got "
                        f"{type(model).__name__}")


def _check_path(path, what):
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{what}: `path` must be a file name (str or path), got {path!r}")
    return os.fspath(path)


def _known_extension(path):
    return path.endswith((".keras", ".h5", ".hdf5"))


def _save_as_h5(path, save):
    """``save`` to an ``.h5`` name beside ``path``, then rename it to ``path`` (kerasR
    passes names without an extension, e.g. R's ``tempfile()``; loading reads the
    contents, not the name)."""
    with atomic_path(path, suffix=".h5") as tmp:
        save(tmp)


def keras_compile(model, optimizer, loss, metrics=None, sample_weight_mode=None):
    """Compile ``model`` in place.

    Args:
        model: a model from ``Sequential()``.
        optimizer: an optimizer object (``RMSprop()``) or name (``"rmsprop"``).
        loss: a loss name (``"mse"``, ``"categorical_crossentropy"``, ...) or object.
        metrics: a metric name or a list of names, e.g. ``"accuracy"``.
        sample_weight_mode: None, or ``"temporal"`` for (samples, timesteps) weights;
            lamina applies weights by their shape, so both mean the same here.

    Returns:
        None (kerasR returns nothing visible); the model is changed in place.

    >>> keras_compile(mod, loss="mse", optimizer=RMSprop())  # doctest: +SKIP
    """
    _check_model(model, "keras_compile")
    if sample_weight_mode not in (None, "temporal"):
        raise ValueError(f"keras_compile: sample_weight_mode must be None or 'temporal', got "
                         f"{sample_weight_mode!r}")
    if isinstance(metrics, str) or callable(metrics):
        metrics = [metrics]  # R's c("accuracy") is a one-element vector
    model.compile(optimizer=optimizer, loss=loss,
                  metrics=None if metrics is None else list(metrics))


def keras_fit(model, x, y, batch_size=32, epochs=10, verbose=1, callbacks=None,
              validation_split=0, validation_data=None, shuffle=True, class_weight=None,
              sample_weight=None, initial_epoch=0):
    """Train ``model`` in place on ``x``/``y``; returns the History (kerasR returns 0).

    As in kerasR, a target vector ``y`` becomes a one-column matrix, so a model ending in
    ``Dense(units = 1)`` is fit to targets of the same shape, and one callback need not be
    wrapped in a list.

    >>> keras_fit(mod, X_train, Y_train, batch_size=32, epochs=200, verbose=1,
    ...           validation_split=0.1)  # doctest: +SKIP
    """
    _check_model(model, "keras_fit")
    if callbacks is not None and not isinstance(callbacks, (list, tuple)):
        callbacks = [callbacks]
    if isinstance(validation_split, bool) or not isinstance(validation_split, numbers.Real) \
            or not 0 <= validation_split < 1:
        raise ValueError(f"keras_fit: validation_split must be a number in [0, 1), got "
                         f"{validation_split!r}")
    if isinstance(y, (list, tuple, np.ndarray)):
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
    """The model's raw outputs for ``x``, a NumPy array with one row per sample.

    >>> pred = keras_predict(mod, X_test)  # doctest: +SKIP
    """
    _check_model(model, "keras_predict")
    return model.predict(x, batch_size=_int(batch_size, "keras_predict: batch_size", minimum=1),
                         verbose=_int(verbose, "keras_predict: verbose", minimum=0))


def keras_predict_proba(model, x, batch_size=32, verbose=1):
    """Class probabilities: the outputs of a model ending in softmax or sigmoid.

    Warns, as Keras 2's ``predict_proba`` did, when the outputs are not in [0, 1].

    >>> proba = keras_predict_proba(mod, X_test)  # doctest: +SKIP
    """
    proba = keras_predict(model, x, batch_size=batch_size, verbose=verbose)
    if proba.size and (proba.min() < 0 or proba.max() > 1):
        warnings.warn("keras_predict_proba: the model's outputs are not probabilities (some lie "
                      "outside [0, 1]); end the model with a softmax or sigmoid activation",
                      stacklevel=2)
    return proba


def keras_predict_classes(model, x, batch_size=32, verbose=1):
    """Class indices, 0-based as in kerasR (Keras 2's ``predict_classes``).

    Several outputs: the argmax, shape (samples,). One (sigmoid) output: ``output > 0.5``
    as int32, shape (samples, 1), as Keras 2 returned it.

    >>> classes = keras_predict_classes(mod, X_test)  # doctest: +SKIP
    """
    proba = keras_predict(model, x, batch_size=batch_size, verbose=verbose)
    if proba.shape[-1] > 1:
        return proba.argmax(axis=-1)
    return (proba > 0.5).astype("int32")


# --- saving ----------------------------------------------------------------------------------
def keras_save(model, path="model.h5"):
    """Save the whole model (architecture, weights, optimizer state) to ``path``.

    The format follows the name: ``.keras`` is Keras 3's archive, ``.h5`` (kerasR's default)
    Keras's HDF5 file. Returns None.

    >>> keras_save(mod, "model.keras")  # doctest: +SKIP
    """
    _check_model(model, "keras_save")
    path = _check_path(path, "keras_save")
    if _known_extension(path):
        model.save(path)
    else:  # kerasR's own example saves to tempfile(), no extension: Keras 2 wrote HDF5
        _save_as_h5(path, model.save)


def keras_load(path="model.h5"):
    """Load a model saved by ``keras_save`` (or by Keras) and return it.

    >>> mod = keras_load("model.keras")  # doctest: +SKIP
    """
    try:
        from lamina.models import load_model
    except ImportError as err:
        raise _missing("keras_load", "lamina.models.load_model", err) from err
    return load_model(_check_path(path, "keras_load"))


def keras_save_weights(model, path="model.h5"):
    """Save only the weights to ``path`` (an HDF5 file); returns None.

    >>> keras_save_weights(mod, "model.h5")  # doctest: +SKIP
    """
    _check_model(model, "keras_save_weights")
    path = _check_path(path, "keras_save_weights")
    if _known_extension(path):
        model.save_weights(path)
    else:
        _save_as_h5(path, model.save_weights)


def keras_load_weights(model, path="model.h5"):
    """Load weights saved by ``keras_save_weights`` into ``model`` in place; returns None.

    >>> keras_load_weights(mod, "model.h5")  # doctest: +SKIP
    """
    _check_model(model, "keras_load_weights")
    model.load_weights(_check_path(path, "keras_load_weights"))


def keras_model_to_json(model, path="model.json"):
    """Write the model's architecture (no weights) as JSON to ``path``; returns None.

    >>> keras_model_to_json(mod, "model.json")  # doctest: +SKIP
    """
    _check_model(model, "keras_model_to_json")
    path = _check_path(path, "keras_model_to_json")
    text = model.to_json()
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as f:
        f.write(text + "\n")  # R's writeLines ends the line


def keras_model_from_json(path="model.json"):
    """A new, untrained model with the architecture stored by ``keras_model_to_json``.

    >>> mod2 = keras_model_from_json("model.json")  # doctest: +SKIP
    """
    path = _check_path(path, "keras_model_from_json")
    try:
        from lamina.models import model_from_json
    except ImportError as err:
        raise _missing("keras_model_from_json", "lamina.models.model_from_json", err) from err
    with open(path, encoding="utf-8") as f:
        return model_from_json(f.read())


# --- the Python connection, which lamina does not need ---------------------------------------
def keras_available(silent=False):
    """Always True: lamina is its own engine and needs no Python Keras.

    >>> keras_available()
    True
    """
    return True


def keras_check():
    """Returns 0, kerasR's "all is well" code: kerasR calls this internal check before
    every Keras call (and its tests call it) to stop with a message when Python, NumPy,
    Keras or a backend is missing; lamina has them all whenever it imports.

    >>> keras_check()
    0
    """
    return 0


def keras_init():
    """Does nothing and returns None: kerasR connects R to Python's Keras here; lamina is
    already loaded when this function can be called.

    >>> keras_init()
    """
    return None


def run_examples():
    """Always True: kerasR's examples can run wherever lamina imports.

    >>> run_examples()
    True
    """
    return True


def plot_model(model, to_file="model.png", show_shapes=False, show_layer_names=True):
    """Draw the model's layer graph to ``to_file`` (a PNG; needs ``lamina[plot]``).

    >>> plot_model(mod, to_file="model.png")  # doctest: +SKIP
    """
    _check_model(model, "plot_model")
    try:
        from lamina.utils.plot import plot_model as _plot_model
    except ImportError as err:
        raise _missing("plot_model", "lamina.utils.plot.plot_model", err) from err
    return _plot_model(model, to_file=to_file, show_shapes=bool(show_shapes),
                       show_layer_names=bool(show_layer_names))
