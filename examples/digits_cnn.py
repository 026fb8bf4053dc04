"""A small convnet on scikit-learn's 8x8 handwritten digits: runs offline, in seconds.

scikit-learn ships the 1797 digit images inside the package, so nothing is downloaded.
Conv2D(16, 3x3, same) -> MaxPooling2D -> Conv2D(32, 3x3) -> GlobalAveragePooling2D ->
Dense(10, softmax), with BatchNormalization; about 98 % accuracy on held-out digits.

Run: pip install 'lamina[examples]'   (scikit-learn)
     python examples/digits_cnn.py
"""
import numpy as np

import lamina
from lamina import layers, optimizers

try:
    from sklearn.datasets import load_digits
except ImportError:  # pragma: no cover - a clear message instead of a traceback
    raise SystemExit("This example needs scikit-learn: pip install 'lamina[examples]'") from None

lamina.backend.set_random_seed(0)
digits = load_digits()
x = (digits.images / 16.0).astype("float32")[..., None]     # (1797, 8, 8, 1) in [0, 1]
y = digits.target
order = np.random.default_rng(0).permutation(len(x))
x, y = x[order], y[order]
n_train = 1400
x_train, y_train, x_test, y_test = x[:n_train], y[:n_train], x[n_train:], y[n_train:]

model = lamina.Sequential([
    layers.Input(shape=(8, 8, 1)),
    layers.Conv2D(16, (3, 3), padding="same", use_bias=False),
    layers.BatchNormalization(),
    layers.ReLU(),
    layers.MaxPooling2D((2, 2)),
    layers.Conv2D(32, (3, 3), activation="relu"),
    layers.GlobalAveragePooling2D(),
    layers.Dropout(0.2),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer=optimizers.Adam(learning_rate=3e-3),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.summary()
model.fit(x_train, y_train, batch_size=32, epochs=30, validation_split=0.1, verbose=2)
loss, acc = model.evaluate(x_test, y_test, verbose=0)
print(f"test accuracy on {len(x_test)} held-out digits: {acc:.4f}")
