"""``TerminateOnNaN``: end training after a batch whose loss is NaN or infinite."""
import numpy as np

from lamina.callbacks.callback import Callback, _print


class TerminateOnNaN(Callback):
    """Stop training after the batch whose loss is NaN or infinite (``raise_error=True``:
    raise a RuntimeError instead). Without it, lamina's fit raises FloatingPointError.

    >>> model.fit(x, y, callbacks=[TerminateOnNaN()])
    """

    def __init__(self, raise_error=False):
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not np.isfinite(loss):
            if self.raise_error:
                raise RuntimeError(f"NaN or Inf loss encountered at batch {batch}. Loss value: "
                                   f"{loss}. Terminating training immediately.")
            _print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True
