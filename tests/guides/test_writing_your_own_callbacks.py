"""keras.io guide "Writing your own callbacks" (guides/writing_your_own_callbacks.py), run on
lamina.

Each test is one section of the guide with only the imports changed; MNIST is replaced by
random arrays of its shape (fewer samples). The guide's callbacks print what they see; here
they also record it, so the tests can check which hooks fired with which logs.
"""
import numpy as np  # noqa: I001 -- the guide's import lines, kept one per line
import pytest

import lamina as keras


def get_model():
    model = keras.Sequential()
    model.add(keras.layers.Dense(1))
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=0.1),
        loss="mean_squared_error",
        metrics=["mean_absolute_error"],
    )
    return model


def _mnist_like(n=256):
    x = np.random.randint(0, 256, size=(n, 784)).astype("float32") / 255.0
    y = np.random.randint(0, 10, size=(n,)).astype("float32")
    return x, y


class CustomCallback(keras.callbacks.Callback):
    """The guide's logging callback; every hook records (hook, batch or epoch, log keys)."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def _log(self, hook, logs, index=None):
        keys = list(logs.keys())
        self.calls.append((hook, index, keys))
        print(f"{hook} {'' if index is None else index}; got log keys: {keys}")

    def on_train_begin(self, logs=None):
        self._log("on_train_begin", logs)

    def on_train_end(self, logs=None):
        self._log("on_train_end", logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._log("on_epoch_begin", logs, epoch)

    def on_epoch_end(self, epoch, logs=None):
        self._log("on_epoch_end", logs, epoch)

    def on_test_begin(self, logs=None):
        self._log("on_test_begin", logs)

    def on_test_end(self, logs=None):
        self._log("on_test_end", logs)

    def on_predict_begin(self, logs=None):
        self._log("on_predict_begin", logs)

    def on_predict_end(self, logs=None):
        self._log("on_predict_end", logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._log("on_train_batch_begin", logs, batch)

    def on_train_batch_end(self, batch, logs=None):
        self._log("on_train_batch_end", logs, batch)

    def on_test_batch_begin(self, batch, logs=None):
        self._log("on_test_batch_begin", logs, batch)

    def on_test_batch_end(self, batch, logs=None):
        self._log("on_test_batch_end", logs, batch)

    def on_predict_batch_begin(self, batch, logs=None):
        self._log("on_predict_batch_begin", logs, batch)

    def on_predict_batch_end(self, batch, logs=None):
        self._log("on_predict_batch_end", logs, batch)

    def hooks(self):
        return [hook for hook, _, _ in self.calls]


def test_basic_example_fit_fires_the_training_hooks():
    x_train, y_train = _mnist_like()
    model = get_model()
    callback = CustomCallback()
    model.fit(x_train, y_train, batch_size=128, epochs=1, verbose=0, callbacks=[callback])
    assert callback.hooks() == [
        "on_train_begin", "on_epoch_begin",
        "on_train_batch_begin", "on_train_batch_end",
        "on_train_batch_begin", "on_train_batch_end",
        "on_epoch_end", "on_train_end"]
    _, _, epoch_keys = callback.calls[-2]
    assert set(epoch_keys) == {"loss", "mean_absolute_error"}


def test_basic_example_fit_validation_fires_the_test_hooks():
    x_train, y_train = _mnist_like()
    model = get_model()
    callback = CustomCallback()
    model.fit(x_train, y_train, batch_size=128, epochs=1, verbose=0, validation_split=0.5,
              callbacks=[callback])
    hooks = callback.hooks()
    assert hooks.index("on_test_begin") < hooks.index("on_test_end") < hooks.index("on_epoch_end")
    assert "on_test_batch_end" in hooks
    _, _, epoch_keys = callback.calls[-2]
    assert set(epoch_keys) == {"loss", "mean_absolute_error", "val_loss",
                               "val_mean_absolute_error"}


def test_basic_example_evaluate_fires_the_test_hooks():
    x_test, y_test = _mnist_like()
    model = get_model()
    model.fit(x_test, y_test, batch_size=128, epochs=1, verbose=0)
    callback = CustomCallback()
    model.evaluate(x_test, y_test, batch_size=128, verbose=0, callbacks=[callback])
    assert callback.hooks() == [
        "on_test_begin",
        "on_test_batch_begin", "on_test_batch_end",
        "on_test_batch_begin", "on_test_batch_end",
        "on_test_end"]


def test_basic_example_predict_fires_the_predict_hooks():
    x_test, y_test = _mnist_like()
    model = get_model()
    model.fit(x_test, y_test, batch_size=128, epochs=1, verbose=0)
    callback = CustomCallback()
    res = model.predict(x_test, batch_size=128, callbacks=[callback], verbose=0)
    assert res.shape == (256, 1)
    assert callback.hooks() == [
        "on_predict_begin",
        "on_predict_batch_begin", "on_predict_batch_end",
        "on_predict_batch_begin", "on_predict_batch_end",
        "on_predict_end"]
    # Keras hands each predict batch's outputs to on_predict_batch_end.
    assert callback.calls[2][2] == ["outputs"]


class LossAndErrorPrintingCallback(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.seen = {"train_batch": [], "test_batch": [], "epoch": []}

    def on_train_batch_end(self, batch, logs=None):
        self.seen["train_batch"].append(logs["loss"])
        print("Up to batch {}, the average loss is {:7.2f}.".format(batch, logs["loss"]))

    def on_test_batch_end(self, batch, logs=None):
        self.seen["test_batch"].append(logs["loss"])
        print("Up to batch {}, the average loss is {:7.2f}.".format(batch, logs["loss"]))

    def on_epoch_end(self, epoch, logs=None):
        self.seen["epoch"].append((logs["loss"], logs["mean_absolute_error"]))
        print(
            "The average loss for epoch {} is {:7.2f} "
            "and mean absolute error is {:7.2f}.".format(
                epoch, logs["loss"], logs["mean_absolute_error"]
            )
        )


def test_usage_of_logs_dict_in_fit():
    x_train, y_train = _mnist_like()
    model = get_model()
    callback = LossAndErrorPrintingCallback()
    history = model.fit(x_train, y_train, batch_size=128, epochs=2, verbose=0,
                        callbacks=[callback])
    assert len(callback.seen["train_batch"]) == 4
    assert [loss for loss, _ in callback.seen["epoch"]] == pytest.approx(
        history.history["loss"])
    # A batch's logs["loss"] is the running average over the epoch so far: the epoch's loss
    # is its last batch's.
    assert callback.seen["train_batch"][1] == pytest.approx(history.history["loss"][0])


def test_usage_of_logs_dict_in_evaluate():
    x_test, y_test = _mnist_like()
    model = get_model()
    callback = LossAndErrorPrintingCallback()
    res = model.evaluate(x_test, y_test, batch_size=128, verbose=0, callbacks=[callback])
    assert len(callback.seen["test_batch"]) == 2
    assert callback.seen["test_batch"][-1] == pytest.approx(res[0])


class EarlyStoppingAtMinLoss(keras.callbacks.Callback):
    """Stop training when the loss is at its min, i.e. the loss stops decreasing.

    Arguments:
        patience: Number of epochs to wait after min has been hit. After this
        number of no improvement, training stops.
    """

    def __init__(self, patience=0):
        super().__init__()
        self.patience = patience
        self.best_weights = None

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        # The guide's np.Inf is gone from NumPy 2.
        self.best = np.inf

    def on_epoch_end(self, epoch, logs=None):
        current = logs.get("loss")
        if np.less(current, self.best):
            self.best = current
            self.wait = 0
            self.best_weights = self.model.get_weights()
        else:
            self.wait += 1
            if self.wait >= self.patience:
                self.stopped_epoch = epoch
                self.model.stop_training = True
                print("Restoring model weights from the end of the best epoch.")
                self.model.set_weights(self.best_weights)

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")


def test_early_stopping_at_minimum_loss():
    x_train, y_train = _mnist_like()
    model = get_model()
    stopper = EarlyStoppingAtMinLoss()
    history = model.fit(
        x_train,
        y_train,
        batch_size=64,
        epochs=30,
        verbose=0,
        callbacks=[LossAndErrorPrintingCallback(), stopper],
    )
    epochs_run = len(history.history["loss"])
    assert 0 < stopper.stopped_epoch == epochs_run - 1 < 29
    assert min(history.history["loss"]) == pytest.approx(stopper.best)
    for restored, best in zip(model.get_weights(), stopper.best_weights):
        np.testing.assert_array_equal(restored, best)


class CustomLearningRateScheduler(keras.callbacks.Callback):
    """Learning rate scheduler which sets the learning rate according to schedule.

    Arguments:
        schedule: a function that takes an epoch index
            (integer, indexed from 0) and current learning rate
            as inputs and returns a new learning rate as output (float).
    """

    def __init__(self, schedule):
        super().__init__()
        self.schedule = schedule
        self.rates = []

    def on_epoch_begin(self, epoch, logs=None):
        if not hasattr(self.model.optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        lr = self.model.optimizer.learning_rate
        scheduled_lr = self.schedule(epoch, lr)
        self.model.optimizer.learning_rate = scheduled_lr
        self.rates.append(float(np.array(scheduled_lr)))
        print(f"\nEpoch {epoch}: Learning rate is {float(np.array(scheduled_lr))}.")


LR_SCHEDULE = [
    # (epoch to start, learning rate) tuples
    (3, 0.05),
    (6, 0.01),
    (9, 0.005),
    (12, 0.001),
]


def lr_schedule(epoch, lr):
    """Helper function to retrieve the scheduled learning rate based on epoch."""
    if epoch < LR_SCHEDULE[0][0] or epoch > LR_SCHEDULE[-1][0]:
        return lr
    for i in range(len(LR_SCHEDULE)):
        if epoch == LR_SCHEDULE[i][0]:
            return LR_SCHEDULE[i][1]
    return lr


def test_learning_rate_scheduling():
    x_train, y_train = _mnist_like(64)
    model = get_model()
    scheduler = CustomLearningRateScheduler(lr_schedule)
    model.fit(
        x_train,
        y_train,
        batch_size=64,
        epochs=15,
        verbose=0,
        callbacks=[
            LossAndErrorPrintingCallback(),
            scheduler,
        ],
    )
    assert scheduler.rates == pytest.approx(
        [0.1] * 3 + [0.05] * 3 + [0.01] * 3 + [0.005] * 3 + [0.001] * 3)
    assert float(np.array(model.optimizer.learning_rate)) == pytest.approx(0.001)
