"""W2 / W4 on Keras 3; the backend is chosen by KERAS_BACKEND before keras is imported."""
import keras
import numpy as np
from rnn_common import (
    W2_BITS,
    W2_LR,
    W2_UNITS,
    W4_BATCH,
    W4_EMBED,
    W4_LEN,
    W4_LR,
    W4_UNITS,
    W4_VOCAB,
)


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


def w2_build(weights):
    model = keras.Sequential([
        keras.Input(shape=(W2_BITS, 2)),
        keras.layers.SimpleRNN(W2_UNITS, activation="sigmoid", return_sequences=True),
        keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=W2_LR), loss="mse")
    model.set_weights(weights)
    return model


def w2_fit(model, x, y):
    h = model.fit(x, y, batch_size=1, epochs=1, shuffle=False, verbose=0)
    return h.history["loss"][-1]


def w2_predict(model, x):
    return np.asarray(model.predict(x, batch_size=1000, verbose=0))


def w4_build(weights):
    model = keras.Sequential([
        keras.Input(shape=(W4_LEN,), dtype="int32"),
        keras.layers.Embedding(W4_VOCAB, W4_EMBED),
        keras.layers.LSTM(W4_UNITS),
        keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=W4_LR),
                  loss="binary_crossentropy")
    model.set_weights(weights)
    return model


def w4_fit(model, x, y):
    h = model.fit(x, y, batch_size=W4_BATCH, epochs=1, shuffle=False, verbose=0)
    return h.history["loss"][-1]
