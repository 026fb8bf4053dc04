"""Boston Housing the Keras way, with lamina: z-scored features, Dense(50, relu) -> Dense(1).

The same network as kerasR's example (examples/boston_kerasr.py), but the features are
standardized with the training set's mean and std instead of dividing each row by its
L2 norm, which lets the largest features (TAX, B) swamp the rest.

Run: python examples/boston_keras.py   (offline: pip install 'lamina[data]')
"""
import numpy as np

import lamina
from lamina import layers, optimizers
from lamina.datasets import boston_housing

lamina.backend.set_random_seed(42)

(x_train, y_train), (x_test, y_test) = boston_housing.load_data()

mean, std = x_train.mean(axis=0), x_train.std(axis=0)
x_train = (x_train - mean) / std
x_test = (x_test - mean) / std  # the training set's statistics, never the test set's

model = lamina.Sequential([
    layers.Input(shape=(13,)),
    layers.Dense(50, activation="relu"),
    layers.Dense(1),
])
model.compile(optimizer=optimizers.RMSprop(learning_rate=1e-3), loss="mse", metrics=["mae"])
model.summary()
model.fit(x_train, y_train, batch_size=32, epochs=200, validation_split=0.1, verbose=2)

pred = model.predict(x_test, verbose=0).ravel()
print(f"test score std(pred - y) / std(y): {np.std(pred - y_test) / np.std(y_test):.4f}")
