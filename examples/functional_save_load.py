"""A functional model's whole life: build, train with callbacks, save, load, keep training.

Two inputs (Boston housing's 13 features, split into the first 6 and the other 7) share
nothing but a concatenated hidden layer; two outputs: the price (regression) and whether
it is above the median (classification). Training stops early on the validation loss,
the best model is checkpointed as a Keras 3 ``.keras`` file, reloaded, and trained on
exactly where it left off (optimizer state included). Runs offline in a few seconds.

    python examples/functional_save_load.py
"""
import os
import tempfile

import numpy as np

import lamina
from lamina import Input, Model, callbacks, layers

(x_train, y_train), (x_test, y_test) = lamina.datasets.boston_housing.load_data()
mean, std = x_train.mean(axis=0), x_train.std(axis=0)
x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
median = np.median(y_train)

lamina.backend.set_random_seed(0)
first = Input(shape=(6,), name="first")
rest = Input(shape=(7,), name="rest")
h = layers.concatenate([layers.Dense(32, activation="relu")(first),
                        layers.Dense(32, activation="relu")(rest)])
h = layers.Dense(32, activation="relu")(h)
price = layers.Dense(1, name="price")(h)
expensive = layers.Dense(1, activation="sigmoid", name="expensive")(h)
model = Model(inputs=[first, rest], outputs=[price, expensive])
model.compile(optimizer="adam",
              loss={"price": "mse", "expensive": "binary_crossentropy"},
              loss_weights={"price": 1.0, "expensive": 10.0},
              metrics={"price": ["mae"], "expensive": ["accuracy"]})
model.summary()

inputs = {"first": x_train[:, :6], "rest": x_train[:, 6:]}
targets = {"price": y_train, "expensive": (y_train > median).astype("float32")}
with tempfile.TemporaryDirectory() as folder:
    best = os.path.join(folder, "best.keras")
    history = model.fit(inputs, targets, epochs=300, batch_size=32, validation_split=0.2,
                        verbose=0, callbacks=[
                            callbacks.EarlyStopping(patience=20, restore_best_weights=True),
                            callbacks.ModelCheckpoint(best, save_best_only=True)])
    print(f"stopped after {len(history.history['loss'])} epochs; best val_loss "
          f"{min(history.history['val_loss']):.3f}")

    loaded = lamina.models.load_model(best)
    test_inputs = [x_test[:, :6], x_test[:, 6:]]
    p_model = model.predict(test_inputs, verbose=0)
    p_loaded = loaded.predict(test_inputs, verbose=0)
    print("loaded model predicts the same:",
          all(np.array_equal(a, b) for a, b in zip(p_model, p_loaded)))

    price_pred, expensive_pred = p_model
    score = np.std(price_pred.ravel() - y_test) / np.std(y_test)
    accuracy = np.mean((expensive_pred.ravel() > 0.5) == (y_test > median))
    print(f"test: std(pred - y) / std(y) = {score:.3f}, above-median accuracy = "
          f"{accuracy:.3f}")

    # the file holds the optimizer state too: training goes on where it stopped
    loaded.fit(inputs, targets, epochs=5, batch_size=32, verbose=0)
    test_loss = loaded.evaluate(test_inputs, [y_test, y_test > median], verbose=0)[0]
    print(f"after 5 more epochs of the loaded model: test loss {test_loss:.3f}")
