"""lamina.kerasr: kerasR's names, argument names and defaults on top of lamina."""
import numpy as np
import pytest

from lamina import kerasr, layers
from lamina.models import Sequential

HEADER = '"crim","zn","indus","chas","nox","rm","age","dis","rad","tax","ptratio","b","lstat","medv"'


def _boston_csv(path, n=40, seed=0):
    """A small file in the BostonHousing.csv layout: a header, 13 features, then medv."""
    rng = np.random.RandomState(seed)
    x = np.round(rng.uniform(0, 100, size=(n, 13)), 3)
    y = np.round(rng.uniform(5, 50, size=n), 1)
    lines = [HEADER] + [",".join(repr(float(v)) for v in row) + f",{float(t)!r}"
                      for row, t in zip(x, y)]
    path.write_text("\n".join(lines) + "\n")
    return x, y


def _regression(n=256, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 5)).astype("float32")
    y = x @ np.array([1.5, -2.0, 0.5, 0.0, 1.0], dtype="float32") + 0.3
    return x, y  # a vector, as R passes it


# ------------------------------------------------------------------ names and signatures


def test_public_names_exist():
    for name in kerasr.__all__:
        assert hasattr(kerasr, name), name


# ------------------------------------------------------------------ layers


def test_dense_takes_kerasr_input_shape_as_plain_number():
    for shape in (13, 13.0, [13], (13,), np.int64(13)):
        mod = kerasr.Sequential()
        mod.add(kerasr.Dense(units=50, input_shape=shape))
        mod.add(kerasr.Activation("relu"))
        mod.add(kerasr.Dense(units=1.0))  # R's numbers are doubles
        assert mod.output_shape == (None, 1)
        assert mod.layers[0].kernel.shape == (13, 50)
    assert isinstance(mod, Sequential)


def test_layer_wrappers_make_lamina_layers():
    mod = kerasr.Sequential()
    mod.add(kerasr.Reshape(target_shape=(2, 3), input_shape=6))
    mod.add(kerasr.Permute(dims=(2, 1)))
    mod.add(kerasr.Flatten())
    mod.add(kerasr.RepeatVector(n=2))
    mod.add(kerasr.Flatten())
    mod.add(kerasr.Dropout(rate=0.5, seed=3))
    mod.add(kerasr.ActivityRegularization(l1=0.01))
    mod.add(kerasr.Lambda(lambda x: x * 2))
    assert mod.output_shape == (None, 12)
    kinds = [type(layer) for layer in mod.layers]
    assert kinds == [layers.Reshape, layers.Permute, layers.Flatten, layers.RepeatVector,
                     layers.Flatten, layers.Dropout, layers.ActivityRegularization, layers.Lambda]
    x = np.arange(12, dtype="float32").reshape(2, 6)
    out = mod.predict(x, verbose=0)
    # (2, 3) -> transposed (3, 2) -> flattened -> repeated twice -> doubled
    expected = np.tile(x.reshape(2, 2, 3).transpose(0, 2, 1).reshape(2, 6), 2) * 2
    np.testing.assert_allclose(out, expected)


@pytest.mark.parametrize("call, match", [
    (lambda: kerasr.Dense(units=0), "units"),
    (lambda: kerasr.Dense(units=2.5), "units"),
    (lambda: kerasr.Dense(units=3, input_shape="13"), "input_shape"),
    (lambda: kerasr.Dense(units=3, input_shape=0), "input_shape"),
    (lambda: kerasr.RepeatVector(n=-1), "n"),
])
def test_bad_layer_arguments_are_named(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


# ------------------------------------------------------------------ optimizers


@pytest.mark.parametrize("name", ["SGD", "RMSprop", "Adagrad", "Adadelta", "Adam", "Adamax",
                                  "Nadam"])
def test_optimizers_accept_lr_and_learning_rate(name):
    from lamina import optimizers
    make = getattr(kerasr, name)
    cls = getattr(optimizers, name)
    assert isinstance(make(), cls)
    for opt in (make(lr=0.05), make(0.05), make(learning_rate=0.05),
                make(lr=0.05, learning_rate=0.05)):
        assert isinstance(opt, cls)
        assert float(np.asarray(opt.learning_rate)) == pytest.approx(0.05)
    with pytest.raises(ValueError, match="lr"):
        make(lr=0.1, learning_rate=0.2)
    with pytest.raises(ValueError, match="lr"):
        make(lr=-1)


def test_optimizer_clipping_minus_one_means_off():
    opt = kerasr.SGD(clipnorm=-1, clipvalue=-1)
    assert getattr(opt, "clipnorm", None) is None and getattr(opt, "clipvalue", None) is None
    opt = kerasr.SGD(lr=0.1, momentum=0.9, nesterov=True, clipnorm=1)
    assert opt.clipnorm == 1.0


def test_optimizer_decay_is_keras2_inverse_time():
    opt = kerasr.SGD(lr=0.1, decay=0.5)  # Keras 2: lr / (1 + decay * iterations)
    assert opt.learning_rate == pytest.approx(0.1)
    opt.iterations = 2
    assert opt.learning_rate == pytest.approx(0.05)
    with pytest.raises(ValueError, match="decay"):
        kerasr.Adam(decay=-1)
    with pytest.raises(NotImplementedError, match="schedule_decay"):
        kerasr.Nadam(schedule_decay=0.01)


# ------------------------------------------------------------------ compile / fit / predict


def test_compile_fit_predict_learns_a_regression(capsys):
    x, y = _regression()
    mod = kerasr.Sequential()
    mod.add(kerasr.Dense(units=16, input_shape=5))
    mod.add(kerasr.Activation("relu"))
    mod.add(kerasr.Dense(units=1))
    assert kerasr.keras_compile(mod, loss="mse", optimizer=kerasr.Adam(lr=0.01)) is None
    hist = kerasr.keras_fit(mod, x, y, batch_size=32, epochs=40, verbose=0,
                            validation_split=0.1)
    losses = hist.history["loss"]
    assert len(losses) == 40 and losses[-1] < 0.05 * losses[0]
    assert "val_loss" in hist.history
    pred = kerasr.keras_predict(mod, x, verbose=0)
    assert pred.shape == (len(x), 1)
    assert np.std(pred.ravel() - y, ddof=1) / np.std(y, ddof=1) < 0.2
    assert capsys.readouterr().out == ""  # verbose = 0 prints nothing


def test_fit_accepts_r_doubles_and_single_callback():
    from lamina.callbacks import Callback

    class Count(Callback):
        epochs = 0

        def on_epoch_end(self, epoch, logs=None):
            Count.epochs += 1

    x, y = _regression(64)
    mod = kerasr.Sequential([kerasr.Dense(units=1, input_shape=5)])
    kerasr.keras_compile(mod, optimizer="sgd", loss="mean_squared_error", metrics="mae")
    kerasr.keras_fit(mod, x, y, batch_size=16.0, epochs=3.0, verbose=0.0, callbacks=Count())
    assert Count.epochs == 3


def test_predict_classes_and_proba():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(120, 2)).astype("float32")
    labels = (x[:, 0] + x[:, 1] > 0).astype(int)
    mod = kerasr.Sequential()
    mod.add(kerasr.Dense(units=2, input_shape=2))
    mod.add(kerasr.Activation("softmax"))
    kerasr.keras_compile(mod, optimizer=kerasr.Adam(lr=0.05), loss="categorical_crossentropy",
                         metrics=["accuracy"])
    kerasr.keras_fit(mod, x, kerasr.to_categorical(labels, 2), epochs=30, verbose=0)
    proba = kerasr.keras_predict_proba(mod, x, verbose=0)
    assert proba.shape == (120, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    classes = kerasr.keras_predict_classes(mod, x, verbose=0)
    assert classes.shape == (120,)
    np.testing.assert_array_equal(classes, proba.argmax(axis=1))
    assert np.mean(classes == labels) > 0.9


def test_predict_classes_for_one_sigmoid_output():
    mod = kerasr.Sequential([kerasr.Dense(units=1, input_shape=1, activation="sigmoid",
                                          kernel_initializer="ones")])
    classes = kerasr.keras_predict_classes(mod, np.array([[-3.0], [3.0]]), verbose=0)
    # Keras 2's predict_classes keeps the column for one output: (samples, 1) int32
    assert classes.shape == (2, 1) and classes.dtype == np.int32
    np.testing.assert_array_equal(classes[:, 0], [0, 1])


def test_model_functions_check_their_arguments():
    mod = kerasr.Sequential([kerasr.Dense(units=1, input_shape=2)])
    with pytest.raises(TypeError, match="model"):
        kerasr.keras_compile("mod", optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="sample_weight_mode"):
        kerasr.keras_compile(mod, optimizer="sgd", loss="mse", sample_weight_mode="daily")
    kerasr.keras_compile(mod, optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="batch_size"):
        kerasr.keras_fit(mod, np.zeros((4, 2)), np.zeros(4), batch_size=0)
    with pytest.raises(ValueError, match="epochs"):
        kerasr.keras_fit(mod, np.zeros((4, 2)), np.zeros(4), epochs=1.5)
    with pytest.raises(ValueError, match="validation_split"):
        kerasr.keras_fit(mod, np.zeros((4, 2)), np.zeros(4), validation_split="0.1")


# ------------------------------------------------------------------ data helpers


def test_load_boston_housing_from_a_local_csv(tmp_path, monkeypatch):
    from lamina.datasets import _download

    def no_network(*args, **kwargs):
        raise AssertionError("load_boston_housing must not download when given a local file")

    monkeypatch.setattr(_download, "_download", no_network)
    x, y = _boston_csv(tmp_path / "BostonHousing.csv")
    boston = kerasr.load_boston_housing(path=str(tmp_path / "BostonHousing.csv"))
    assert list(boston) == ["X_train", "Y_train", "X_test", "Y_test"]
    # R's boston$X_train is boston.X_train; key access works too
    assert boston.X_train is boston["X_train"]
    assert boston.X_train.shape == (32, 13) and boston.X_test.shape == (8, 13)
    assert boston.Y_train.shape == (32,) and boston.Y_test.shape == (8,)
    idx = np.arange(40)
    np.random.RandomState(113).shuffle(idx)  # Keras's split
    np.testing.assert_allclose(boston.X_train, x[idx[:32]])
    np.testing.assert_allclose(boston.Y_test, y[idx[32:]])
    with pytest.raises(AttributeError, match="X_val"):
        _ = boston.X_val
    boston.extra = 1
    assert boston["extra"] == 1


def test_normalize_and_to_categorical():
    x = np.array([[3.0, 4.0], [0.0, 0.0]])
    np.testing.assert_allclose(kerasr.normalize(x), [[0.6, 0.8], [0, 0]])
    np.testing.assert_allclose(kerasr.normalize(x, axis=0, order=1.0), [[1, 1], [0, 0]])
    np.testing.assert_array_equal(kerasr.to_categorical([0, 2], num_classes=3.0),
                                  [[1, 0, 0], [0, 0, 1]])
    assert kerasr.expand_dims(np.zeros(3)).shape == (1, 3)
    assert kerasr.keras_available() is True


# ------------------------------------------------------------------ every layer family


def _run(layer_list, x):
    mod = kerasr.Sequential()
    for layer in layer_list:
        mod.add(layer)
    return mod.predict(x, verbose=0)


def test_convolution_pooling_padding_take_r_vectors_of_doubles():
    x = np.random.default_rng(0).random((2, 8, 8, 3)).astype("float32")
    out = _run([kerasr.Conv2D(filters=2.0, kernel_size=[3.0, 3.0], strides=[1.0, 1.0],
                              input_shape=[8.0, 8.0, 3.0]),
                kerasr.ZeroPadding2D(padding=[1.0, 2.0]), kerasr.Cropping2D(cropping=1.0),
                kerasr.UpSampling2D(size=[2.0, 2.0]), kerasr.MaxPooling2D(pool_size=[2, 2]),
                kerasr.AveragePooling2D(pool_size=2.0, strides=1.0),
                kerasr.GlobalMaxPooling2D()], x)
    assert out.shape == (2, 2)
    conv = kerasr.Conv2D(filters=2, kernel_size=[3, 3], input_shape=[8, 8, 3])
    assert isinstance(conv, layers.Conv2D) and conv.kernel_size == (3, 3)
    x1 = np.random.default_rng(1).random((2, 10, 3)).astype("float32")
    out = _run([kerasr.Conv1D(filters=4, kernel_size=3, input_shape=[10, 3]),
                kerasr.ZeroPadding1D(), kerasr.Cropping1D(cropping=[1, 1]),
                kerasr.UpSampling1D(), kerasr.MaxPooling1D(), kerasr.AveragePooling1D(),
                kerasr.GlobalAveragePooling1D()], x1)
    assert out.shape == (2, 4)
    out = _run([kerasr.LocallyConnected1D(filters=2, kernel_size=3, input_shape=[10, 3]),
                kerasr.GlobalMaxPooling1D()], x1)
    assert out.shape == (2, 2)
    x3 = np.random.default_rng(2).random((1, 4, 4, 4, 1)).astype("float32")
    out = _run([kerasr.Conv3D(filters=2, kernel_size=[2, 2, 2], input_shape=[4, 4, 4, 1]),
                kerasr.ZeroPadding3D(), kerasr.Cropping3D(cropping=1), kerasr.UpSampling3D(),
                kerasr.MaxPooling3D(), kerasr.AveragePooling3D()], x3)
    assert out.shape == (1, 1, 1, 1, 2)
    out = _run([kerasr.Conv2DTranspose(filters=2, kernel_size=3, strides=2, input_shape=[8, 8, 3]),
                kerasr.LocallyConnected2D(filters=1, kernel_size=[2, 2]),
                kerasr.GlobalAveragePooling2D()], x)
    assert out.shape == (2, 1)


def test_separable_conv_kernel_arguments_reach_both_kernels():
    layer = kerasr.SeparableConv2D(filters=2, kernel_size=3, kernel_initializer="ones",
                                   kernel_regularizer=kerasr.l2(0.1),
                                   kernel_constraint=kerasr.non_neg(), input_shape=[5, 5, 2])
    mod = kerasr.Sequential([layer])
    assert mod.output_shape == (None, 3, 3, 2)
    for w in (layer.depthwise_kernel, layer.pointwise_kernel):
        np.testing.assert_array_equal(w.data, 1.0)
    config = layer.get_config()
    for which in ("depthwise", "pointwise"):
        assert config[f"{which}_regularizer"]["class_name"] == "L2"
        assert config[f"{which}_constraint"]["class_name"] == "NonNeg"


def test_recurrent_layers_keep_kerasr_defaults_and_pass_each_dropout_where_it_says():
    lstm = kerasr.LSTM(units=4.0, dropout=0.1, recurrent_dropout=0.2, input_shape=[6, 3])
    assert isinstance(lstm, layers.LSTM) and lstm.units == 4
    assert lstm.dropout == 0.1 and lstm.recurrent_dropout == 0.2  # kerasR passed dropout twice
    for layer in (lstm, kerasr.GRU(units=3)):
        assert "hard_sigmoid" in str(layer.get_config()["recurrent_activation"])
    x = np.random.default_rng(3).random((2, 6, 3)).astype("float32")
    out = _run([kerasr.Masking(mask_value=0, input_shape=[6, 3]),
                kerasr.SimpleRNN(units=4, return_sequences=True),
                kerasr.GRU(units=4, return_sequences=True),
                kerasr.LSTM(units=5, return_sequences=True),
                kerasr.TimeDistributed(kerasr.Dense(units=2)),
                kerasr.Bidirectional(kerasr.LSTM(units=3), merge_mode="concat")], x)
    assert out.shape == (2, 6)


def test_embedding_activations_noise_and_normalization():
    emb = kerasr.Embedding(input_dim=20.0, output_dim=4.0, input_length=7.0)
    assert isinstance(emb, layers.Embedding)
    x = np.random.default_rng(4).integers(0, 20, size=(2, 7))
    out = _run([emb, kerasr.Flatten(), kerasr.Dense(units=3), kerasr.LeakyReLU(alpha=0.1),
                kerasr.PReLU(), kerasr.ELU(), kerasr.ThresholdedReLU(theta=0.1),
                kerasr.GaussianNoise(), kerasr.GaussianDropout(), kerasr.BatchNormalization()],
               x)
    assert out.shape == (2, 3)
    leaky = _run([kerasr.LeakyReLU(alpha=0.1, input_shape=2)], np.array([[-1.0, 2.0]]))
    np.testing.assert_allclose(leaky, [[-0.1, 2.0]], rtol=1e-6)  # alpha -> negative_slope
    assert kerasr.GaussianNoise().stddev == 1  # kerasR's default


def test_repeat_vector_is_a_repeat_vector_not_kerasr_dropout():
    out = _run([kerasr.RepeatVector(n=3.0, input_shape=2)], np.array([[1.0, 2.0]]))
    np.testing.assert_array_equal(out, [[[1, 2]] * 3])


# ------------------------------------------------------------------ initializers ... constraints


def test_initializers_are_laminas_with_kerasr_defaults():
    from lamina import initializers as I
    pairs = [(kerasr.Zeros(), I.Zeros), (kerasr.Ones(), I.Ones), (kerasr.Constant(), I.Constant),
             (kerasr.RandomNormal(seed=1.0), I.RandomNormal),
             (kerasr.RandomUniform(), I.RandomUniform), (kerasr.TruncatedNormal(), I.TruncatedNormal),
             (kerasr.VarianceScaling(), I.VarianceScaling), (kerasr.Orthogonal(), I.Orthogonal),
             (kerasr.Identity(), I.Identity), (kerasr.lecun_uniform(), I.LecunUniform),
             (kerasr.glorot_normal(), I.GlorotNormal), (kerasr.glorot_uniform(), I.GlorotUniform),
             (kerasr.he_normal(), I.HeNormal), (kerasr.he_uniform(), I.HeUniform)]
    for obj, cls in pairs:
        assert isinstance(obj, cls), cls
    np.testing.assert_array_equal(kerasr.Identity(gain=2)((2, 2)), [[2, 0], [0, 2]])
    np.testing.assert_array_equal(kerasr.Constant(value=0.5)((3,)), [0.5, 0.5, 0.5])
    a, b = kerasr.RandomNormal(seed=7)((4,)), kerasr.RandomNormal(seed=7.0)((4,))
    np.testing.assert_array_equal(a, b)  # R's seed = 7 is a double
    # kerasR's distribution = "normal" is a truncated normal
    assert kerasr.VarianceScaling().distribution == "truncated_normal"
    with pytest.raises(ValueError, match="seed"):
        kerasr.he_normal(seed=1.5)


def test_regularizers_and_constraints():
    assert kerasr.l1().get_config() == {"l1": 0.01}
    assert kerasr.l2(l=0.1).get_config() == {"l2": 0.1}
    assert kerasr.l1_l2().get_config() == {"l1": 0.01, "l2": 0.01}
    w = np.array([[3.0, -4.0], [4.0, 3.0]], dtype="float32")
    from lamina.autodiff import Tensor
    clipped = kerasr.max_norm(max_value=1.0)(Tensor(w)).data
    np.testing.assert_allclose(np.linalg.norm(clipped, axis=0), [1, 1], rtol=1e-5)
    np.testing.assert_array_equal(kerasr.non_neg()(Tensor(w)).data, [[3, 0], [4, 3]])
    np.testing.assert_allclose(np.linalg.norm(kerasr.unit_norm()(Tensor(w)).data, axis=0), 1,
                               rtol=1e-5)
    mod = kerasr.Sequential([kerasr.Dense(units=2, input_shape=2, kernel_regularizer=kerasr.l2(),
                                          kernel_constraint=kerasr.max_norm(2))])
    kerasr.keras_compile(mod, optimizer=kerasr.SGD(lr=0.1), loss="mse")
    kerasr.keras_fit(mod, w, w, epochs=2, verbose=0)
    assert np.all(np.linalg.norm(mod.layers[0].kernel.data, axis=0) <= 2 + 1e-5)


# ------------------------------------------------------------------ R conventions


def test_predict_proba_warns_when_outputs_are_not_probabilities():
    mod = kerasr.Sequential([kerasr.Dense(units=2, input_shape=1, kernel_initializer="ones")])
    with pytest.warns(UserWarning, match="probabilities"):
        kerasr.keras_predict_proba(mod, np.array([[3.0]]), verbose=0)


def test_fit_makes_a_column_of_a_target_vector_and_returns_history():
    x, y = _regression(32)
    mod = kerasr.Sequential([kerasr.Dense(units=1, input_shape=5)])
    kerasr.keras_compile(mod, optimizer="sgd", loss="mse")
    hist = kerasr.keras_fit(mod, x, list(y), epochs=1, verbose=0)
    assert list(hist.history) == ["loss"]


def test_python_connection_functions_are_no_ops():
    assert kerasr.keras_available() is True and kerasr.keras_available(silent=True) is True
    assert kerasr.keras_init() is None
    assert kerasr.run_examples() is True
