"""keras.io guide "Training & evaluation with the built-in methods"
(guides/training_with_built_in_methods.py), run on lamina.

Each test is one section of the guide with only the imports changed; MNIST is replaced by
random arrays of its shapes (fewer samples). Sections built on tf.data or torch DataLoader
are left out: they need TensorFlow/PyTorch, not the Keras API.
"""
import os  # noqa: I001 -- the guide's import lines, kept one per line
import numpy as np
import pytest

import lamina as keras
from lamina import layers
from lamina import ops

N_TRAIN, N_VAL, N_TEST = 256, 64, 64


@pytest.fixture
def mnist():
    """(x_train, y_train), (x_val, y_val), (x_test, y_test) as the guide prepares them."""
    def split(n):
        x = np.random.randint(0, 256, size=(n, 784)).astype("float32") / 255
        return x, np.random.randint(0, 10, size=(n,)).astype("float32")
    return split(N_TRAIN), split(N_VAL), split(N_TEST)


def get_uncompiled_model():
    inputs = keras.Input(shape=(784,), name="digits")
    x = layers.Dense(64, activation="relu", name="dense_1")(inputs)
    x = layers.Dense(64, activation="relu", name="dense_2")(x)
    outputs = layers.Dense(10, activation="softmax", name="predictions")(x)
    model = keras.Model(inputs=inputs, outputs=outputs)
    return model


def get_compiled_model():
    model = get_uncompiled_model()
    model.compile(
        optimizer="rmsprop",
        loss="sparse_categorical_crossentropy",
        metrics=["sparse_categorical_accuracy"],
    )
    return model


def test_api_overview_end_to_end(mnist):
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = mnist
    model = get_uncompiled_model()
    model.compile(
        optimizer=keras.optimizers.RMSprop(),  # Optimizer
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=[keras.metrics.SparseCategoricalAccuracy()],
    )
    history = model.fit(
        x_train,
        y_train,
        batch_size=64,
        epochs=2,
        validation_data=(x_val, y_val),
        verbose=0,
    )
    assert set(history.history) == {"loss", "sparse_categorical_accuracy", "val_loss",
                                    "val_sparse_categorical_accuracy"}
    assert history.history["loss"][1] < history.history["loss"][0]

    results = model.evaluate(x_test, y_test, batch_size=128, verbose=0)
    assert len(results) == 2

    predictions = model.predict(x_test[:3], verbose=0)
    assert predictions.shape == (3, 10)
    np.testing.assert_allclose(predictions.sum(axis=1), 1.0, rtol=1e-5)


def test_compile_with_objects_or_string_identifiers(mnist):
    (x_train, y_train), _, _ = mnist
    model = get_uncompiled_model()
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=[keras.metrics.SparseCategoricalAccuracy()],
    )
    model.compile(
        optimizer="rmsprop",
        loss="sparse_categorical_crossentropy",
        metrics=["sparse_categorical_accuracy"],
    )
    history = model.fit(x_train, y_train, batch_size=64, epochs=1, verbose=0)
    assert set(history.history) == {"loss", "sparse_categorical_accuracy"}


def custom_mean_squared_error(y_true, y_pred):
    return ops.mean(ops.square(y_true - y_pred), axis=-1)


def test_custom_loss_function(mnist):
    (x_train, y_train), _, _ = mnist
    model = get_uncompiled_model()
    model.compile(optimizer=keras.optimizers.Adam(), loss=custom_mean_squared_error)

    y_train_one_hot = ops.one_hot(y_train, num_classes=10)
    history = model.fit(x_train, y_train_one_hot, batch_size=64, epochs=2, verbose=0)
    assert history.history["loss"][1] < history.history["loss"][0]
    predictions = model.predict(x_train, verbose=0)
    expected = np.mean(np.mean((np.asarray(y_train_one_hot) - predictions) ** 2, axis=-1))
    np.testing.assert_allclose(model.evaluate(x_train, y_train_one_hot, verbose=0), expected,
                               rtol=1e-4)


class CustomMSE(keras.losses.Loss):
    def __init__(self, regularization_factor=0.1, name="custom_mse"):
        super().__init__(name=name)
        self.regularization_factor = regularization_factor

    def call(self, y_true, y_pred):
        mse = ops.mean(ops.square(y_true - y_pred), axis=-1)
        reg = ops.mean(ops.square(0.5 - y_pred), axis=-1)
        return mse + reg * self.regularization_factor


def test_custom_loss_subclass(mnist):
    (x_train, y_train), _, _ = mnist
    model = get_uncompiled_model()
    model.compile(optimizer=keras.optimizers.Adam(), loss=CustomMSE())

    y_train_one_hot = ops.one_hot(y_train, num_classes=10)
    model.fit(x_train, y_train_one_hot, batch_size=64, epochs=1, verbose=0)
    predictions = model.predict(x_train, verbose=0)
    y = np.asarray(y_train_one_hot)
    expected = np.mean(np.mean((y - predictions) ** 2, axis=-1)
                       + 0.1 * np.mean((0.5 - predictions) ** 2, axis=-1))
    np.testing.assert_allclose(model.evaluate(x_train, y_train_one_hot, verbose=0), expected,
                               rtol=1e-4)


class CategoricalTruePositives(keras.metrics.Metric):
    def __init__(self, name="categorical_true_positives", **kwargs):
        super().__init__(name=name, **kwargs)
        self.true_positives = self.add_variable(shape=(), name="ctp", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.reshape(ops.argmax(y_pred, axis=1), (-1, 1))
        values = ops.cast(y_true, "int32") == ops.cast(y_pred, "int32")
        values = ops.cast(values, "float32")
        if sample_weight is not None:
            sample_weight = ops.cast(sample_weight, "float32")
            values = ops.multiply(values, sample_weight)
        self.true_positives.assign_add(ops.sum(values))

    def result(self):
        return self.true_positives

    def reset_state(self):
        # The state of the metric will be reset at the start of each epoch.
        self.true_positives.assign(0.0)


def test_custom_metric(mnist):
    (x_train, y_train), _, _ = mnist
    metric = CategoricalTruePositives()
    y_pred = np.eye(10, dtype="float32")[[1, 2, 3, 3]]
    metric.update_state(np.array([[1], [2], [0], [3]]), y_pred)
    assert float(np.asarray(metric.result())) == 3.0
    metric.reset_state()
    assert float(np.asarray(metric.result())) == 0.0

    model = get_uncompiled_model()
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=[CategoricalTruePositives()],
    )
    history = model.fit(x_train, y_train, batch_size=64, epochs=3, verbose=0)
    assert len(history.history["categorical_true_positives"]) == 3
    # As in Keras, y_true (n,) == y_pred (n, 1) broadcasts to an (n, n) table per batch, so
    # the count runs past n (the guide's log shows six-figure counts); evaluate resets the
    # state, then sums the batches.
    _, count = model.evaluate(x_train, y_train, batch_size=64, verbose=0)
    predicted = model.predict(x_train, verbose=0).argmax(axis=1)
    expected = sum(np.sum(y_train[i:i + 64][None, :] == predicted[i:i + 64][:, None])
                   for i in range(0, N_TRAIN, 64))
    assert count == expected


class ActivityRegularizationLayer(layers.Layer):
    def call(self, inputs):
        self.add_loss(ops.sum(inputs) * 0.1)
        return inputs  # Pass-through layer.


def test_add_loss_from_a_layer_adds_to_the_compiled_loss(mnist):
    (x_train, y_train), _, _ = mnist
    inputs = keras.Input(shape=(784,), name="digits")
    x = layers.Dense(64, activation="relu", name="dense_1")(inputs)
    x = ActivityRegularizationLayer()(x)
    x = layers.Dense(64, activation="relu", name="dense_2")(x)
    outputs = layers.Dense(10, name="predictions")(x)

    model = keras.Model(inputs=inputs, outputs=outputs)
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    # The evaluated loss is the cross-entropy of the logits plus 0.1 * sum of dense_1's
    # activations (the layer's add_loss), over one batch of 64.
    xb, yb = x_train[:64], y_train[:64].astype(int)
    logits = model.predict(xb, verbose=0).astype("float64")
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_softmax = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    crossentropy = -np.mean(log_softmax[np.arange(64), yb])
    kernel, bias = model.get_layer("dense_1").get_weights()
    activity = 0.1 * np.maximum(xb @ kernel + bias, 0).sum()
    np.testing.assert_allclose(model.evaluate(xb, yb, batch_size=64, verbose=0),
                               crossentropy + activity, rtol=1e-4)
    model.fit(x_train, y_train, batch_size=64, epochs=1, verbose=0)


class LogisticEndpoint(keras.layers.Layer):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)

    def call(self, targets, logits, sample_weights=None):
        loss = self.loss_fn(targets, logits, sample_weights)
        self.add_loss(loss)
        return ops.softmax(logits)


@pytest.mark.xfail(strict=True, reason="a custom layer whose call takes several tensors "
                   "(call(self, targets, logits)) crashes in the output-shape dry run "
                   "(compile() without a loss is allowed now)")
def test_logistic_endpoint_compiled_without_a_loss():
    inputs = keras.Input(shape=(3,), name="inputs")
    targets = keras.Input(shape=(10,), name="targets")
    logits = keras.layers.Dense(10)(inputs)
    predictions = LogisticEndpoint(name="predictions")(targets, logits)

    model = keras.Model(inputs=[inputs, targets], outputs=predictions)
    model.compile(optimizer="adam")  # No loss argument!

    data = {
        "inputs": np.random.random((3, 3)),
        "targets": np.random.random((3, 10)),
    }
    history = model.fit(data, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_validation_split_holds_out_the_last_samples(mnist):
    (x_train, y_train), _, _ = mnist
    model = get_compiled_model()
    history = model.fit(x_train, y_train, batch_size=64, validation_split=0.2, epochs=1,
                        verbose=0)
    # The holdout is the last 20% of the arrays, before any shuffling.
    val = get_compiled_model()
    val.set_weights(model.get_weights())
    cut = int(N_TRAIN * 0.8)
    np.testing.assert_allclose(history.history["val_loss"][0],
                               val.evaluate(x_train[cut:], y_train[cut:], verbose=0)[0],
                               rtol=1e-5)


# "Training & evaluation using tf.data Datasets" and "... PyTorch DataLoader objects", and
# the sample-weighted tf.data example, need TensorFlow/PyTorch: not ported.


class ExamplePyDataset(getattr(keras.utils, "PyDataset", object)):
    def __init__(self, x, y, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x = x
        self.y = y
        self.batch_size = batch_size

    def __len__(self):
        return int(np.ceil(len(self.x) / float(self.batch_size)))

    def __getitem__(self, idx):
        batch_x = self.x[idx * self.batch_size : (idx + 1) * self.batch_size]
        batch_y = self.y[idx * self.batch_size : (idx + 1) * self.batch_size]
        return batch_x, batch_y


@pytest.mark.xfail(strict=True, reason="keras.utils.PyDataset missing: fit/evaluate take no "
                   "batch-yielding dataset objects")
def test_training_with_pydataset_instances(mnist):
    (x_train, y_train), (x_val, y_val), _ = mnist
    assert hasattr(keras.utils, "PyDataset")
    train_py_dataset = ExamplePyDataset(x_train, y_train, batch_size=32)
    val_py_dataset = ExamplePyDataset(x_val, y_val, batch_size=32)
    model = get_compiled_model()
    history = model.fit(train_py_dataset, batch_size=64, validation_data=val_py_dataset,
                        epochs=1, verbose=0)
    assert "val_loss" in history.history
    model.evaluate(val_py_dataset, verbose=0)

    train_py_dataset = ExamplePyDataset(x_train, y_train, batch_size=32, workers=4)
    val_py_dataset = ExamplePyDataset(x_val, y_val, batch_size=32, workers=4)
    model = get_compiled_model()
    model.fit(train_py_dataset, batch_size=64, validation_data=val_py_dataset, epochs=1,
              verbose=0)


class_weight = {
    0: 1.0, 1: 1.0, 2: 1.0, 3: 1.0, 4: 1.0,
    # Set weight "2" for class "5", making this class 2x more important
    5: 2.0,
    6: 1.0, 7: 1.0, 8: 1.0, 9: 1.0,
}


def test_class_weights_equal_the_matching_sample_weights(mnist):
    (x_train, y_train), _, _ = mnist
    model = get_compiled_model()
    start = model.get_weights()
    by_class = model.fit(x_train, y_train, class_weight=class_weight, batch_size=64, epochs=1,
                         shuffle=False, verbose=0)

    sample_weight = np.ones(shape=(len(y_train),))
    sample_weight[y_train == 5] = 2.0
    model = get_compiled_model()
    model.set_weights(start)
    by_sample = model.fit(x_train, y_train, sample_weight=sample_weight, batch_size=64,
                          epochs=1, shuffle=False, verbose=0)
    np.testing.assert_allclose(by_class.history["loss"], by_sample.history["loss"], rtol=1e-5)


def _two_io_model():
    image_input = keras.Input(shape=(32, 32, 3), name="img_input")
    timeseries_input = keras.Input(shape=(None, 10), name="ts_input")
    x1 = layers.Conv2D(3, 3)(image_input)
    x1 = layers.GlobalMaxPooling2D()(x1)
    x2 = layers.Conv1D(3, 3)(timeseries_input)
    x2 = layers.GlobalMaxPooling1D()(x2)
    x = layers.concatenate([x1, x2])
    score_output = layers.Dense(1, name="score_output")(x)
    class_output = layers.Dense(5, name="class_output")(x)
    return keras.Model(
        inputs=[image_input, timeseries_input], outputs=[score_output, class_output]
    )


def test_multi_input_multi_output_compile_variants():
    model = _two_io_model()
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=[keras.losses.MeanSquaredError(), keras.losses.CategoricalCrossentropy()],
    )
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=[keras.losses.MeanSquaredError(), keras.losses.CategoricalCrossentropy()],
        metrics=[
            [keras.metrics.MeanAbsolutePercentageError(), keras.metrics.MeanAbsoluteError()],
            [keras.metrics.CategoricalAccuracy()],
        ],
    )
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss={
            "score_output": keras.losses.MeanSquaredError(),
            "class_output": keras.losses.CategoricalCrossentropy(),
        },
        metrics={
            "score_output": [
                keras.metrics.MeanAbsolutePercentageError(),
                keras.metrics.MeanAbsoluteError(),
            ],
            "class_output": [keras.metrics.CategoricalAccuracy()],
        },
        loss_weights={"score_output": 2.0, "class_output": 1.0},
    )
    img_data = np.random.random_sample(size=(16, 32, 32, 3))
    ts_data = np.random.random_sample(size=(16, 20, 10))
    score_targets = np.random.random_sample(size=(16, 1))
    class_targets = np.random.random_sample(size=(16, 5))
    history = model.fit([img_data, ts_data], [score_targets, class_targets], batch_size=8,
                        epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])

    # Outputs meant for prediction only: no loss for them.
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=[None, keras.losses.CategoricalCrossentropy()],
    )
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss={"class_output": keras.losses.CategoricalCrossentropy()},
    )


def test_multi_input_multi_output_fit_on_lists_and_dicts():
    model = _two_io_model()
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=[keras.losses.MeanSquaredError(), keras.losses.CategoricalCrossentropy()],
    )
    img_data = np.random.random_sample(size=(16, 32, 32, 3))
    ts_data = np.random.random_sample(size=(16, 20, 10))
    score_targets = np.random.random_sample(size=(16, 1))
    class_targets = np.random.random_sample(size=(16, 5))

    start = model.get_weights()
    on_lists = model.fit([img_data, ts_data], [score_targets, class_targets], batch_size=8,
                         epochs=1, shuffle=False, verbose=0)
    model.set_weights(start)
    on_dicts = model.fit(
        {"img_input": img_data, "ts_input": ts_data},
        {"score_output": score_targets, "class_output": class_targets},
        batch_size=8,
        epochs=1,
        shuffle=False,
        verbose=0,
    )
    # Same weights, data and order: equal up to float32 summation order.
    np.testing.assert_allclose(on_lists.history["loss"], on_dicts.history["loss"], rtol=1e-4)


def test_early_stopping_callback(mnist):
    (x_train, y_train), _, _ = mnist
    model = get_compiled_model()
    callbacks = [
        keras.callbacks.EarlyStopping(
            monitor="val_loss",
            min_delta=1e-2,
            patience=2,
            verbose=1,
        )
    ]
    history = model.fit(x_train, y_train, epochs=20, batch_size=64, callbacks=callbacks,
                        validation_split=0.2, verbose=0)
    # Random labels: validation stops improving long before 20 epochs.
    val_loss = history.history["val_loss"]
    assert len(val_loss) < 20
    best = int(np.argmin(val_loss))
    assert len(val_loss) - 1 - best >= 2 or val_loss[-1] > min(val_loss[:-2]) - 1e-2


class LossHistory(keras.callbacks.Callback):
    def on_train_begin(self, logs):
        self.per_batch_losses = []

    def on_batch_end(self, batch, logs):
        self.per_batch_losses.append(logs.get("loss"))


def test_writing_your_own_callback(mnist):
    (x_train, y_train), _, _ = mnist
    model = get_compiled_model()
    history = LossHistory()
    model.fit(x_train, y_train, batch_size=64, epochs=1, callbacks=[history], verbose=0)
    assert len(history.per_batch_losses) == N_TRAIN // 64


def test_checkpointing_models(mnist, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (x_train, y_train), _, _ = mnist
    model = get_compiled_model()
    callbacks = [
        keras.callbacks.ModelCheckpoint(
            filepath="mymodel_{epoch}.keras",
            save_best_only=True,  # Only save a model if `val_loss` has improved.
            monitor="val_loss",
            verbose=1,
        )
    ]
    model.fit(x_train, y_train, epochs=2, batch_size=64, callbacks=callbacks,
              validation_split=0.2, verbose=0)
    assert os.path.exists("mymodel_1.keras")


def test_fault_tolerance_with_checkpoints(mnist, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (x_train, y_train), _, _ = mnist
    checkpoint_dir = "./ckpt"
    if not os.path.exists(checkpoint_dir):
        os.makedirs(checkpoint_dir)

    def make_or_restore_model():
        checkpoints = [checkpoint_dir + "/" + name for name in os.listdir(checkpoint_dir)]
        if checkpoints:
            latest_checkpoint = max(checkpoints, key=os.path.getctime)
            print("Restoring from", latest_checkpoint)
            return keras.models.load_model(latest_checkpoint)
        print("Creating a new model")
        return get_compiled_model()

    model = make_or_restore_model()
    callbacks = [
        # The guide saves every 100 batches; there are 8 batches here.
        keras.callbacks.ModelCheckpoint(
            filepath=checkpoint_dir + "/model-loss={loss:.2f}.keras", save_freq=4
        )
    ]
    model.fit(x_train, y_train, epochs=1, callbacks=callbacks, verbose=0)
    saved = os.listdir(checkpoint_dir)
    assert saved and all(name.startswith("model-loss=") for name in saved)

    restored = make_or_restore_model()
    assert restored.optimizer is not None
    assert len(restored.get_weights()) == len(model.get_weights())


def test_learning_rate_schedule_passed_to_an_optimizer(mnist):
    (x_train, y_train), _, _ = mnist
    initial_learning_rate = 0.1
    lr_schedule = keras.optimizers.schedules.ExponentialDecay(
        initial_learning_rate, decay_steps=100000, decay_rate=0.96, staircase=True
    )
    optimizer = keras.optimizers.RMSprop(learning_rate=lr_schedule)
    assert float(lr_schedule(0)) == pytest.approx(0.1)
    assert float(lr_schedule(200000)) == pytest.approx(0.1 * 0.96 ** 2)

    model = get_uncompiled_model()
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
    model.fit(x_train, y_train, batch_size=64, epochs=1, verbose=0)


def test_tensorboard_callback(mnist, tmp_path):
    (x_train, y_train), _, _ = mnist
    tensorboard = keras.callbacks.TensorBoard(
        log_dir=str(tmp_path / "logs"),
        histogram_freq=0,  # How often to log histogram visualizations
        embeddings_freq=0,  # How often to log embedding visualizations
        update_freq="epoch",
    )  # How often to write logs (default: once per epoch)
    model = get_compiled_model()
    model.fit(x_train, y_train, batch_size=64, epochs=1, callbacks=[tensorboard], verbose=0)
    written = [f for _, _, files in os.walk(tmp_path / "logs") for f in files]
    assert any(f.startswith("events.out.tfevents") for f in written)
