"""``LambdaCallback``: a callback made of plain functions."""
from lamina.callbacks.callback import _ALIASES, _HOOKS, Callback


class LambdaCallback(Callback):
    """A callback made of plain functions: ``on_epoch_begin(epoch, logs)``,
    ``on_epoch_end(epoch, logs)``, ``on_train_begin(logs)``, ``on_train_end(logs)``,
    ``on_train_batch_begin(batch, logs)``, ``on_train_batch_end(batch, logs)``; any other
    hook (``on_batch_end``, ``on_test_end``, ...) by keyword.

    >>> print_epoch = LambdaCallback(on_epoch_end=lambda epoch, logs: print(epoch, logs))
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None,
                 on_train_end=None, on_train_batch_begin=None, on_train_batch_end=None,
                 **kwargs):
        super().__init__()
        hooks = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                     on_train_begin=on_train_begin, on_train_end=on_train_end,
                     on_train_batch_begin=on_train_batch_begin,
                     on_train_batch_end=on_train_batch_end, **kwargs)
        known = set(_HOOKS) | set(_ALIASES.values())
        for name, fn in hooks.items():
            if name not in known:
                raise TypeError(f"LambdaCallback: unknown hook {name!r}; expected one of "
                                f"{sorted(known)}")
            if fn is not None:
                if not callable(fn):
                    raise TypeError(f"LambdaCallback: {name} must be callable, got {fn!r}")
                setattr(self, name, fn)
