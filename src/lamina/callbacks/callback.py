"""The base ``Callback`` (every hook a no-op) and the hook names that fit calls on it."""
import sys

_HOOKS = ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
          "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end",
          "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end",
          "on_predict_batch_begin", "on_predict_batch_end")
# Keras 2's names, still honoured by Keras 3: they stand in for the train-batch hooks
_ALIASES = {"on_train_batch_begin": "on_batch_begin", "on_train_batch_end": "on_batch_end"}


class Callback:
    """Base class: override the ``on_*`` hooks you need; ``self.model`` is set by ``fit``."""

    def __init__(self):
        self.model = None
        self.params = {}

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params


for _hook in _HOOKS + tuple(_ALIASES.values()):
    setattr(Callback, _hook, lambda self, *args, **kwargs: None)


# what the callbacks print at verbose > 0 (sys.stdout looked up at each call, so a
# redirected or captured stdout gets it)
def _print(msg):
    sys.stdout.write(msg + "\n")
