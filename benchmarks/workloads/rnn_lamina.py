"""W2 / W4 on lamina: the Keras code with the import changed."""
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

import lamina
from lamina import layers, optimizers


def versions():
    return {"lamina": lamina.__version__, "numpy": np.__version__}


def seed(value):
    lamina.backend.set_random_seed(value)


def w2_build(weights):
    model = lamina.Sequential([
        lamina.Input(shape=(W2_BITS, 2)),
        layers.SimpleRNN(W2_UNITS, activation="sigmoid", return_sequences=True),
        layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=optimizers.SGD(learning_rate=W2_LR), loss="mse")
    model.set_weights(weights)
    return model


def w2_fit(model, x, y):
    h = model.fit(x, y, batch_size=1, epochs=1, shuffle=False, verbose=0)
    return h.history["loss"][-1]


def w2_predict(model, x):
    return np.asarray(model.predict(x, batch_size=1000, verbose=0))


def w4_build(weights):
    model = lamina.Sequential([
        lamina.Input(shape=(W4_LEN,), dtype="int32"),
        layers.Embedding(W4_VOCAB, W4_EMBED),
        layers.LSTM(W4_UNITS),
        layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=optimizers.Adam(learning_rate=W4_LR), loss="binary_crossentropy")
    model.set_weights(weights)
    return model


def w4_fit(model, x, y):
    h = model.fit(x, y, batch_size=W4_BATCH, epochs=1, shuffle=False, verbose=0)
    return h.history["loss"][-1]
