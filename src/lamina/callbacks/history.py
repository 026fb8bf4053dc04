"""``History``: the logs of every epoch, the object that ``fit`` returns."""
from lamina.callbacks.callback import Callback


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

    def plot(self, to_file="history.png", metrics=None):
        """Draw the training curves (each metric with its ``val_`` curve) to ``to_file``
        with matplotlib (``pip install 'lamina[plot]'``); returns the figure.

        >>> model.fit(x, y, epochs=20, validation_split=0.1).plot("history.png")
        """
        from lamina.utils.plot import plot_history
        return plot_history(self, to_file=to_file, metrics=metrics)
