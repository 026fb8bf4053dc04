"""W1 / W5 on lamina: the Keras example, with the import changed."""
import numpy as np
from bench_common import BATCH_SIZE, EPOCHS, EPS, HIDDEN, LR, RHO, VALIDATION_SPLIT

import lamina
from lamina import layers, optimizers


def versions():
    return {"lamina": lamina.__version__, "numpy": np.__version__}


def build(weights):
    model = lamina.Sequential([lamina.Input(shape=(13,)), layers.Dense(HIDDEN),
                               layers.Activation("relu"), layers.Dense(1)])
    model.compile(optimizer=optimizers.RMSprop(learning_rate=LR, rho=RHO, epsilon=EPS),
                  loss="mse")
    model.set_weights(weights)
    return model


def seed(value):
    lamina.backend.set_random_seed(value)


def fit(model, x, y, epochs=EPOCHS):
    """The timed call; returns (last training loss, last val_loss)."""
    h = model.fit(x, y, batch_size=BATCH_SIZE, epochs=epochs,
                  validation_split=VALIDATION_SPLIT, shuffle=True, verbose=0)
    return h.history["loss"][-1], h.history["val_loss"][-1]


def predict(model, x):
    return np.asarray(model.predict(x, verbose=0))


def w5_calls(model, x_row):
    """The single-row inference calls W5 times: name -> zero-argument function."""
    no_grad = lamina.no_grad

    def direct():
        with no_grad():
            return model(x_row)

    return {"predict": lambda: model.predict(x_row, verbose=0), "call": direct}
