"""``CallbackList``: what fit, evaluate and predict call; it fans each hook out to the
callbacks that override it."""
from lamina.callbacks.callback import _ALIASES, _HOOKS, Callback
from lamina.callbacks.history import History
from lamina.callbacks.progbar_logger import ProgbarLogger
from lamina.callbacks.terminate_on_nan import TerminateOnNaN


def _own_hook(cb, hook):
    """``cb``'s own implementation of ``hook`` (set on its class or on the instance, as
    LambdaCallback does), or None when it keeps the no-op default."""
    for name in (hook, _ALIASES.get(hook)):
        if name is not None and (name in vars(cb)
                                 or getattr(type(cb), name) is not getattr(Callback, name)):
            return getattr(cb, name)
    return None


class CallbackList:
    """Calls a hook on every callback that overrides it (the others cost nothing)."""

    def __init__(self, callbacks=None, model=None, add_history=False, add_progbar=False,
                 **params):
        callbacks = list(callbacks or [])
        for cb in callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(f"callbacks: expected lamina.callbacks.Callback instances, got "
                                f"{type(cb).__name__}")
        # as Keras: a new History for each fit (an earlier fit's History keeps its values)
        if add_history and not any(isinstance(cb, History) for cb in callbacks):
            callbacks.append(History())
        if add_progbar and not any(isinstance(cb, ProgbarLogger) for cb in callbacks):
            callbacks.append(ProgbarLogger())
        self.callbacks = callbacks
        for cb in callbacks:
            cb.set_model(model)
            cb.set_params(params)
        for hook in _HOOKS:
            active = [fn for fn in (_own_hook(cb, hook) for cb in callbacks) if fn is not None]
            setattr(self, hook, _fanout(active))
        self.history = next((cb for cb in callbacks if isinstance(cb, History)), None)
        # with TerminateOnNaN, a non-finite loss ends fit after its batch instead of raising
        self.handles_nan = any(isinstance(cb, TerminateOnNaN) for cb in callbacks)

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
