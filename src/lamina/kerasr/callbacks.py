"""kerasR's callbacks, on ``lamina.callbacks``: pass them in a list to ``keras_fit``.

>>> callbacks = [EarlyStopping(patience=2), CSVLogger("log.csv")]  # doctest: +SKIP
>>> keras_fit(mod, X, Y, callbacks=callbacks)                       # doctest: +SKIP
"""
import functools
import os

from lamina.kerasr._coerce import _int, _missing, _real


def _callback(name):
    """``lamina.callbacks.<name>``, or a clear error when this lamina lacks it."""
    from lamina import callbacks
    cls = getattr(callbacks, name, None)
    if cls is None:
        raise _missing(f"kerasR's {name}", f"lamina.callbacks.{name}", "not found")
    return cls


def _every(callback, period):
    """Keras 2's ``period``: let ``callback`` act only at the end of every ``period``-th epoch."""
    if period == 1:
        return callback
    inner = callback.on_epoch_end

    def on_epoch_end(epoch, logs=None):
        if (epoch + 1) % period == 0:
            return inner(epoch, logs)
        return None

    callback.on_epoch_end = on_epoch_end  # an instance attribute wins over the class's method
    return callback


class _Keras2Saving:
    """A model whose ``save``/``save_weights`` take any file name, as Keras 2's did: a name
    without ``.keras``/``.h5`` gets HDF5 (``keras_save``'s rule). Everything else is the
    model's own, so callbacks can still stop training or change the learning rate."""

    def __init__(self, model):
        object.__setattr__(self, "_model", model)

    def __getattr__(self, name):
        return getattr(self._model, name)

    def __setattr__(self, name, value):
        setattr(self._model, name, value)

    def save(self, filepath, overwrite=True, **kwargs):
        from lamina.kerasr.models import keras_save
        keras_save(self._model, filepath)

    def save_weights(self, filepath, overwrite=True, **kwargs):
        from lamina.kerasr.models import keras_save_weights
        keras_save_weights(self._model, filepath)


@functools.cache
def _keras2_checkpoint():
    """``lamina.callbacks.ModelCheckpoint`` with Keras 2's file names (made on first use, so
    importing lamina.kerasr does not import the callbacks)."""
    base = _callback("ModelCheckpoint")

    class Keras2ModelCheckpoint(base):
        """Keras 2's ModelCheckpoint, which kerasR fronts: ``filepath`` may be any name (R's
        ``tempfile()`` has no extension); without ``.keras``/``.h5`` the file is HDF5."""

        def __init__(self, filepath, save_weights_only=False, **kwargs):
            path = os.fspath(filepath)
            # Keras 3 checks only the name's ending, and only here: give it one it accepts,
            # then keep the user's name; the saves below write whatever it is.
            stand_in = path + (".weights.h5" if save_weights_only else ".keras")
            super().__init__(stand_in, save_weights_only=save_weights_only, **kwargs)
            self.filepath = path

        def set_model(self, model):
            super().set_model(_Keras2Saving(model))

    return Keras2ModelCheckpoint


def ModelCheckpoint(filepath, monitor="val_loss", verbose=0, save_best_only=False,
                    save_weights_only=False, mode="auto", period=1):
    """Saves the model (or only its weights) after every ``period`` epochs.

    ``filepath`` may hold ``{epoch:02d}``-style fields filled from the epoch's logs. As in
    Keras 2 any name is accepted: ``.keras`` writes Keras 3's archive, ``.h5`` and a name
    without extension (R's ``tempfile()``) HDF5.

    >>> cb = ModelCheckpoint("best.keras", save_best_only=True)  # doctest: +SKIP
    """
    if not isinstance(filepath, (str, os.PathLike)):
        raise TypeError(f"ModelCheckpoint: `filepath` must be a file name (str or path), got "
                        f"{filepath!r}")
    callback = _keras2_checkpoint()(
        filepath, monitor=monitor, verbose=_int(verbose, "ModelCheckpoint: verbose"),
        save_best_only=bool(save_best_only), save_weights_only=bool(save_weights_only),
        mode=mode)
    return _every(callback, _int(period, "ModelCheckpoint: period", minimum=1))


def EarlyStopping(monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto"):
    """Stops training when ``monitor`` has not improved by ``min_delta`` for ``patience`` epochs.

    >>> cb = EarlyStopping(patience=3)  # doctest: +SKIP
    """
    return _callback("EarlyStopping")(
        monitor=monitor, min_delta=_real(min_delta, "EarlyStopping: min_delta"),
        patience=_int(patience, "EarlyStopping: patience", minimum=0),
        verbose=_int(verbose, "EarlyStopping: verbose"), mode=mode)


def TensorBoard(log_dir="./logs", histogram_freq=0, write_graph=True, write_images=False):
    """Writes training curves (and optionally histograms and the graph) for TensorBoard.

    >>> cb = TensorBoard(log_dir="logs")  # doctest: +SKIP
    """
    return _callback("TensorBoard")(
        log_dir=log_dir, histogram_freq=_int(histogram_freq, "TensorBoard: histogram_freq",
                                             minimum=0),
        write_graph=bool(write_graph), write_images=bool(write_images))


def ReduceLROnPlateau(monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                      epsilon=0.0001, cooldown=0, min_lr=0):
    """Multiplies the learning rate by ``factor`` when ``monitor`` stops improving.

    kerasR's (Keras 2's) ``epsilon`` is Keras 3's ``min_delta``.

    >>> cb = ReduceLROnPlateau(factor=0.5, patience=2)  # doctest: +SKIP
    """
    return _callback("ReduceLROnPlateau")(
        monitor=monitor, factor=_real(factor, "ReduceLROnPlateau: factor"),
        patience=_int(patience, "ReduceLROnPlateau: patience", minimum=0),
        verbose=_int(verbose, "ReduceLROnPlateau: verbose"), mode=mode,
        min_delta=_real(epsilon, "ReduceLROnPlateau: epsilon"),
        cooldown=_int(cooldown, "ReduceLROnPlateau: cooldown", minimum=0),
        min_lr=_real(min_lr, "ReduceLROnPlateau: min_lr", minimum=0))


def CSVLogger(filename, separator=",", append=False):
    """Writes one CSV row of logs (loss, metrics, validation) per epoch.

    >>> cb = CSVLogger("training.csv")  # doctest: +SKIP
    """
    return _callback("CSVLogger")(filename, separator=separator, append=bool(append))
