"""kerasR's Boston Housing example, line for line in Python with lamina.kerasr.

The R original (kerasR's README)::

    mod <- Sequential()
    mod$add(Dense(units = 50, input_shape = 13))
    mod$add(Activation("relu"))
    mod$add(Dense(units = 1))
    keras_compile(mod,  loss = 'mse', optimizer = RMSprop())
    boston <- load_boston_housing()
    X_train <- normalize(boston$X_train)
    Y_train <- boston$Y_train
    X_test <- normalize(boston$X_test)
    Y_test <- boston$Y_test
    keras_fit(mod, X_train, Y_train, batch_size = 32, epochs = 200, verbose = 1, validation_split = 0.1)
    pred <- keras_predict(mod, X_test)
    sd(as.numeric(pred) - Y_test) / sd(Y_test)

Run: python examples/boston_kerasr.py   (offline: pip install 'lamina[data]')
"""
import numpy as np

from lamina.kerasr import (
    Activation,
    Dense,
    RMSprop,
    Sequential,
    keras_compile,
    keras_fit,
    keras_predict,
    load_boston_housing,
    normalize,
)

mod = Sequential()
mod.add(Dense(units=50, input_shape=13))
mod.add(Activation("relu"))
mod.add(Dense(units=1))
keras_compile(mod, loss="mse", optimizer=RMSprop())
boston = load_boston_housing()
X_train = normalize(boston.X_train)
Y_train = boston.Y_train
X_test = normalize(boston.X_test)
Y_test = boston.Y_test
keras_fit(mod, X_train, Y_train, batch_size=32, epochs=200, verbose=1, validation_split=0.1)
pred = keras_predict(mod, X_test)
# R's sd() divides by n - 1, hence ddof=1.
print(np.std(pred.ravel() - Y_test, ddof=1) / np.std(Y_test, ddof=1))
