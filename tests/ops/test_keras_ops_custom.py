"""A custom loss and a custom metric written as the Keras guides write them with keras.ops
train in lamina once the import reads ``from lamina import ops``."""
import numpy as np

from lamina import layers, metrics, models, ops, optimizers


def focal_loss(y_true, y_pred, gamma=2.0, alpha=0.25):
    """Binary focal loss (Lin et al.), in the style of the Keras custom-loss guide."""
    y_pred = ops.clip(y_pred, 1e-7, 1.0 - 1e-7)
    y_true = ops.cast(y_true, y_pred.dtype)
    p_t = ops.where(ops.equal(y_true, 1.0), y_pred, 1.0 - y_pred)
    alpha_t = ops.where(ops.equal(y_true, 1.0), alpha, 1.0 - alpha)
    loss = -alpha_t * ops.power(1.0 - p_t, gamma) * ops.log(p_t)
    return ops.mean(loss, axis=-1)


def smooth_mse(y_true, y_pred):
    return ops.mean(ops.square(y_pred - y_true), axis=-1) + 0.01 * ops.mean(ops.abs(y_pred))


class CategoricalTruePositives(metrics.Metric):
    """The Keras guide's metric subclass, with keras.ops in update_state."""

    def __init__(self, name="categorical_true_positives", **kwargs):
        super().__init__(name=name, **kwargs)
        self.true_positives = self.add_variable(shape=(), name="ctp", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.reshape(ops.argmax(y_pred, axis=1), (-1, 1))
        values = ops.cast(y_true, "int32") == ops.cast(y_pred, "int32")
        values = ops.cast(values, "float32")
        if sample_weight is not None:
            values = ops.multiply(values, ops.cast(sample_weight, "float32"))
        self.true_positives.assign_add(ops.sum(values))

    def result(self):
        return self.true_positives.value


class BinaryAccuracyFromOps(metrics.Metric):
    def __init__(self, name="acc_ops", **kwargs):
        super().__init__(name=name, **kwargs)
        self.hits = self.add_variable(shape=(), name="hits")
        self.seen = self.add_variable(shape=(), name="seen")

    def update_state(self, y_true, y_pred, sample_weight=None):
        pred = ops.cast(ops.greater(y_pred, 0.5), "float32")
        self.hits.assign_add(ops.sum(ops.cast(ops.equal(pred, y_true), "float32")))
        self.seen.assign_add(ops.size(y_true))

    def result(self):
        return ops.divide_no_nan(self.hits.value, self.seen.value)


def _blobs(n=128):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 2)).astype("float32")
    y = (x[:, :1] + x[:, 1:] > 0).astype("float32")
    return x, y


def test_focal_loss_and_ops_metric_train():
    x, y = _blobs()
    model = models.Sequential([layers.Input((2,)), layers.Dense(8, activation="relu"),
                               layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss=focal_loss, metrics=[BinaryAccuracyFromOps()])
    hist = model.fit(x, y, epochs=30, batch_size=32, verbose=0)
    losses = hist.history["loss"]
    assert np.isfinite(losses).all() and losses[-1] < 0.6 * losses[0]
    assert hist.history["acc_ops"][-1] > 0.85


def test_guide_true_positives_metric_counts_during_fit():
    x, y2 = _blobs()
    y = y2.astype("int64")  # sparse labels 0/1
    model = models.Sequential([layers.Input((2,)), layers.Dense(2, activation="softmax")])
    model.compile(optimizer=optimizers.Adam(0.05), loss="sparse_categorical_crossentropy",
                  metrics=[CategoricalTruePositives()])
    hist = model.fit(x, y, epochs=15, batch_size=32, verbose=0)
    tp = hist.history["categorical_true_positives"]  # a count over the epoch's samples
    assert 0.85 * len(x) < tp[-1] <= len(x)
    assert model.evaluate(x, y, verbose=0)[1] == np.sum(
        np.argmax(model.predict(x, verbose=0), 1) == y[:, 0])


def test_custom_loss_with_ops_on_a_regression_model():
    x, y = _blobs()
    model = models.Sequential([layers.Input((2,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss=smooth_mse)
    hist = model.fit(x, x.sum(1, keepdims=True), epochs=10, batch_size=16, verbose=0)
    assert hist.history["loss"][-1] < 0.2 * hist.history["loss"][0]
