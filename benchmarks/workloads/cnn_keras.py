"""W3 on Keras 3; the backend is chosen by KERAS_BACKEND before keras is imported."""
import keras
import numpy as np
from cnn_common import BATCH, EPS, LR


def versions():
    out = {"keras": keras.__version__, "backend": keras.backend.backend(),
           "numpy": np.__version__}
    mod = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}.get(
        keras.backend.backend())
    if mod:
        out[mod] = __import__(mod).__version__
    return out


def seed(value):
    keras.utils.set_random_seed(value)


def build(weights):
    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        keras.layers.MaxPooling2D(pool_size=(2, 2)),
        keras.layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        keras.layers.MaxPooling2D(pool_size=(2, 2)),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=LR, epsilon=EPS),
                  loss="categorical_crossentropy", metrics=["accuracy"])
    model.set_weights(weights)
    return model


def fit(model, x, y_onehot, y_labels, epochs=1):
    h = model.fit(x, y_onehot, batch_size=BATCH, epochs=epochs, shuffle=True, verbose=0)
    return h.history["loss"][-1]


def accuracy(model, x, y_labels):
    pred = np.asarray(model.predict(x, batch_size=500, verbose=0))
    return float(np.mean(pred.argmax(axis=1) == y_labels))
