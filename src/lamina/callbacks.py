"""Callbacks: hooks into ``fit``, ``evaluate`` and ``predict`` (Keras's names and order)."""
import sys

from lamina.utils.progbar import Progbar

_HOOKS = ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
          "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end",
          "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end",
          "on_predict_batch_begin", "on_predict_batch_end")


class Callback:
    """Base class: override the ``on_*`` hooks you need; ``self.model`` is set by ``fit``."""

    def __init__(self):
        self.model = None
        self.params = {}

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params


for _hook in _HOOKS:
    setattr(Callback, _hook, lambda self, *args, **kwargs: None)


class CallbackList:
    """Calls a hook on every callback that overrides it (the others cost nothing)."""

    def __init__(self, callbacks=None, model=None, add_history=False, add_progbar=False,
                 **params):
        callbacks = list(callbacks or [])
        for cb in callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(f"callbacks: expected lamina.callbacks.Callback instances, got "
                                f"{type(cb).__name__}")
        if add_progbar and not any(isinstance(cb, ProgbarLogger) for cb in callbacks):
            callbacks.append(ProgbarLogger())
        if add_history:
            history = model.history if isinstance(getattr(model, "history", None),
                                                  History) else History()
            if not any(isinstance(cb, History) for cb in callbacks):
                callbacks.append(history)
        self.callbacks = callbacks
        for cb in callbacks:
            cb.set_model(model)
            cb.set_params(params)
        for hook in _HOOKS:
            active = [getattr(cb, hook) for cb in callbacks
                      if getattr(type(cb), hook) is not getattr(Callback, hook)]
            setattr(self, hook, _fanout(active))
        self.history = next((cb for cb in callbacks if isinstance(cb, History)), None)

    def __iter__(self):
        return iter(self.callbacks)


def _fanout(fns):
    if not fns:
        return None
    if len(fns) == 1:
        return fns[0]

    def call_all(*args, **kwargs):
        for fn in fns:
            fn(*args, **kwargs)
    return call_all


class History(Callback):
    """Records the logs of every epoch: ``history.history['loss']`` is a list per epoch."""

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []
        self.history = {}

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(v)


class ProgbarLogger(Callback):
    """Prints ``Epoch n/N`` and a progress bar per epoch (verbose=1) or a line (verbose=2)."""

    def __init__(self, stream=None):
        super().__init__()
        self.stream = stream
        self.progbar = None

    def _verbose(self):
        return self.params.get("verbose", 1)

    def on_epoch_begin(self, epoch, logs=None):
        if self._verbose():
            (self.stream or sys.stdout).write(f"Epoch {epoch + 1}/{self.params.get('epochs', 1)}\n")
        self.progbar = Progbar(self.params.get("steps"), verbose=self._verbose(),
                               stream=self.stream)

    def on_train_batch_end(self, batch, logs=None):
        if self.progbar is not None and self._verbose() == 1 and self.progbar.dynamic:
            self.progbar.update(batch + 1, list((logs or {}).items()), finalize=False)

    def on_epoch_end(self, epoch, logs=None):
        if self.progbar is not None:
            steps = self.params.get("steps")
            self.progbar.update(steps if steps else 1, list((logs or {}).items()), finalize=True)
            self.progbar = None
