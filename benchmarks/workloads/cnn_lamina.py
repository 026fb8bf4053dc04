"""W3 on lamina: the Keras MNIST convnet with the import changed."""
import numpy as np
from cnn_common import BATCH, EPS, LR

import lamina
from lamina import layers, optimizers


def versions():
    return {"lamina": lamina.__version__, "numpy": np.__version__}


def seed(value):
    lamina.backend.set_random_seed(value)


def build(weights):
    model = lamina.Sequential([
        lamina.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax")])
    model.compile(optimizer=optimizers.Adam(learning_rate=LR, epsilon=EPS),
                  loss="categorical_crossentropy", metrics=["accuracy"])
    model.set_weights(weights)
    return model


def fit(model, x, y_onehot, y_labels, epochs=1):
    """The timed call; returns the last epoch's training loss."""
    h = model.fit(x, y_onehot, batch_size=BATCH, epochs=epochs, shuffle=True, verbose=0)
    return h.history["loss"][-1]


def accuracy(model, x, y_labels):
    pred = np.asarray(model.predict(x, batch_size=500, verbose=0))
    return float(np.mean(pred.argmax(axis=1) == y_labels))
