"""Make the Keras 3 test fixtures of tests/fixtures/keras/ with the real Keras.

Each fixture is a small model of one layer family, saved by Keras as ``<name>.keras``,
plus ``<name>.npz`` holding the input ``x`` (or ``x0``, ``x1``, ... for several inputs)
and Keras's predictions ``y`` (``y0``, ``y1``, ... for several outputs). The tests load the
``.keras`` files in lamina, without Keras, and compare with the saved predictions.

A few models are also saved in Keras 2's HDF5 layout by Keras's legacy writer:
``<name>.h5`` (a full model) and ``<name>_weights.h5`` (weights only, the layout of
Keras's published ImageNet weights).

Run (Keras 3 with the jax backend)::

    KERAS_BACKEND=jax .venv-bench/bin/python tools/make_keras_fixtures.py [outdir]

Layer sizes are tiny on purpose: the whole folder stays far below 2 MB.
"""
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), "..", "tests", "fixtures", "keras")


def _rand(*shape):
    return np.random.default_rng(len(shape) * 7 + shape[-1]).normal(size=shape).astype("float32")


def dense():
    """Core layers, trained two epochs with Adam so the optimizer state is saved too.

    ``continue_training`` records one more step (``xt``, ``yt`` -> ``y_after``): lamina
    must reach the same predictions from the saved optimizer state."""
    m = keras.Sequential([
        keras.Input((6,)),
        layers.Dense(5, activation="relu", kernel_regularizer=keras.regularizers.L2(1e-3)),
        layers.BatchNormalization(),
        layers.Dense(4, activation="tanh", use_bias=False),
        layers.LayerNormalization(),
        layers.Activation("elu"),
        layers.ActivityRegularization(l1=1e-4),
        layers.Dense(3, activation="softmax"),
    ])
    m.compile(optimizer=keras.optimizers.Adam(1e-2), loss="categorical_crossentropy",
              metrics=["accuracy"])
    x = _rand(16, 6)
    y = keras.utils.to_categorical(np.arange(16) % 3, 3)
    m.fit(x, y, batch_size=8, epochs=2, verbose=0)
    return m, x


def conv2d():
    m = keras.Sequential([
        keras.Input((8, 8, 2)),
        layers.Conv2D(3, 3, padding="same", activation="relu"),
        layers.ZeroPadding2D(1),
        layers.Cropping2D(((1, 0), (0, 1))),
        layers.MaxPooling2D(2),
        layers.SeparableConv2D(3, 2, depth_multiplier=2),
        layers.DepthwiseConv2D(2, padding="same"),
        layers.UpSampling2D(2),
        layers.Conv2DTranspose(2, 3, strides=2),
        layers.AveragePooling2D(2),
        layers.SpatialDropout2D(0.1),
        layers.GaussianNoise(0.1),
        layers.GlobalAveragePooling2D(),
        layers.Dense(2),
    ])
    return m, _rand(2, 8, 8, 2)


def conv1d():
    m = keras.Sequential([
        keras.Input((10, 3)),
        layers.Conv1D(4, 3, dilation_rate=2, activation="relu"),
        layers.ZeroPadding1D(2),
        layers.Cropping1D((1, 2)),
        layers.MaxPooling1D(2),
        layers.SeparableConv1D(3, 2),
        layers.DepthwiseConv1D(2),
        layers.UpSampling1D(2),
        layers.Conv1DTranspose(2, 3, strides=2, padding="same"),
        layers.AveragePooling1D(2, padding="same"),
        layers.GlobalMaxPooling1D(),
    ])
    return m, _rand(2, 10, 3)


def conv3d():
    m = keras.Sequential([
        keras.Input((5, 5, 5, 1)),
        layers.Conv3D(2, 2, padding="same"),
        layers.ZeroPadding3D(1),
        layers.Cropping3D(1),
        layers.MaxPooling3D(2),
        layers.UpSampling3D(2),
        layers.Conv3DTranspose(2, 2),
        layers.AveragePooling3D(2),
        layers.GlobalAveragePooling3D(),
    ])
    return m, _rand(2, 5, 5, 5, 1)


def recurrent():
    """Embedding with a mask, LSTM, GRU, SimpleRNN, Bidirectional, TimeDistributed."""
    m = keras.Sequential([
        keras.Input((6,), dtype="int32"),
        layers.Embedding(10, 3, mask_zero=True),
        layers.LSTM(4, return_sequences=True),
        layers.Bidirectional(layers.GRU(3, return_sequences=True)),
        layers.TimeDistributed(layers.Dense(2)),
        layers.SimpleRNN(3, return_sequences=True, go_backwards=True),
        layers.Bidirectional(layers.LSTM(2), merge_mode="sum"),
        layers.Dense(1, activation="sigmoid"),
    ])
    x = np.array([[1, 2, 3, 4, 0, 0], [5, 6, 7, 8, 9, 1], [2, 2, 0, 0, 0, 0]], "int32")
    return m, x


def rnn_cells():
    """RNN(cell) and stacked cells; GRU with reset_after=False."""
    m = keras.Sequential([
        keras.Input((5, 3)),
        layers.RNN(layers.LSTMCell(3), return_sequences=True),
        layers.RNN([layers.SimpleRNNCell(2), layers.GRUCell(3)], return_sequences=True),
        layers.GRU(2, reset_after=False),
    ])
    return m, _rand(2, 5, 3)


def reshaping():
    m = keras.Sequential([
        keras.Input((4, 3)),
        layers.Masking(0.0),
        layers.Flatten(),
        layers.RepeatVector(2),
        layers.Reshape((2, 3, 4)),
        layers.Permute((3, 1, 2)),
        layers.Reshape((-1,)),
        layers.Dense(3),
    ])
    return m, _rand(2, 4, 3)


def activations():
    m = keras.Sequential([
        keras.Input((5,)),
        layers.Dense(6),
        layers.Dropout(0.2),
        layers.ReLU(max_value=1.0, negative_slope=0.1),
        layers.Dense(6),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Dense(6),
        layers.PReLU(alpha_initializer=keras.initializers.Constant(0.25)),
        layers.ELU(alpha=0.5),
        layers.GaussianDropout(0.1),
        layers.AlphaDropout(0.1),
        layers.Dense(4),
        layers.Softmax(),
    ])
    return m, _rand(3, 5)


def functional():
    """Two inputs, a shared layer, every merge layer, a nested Sequential, two outputs."""
    a = keras.Input((4,), name="a")
    b = keras.Input((4,), name="b")
    shared = layers.Dense(3, activation="relu", name="shared")
    ha, hb = shared(a), shared(b)
    merged = [layers.Concatenate()([ha, hb]), layers.Subtract()([ha, hb]),
              layers.Multiply()([ha, hb]), layers.Average()([ha, hb]),
              layers.Maximum()([ha, hb]), layers.Minimum()([ha, hb]),
              layers.Dot(axes=1)([ha, hb])]
    h = layers.Dense(5, activation="tanh")(layers.Concatenate()(merged))
    inner = keras.Sequential([keras.Input((5,)), layers.Dense(4), layers.BatchNormalization()])
    out1 = layers.Dense(1, name="reg")(inner(h))
    out2 = layers.Dense(2, activation="softmax", name="cls")(layers.Add()([ha, hb]))
    m = keras.Model([a, b], [out1, out2])
    return m, [_rand(3, 4), _rand(3, 4) + 1.0]


def functional_masked():
    """Masked sequences through a functional graph: Keras records the masks it computes
    (``not_equal``, ``any``, ``logical_or``, ...) as ``keras.src.ops`` entries in the
    config; dict outputs, which Keras orders by sorted key (``y0`` is "cls", ``y1`` "reg")."""
    a = keras.Input((6,), dtype="int32", name="words")
    b = keras.Input((6,), dtype="int32", name="tags")
    ea = layers.Embedding(12, 4, mask_zero=True)(a)
    eb = layers.Embedding(5, 3, mask_zero=True)(b)
    h = layers.Bidirectional(layers.LSTM(3, return_sequences=True))(layers.Concatenate()([ea, eb]))
    h = layers.GRU(4)(h)
    m = keras.Model([a, b], {"reg": layers.Dense(1, name="reg")(h),
                             "cls": layers.Dense(2, activation="softmax", name="cls")(h)})
    rng = np.random.default_rng(5)
    xa, xb = rng.integers(1, 12, (4, 6)), rng.integers(1, 5, (4, 6))
    xa[:, 4:] = 0
    xb[1:, 3:] = 0
    return m, [xa.astype("int32"), xb.astype("int32")]


LEGACY_H5 = {"dense", "recurrent", "functional", "functional_masked"}

FIXTURES = [dense, conv2d, conv1d, conv3d, recurrent, rnn_cells, reshaping, activations,
            functional, functional_masked]
ONLY = sys.argv[2:]  # names to remake, e.g. `tools/make_keras_fixtures.py tests/... dense`


def _save_legacy(model, name):
    import h5py
    from keras.src.legacy.saving import legacy_h5_format  # Keras 2's layout, as Keras writes it
    model.save(os.path.join(OUT, f"{name}.h5"))
    with h5py.File(os.path.join(OUT, f"{name}_weights.h5"), "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, model)


def main():
    os.makedirs(OUT, exist_ok=True)
    for make in FIXTURES:
        if ONLY and make.__name__ not in ONLY:
            continue
        keras.utils.set_random_seed(1)
        model, x = make()
        y = model.predict(x, verbose=0)
        if isinstance(y, dict):  # Keras's own flat order: sorted keys
            y = [y[k] for k in sorted(y)]
        arrays = {}
        for prefix, value in (("x", x), ("y", y)):
            if isinstance(value, (list, tuple)):
                arrays.update({f"{prefix}{i}": np.asarray(v) for i, v in enumerate(value)})
            else:
                arrays[prefix] = np.asarray(value)
        model.save(os.path.join(OUT, f"{make.__name__}.keras"))
        if make.__name__ in LEGACY_H5:
            _save_legacy(model, make.__name__)
        if make is dense:
            xt = _rand(8, 6)
            yt = keras.utils.to_categorical(np.arange(8) % 3, 3)
            model.train_on_batch(xt, yt)
            arrays.update(xt=xt, yt=yt, y_after=model.predict(x, verbose=0))
        np.savez(os.path.join(OUT, f"{make.__name__}.npz"), **arrays)
        print(f"{make.__name__}: {model.count_params()} parameters")


if __name__ == "__main__":
    main()
