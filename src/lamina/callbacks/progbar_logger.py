"""``ProgbarLogger``: ``Epoch n/N`` and a progress bar (or a line) per epoch."""
import sys

from lamina.callbacks.callback import Callback
from lamina.utils.progbar import Progbar


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
