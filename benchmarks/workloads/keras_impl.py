"""W1 / W5 on Keras 3; the backend is chosen by KERAS_BACKEND before keras is imported."""
import keras
import numpy as np
from bench_common import BATCH_SIZE, EPOCHS, EPS, HIDDEN, LR, RHO, VALIDATION_SPLIT


def versions():
    out = {"keras": keras.__version__, "backend": keras.backend.backend(),
           "numpy": np.__version__}
    name = keras.backend.backend()
    mod = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}.get(name)
    if mod:
        out[mod] = __import__(mod).__version__
    return out


def build(weights):
    model = keras.Sequential([keras.Input(shape=(13,)), keras.layers.Dense(HIDDEN),
                              keras.layers.Activation("relu"), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=LR, rho=RHO, epsilon=EPS),
                  loss="mse")
    model.set_weights(weights)
    return model


def seed(value):
    keras.utils.set_random_seed(value)


def fit(model, x, y, epochs=EPOCHS):
    h = model.fit(x, y, batch_size=BATCH_SIZE, epochs=epochs,
                  validation_split=VALIDATION_SPLIT, shuffle=True, verbose=0)
    return h.history["loss"][-1], h.history["val_loss"][-1]


def predict(model, x):
    return np.asarray(model.predict(x, verbose=0))


def w5_calls(model, x_row):
    # Keras recommends model(x) over predict() for a small batch (predict builds a data
    # pipeline each call); model(x) returns a backend tensor.
    return {"predict": lambda: model.predict(x_row, verbose=0), "call": lambda: model(x_row)}
