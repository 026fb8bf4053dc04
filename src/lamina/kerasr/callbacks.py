"""kerasR's callbacks, on ``lamina.callbacks``: pass them in a list to ``keras_fit``.

>>> callbacks = [EarlyStopping(patience=2), CSVLogger("log.csv")]  # doctest: +SKIP
>>> keras_fit(mod, X, Y, callbacks=callbacks)                       # doctest: +SKIP
"""
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


def ModelCheckpoint(filepath, monitor="val_loss", verbose=0, save_best_only=False,
                    save_weights_only=False, mode="auto", period=1):
    """Saves the model (or only its weights) after every ``period`` epochs.

    ``filepath`` may hold ``{epoch:02d}``-style fields filled from the epoch's logs.

    >>> cb = ModelCheckpoint("best.keras", save_best_only=True)  # doctest: +SKIP
    """
    cls = _callback("ModelCheckpoint")
    callback = cls(filepath, monitor=monitor, verbose=_int(verbose, "ModelCheckpoint: verbose"),
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
