"""keras.io guide "The Functional API" (guides/functional_api.py), run on lamina.

Each test is one section of the guide with only the imports changed; datasets are random
arrays of the guide's shapes (fewer samples, fewer epochs) so nothing is downloaded.
"""
import numpy as np  # noqa: I001 -- the guide's import lines, kept one per line
import pytest

import lamina as keras
from lamina import layers
from lamina import ops


def _mnist_like(n):
    x = np.random.random((n, 784)).astype("float32")
    y = np.random.randint(0, 10, size=(n,))
    return x, y


def _mnist_model():
    inputs = keras.Input(shape=(784,))
    dense = layers.Dense(64, activation="relu")
    x = dense(inputs)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(10)(x)
    return keras.Model(inputs=inputs, outputs=outputs, name="mnist_model")


def test_introduction_builds_the_mnist_graph(tmp_path):
    inputs = keras.Input(shape=(784,))
    img_inputs = keras.Input(shape=(32, 32, 3))
    assert tuple(inputs.shape) == (None, 784)
    assert tuple(img_inputs.shape) == (None, 32, 32, 3)
    assert inputs.dtype == "float32"

    dense = layers.Dense(64, activation="relu")
    x = dense(inputs)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(10)(x)
    model = keras.Model(inputs=inputs, outputs=outputs, name="mnist_model")
    model.summary()
    # The guide's summary: 50,240 + 4,160 + 650 parameters.
    assert model.count_params() == 55050
    assert model.name == "mnist_model"
    try:
        keras.utils.plot_model(model, str(tmp_path / "my_first_model.png"))
        keras.utils.plot_model(model, str(tmp_path / "my_first_model_with_shape_info.png"),
                               show_shapes=True)
    except ImportError as err:  # pydot/Graphviz are an optional extra
        pytest.skip(str(err))
    assert (tmp_path / "my_first_model_with_shape_info.png").stat().st_size > 0


def test_training_evaluation_and_inference():
    model = _mnist_model()
    x_train, y_train = _mnist_like(320)
    x_test, y_test = _mnist_like(64)

    model.compile(
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        optimizer=keras.optimizers.RMSprop(),
        metrics=["accuracy"],
    )
    history = model.fit(x_train, y_train, batch_size=64, epochs=3, validation_split=0.2,
                        verbose=0)
    test_scores = model.evaluate(x_test, y_test, verbose=0)

    assert set(history.history) >= {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert len(test_scores) == 2 and 0.0 <= test_scores[1] <= 1.0


def test_save_and_serialize(tmp_path):
    model = _mnist_model()
    model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  optimizer=keras.optimizers.RMSprop(), metrics=["accuracy"])
    x, y = _mnist_like(64)
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    expected = model.predict(x, verbose=0)

    path = str(tmp_path / "my_model.keras")
    model.save(path)
    del model
    # Recreate the exact same model purely from the file:
    model = keras.models.load_model(path)
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-6, atol=1e-6)


def _encoder_layers(encoder_input):
    x = layers.Conv2D(16, 3, activation="relu")(encoder_input)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.MaxPooling2D(3)(x)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.Conv2D(16, 3, activation="relu")(x)
    return layers.GlobalMaxPooling2D()(x)


def _decoder_layers(x):
    x = layers.Reshape((4, 4, 1))(x)
    x = layers.Conv2DTranspose(16, 3, activation="relu")(x)
    x = layers.Conv2DTranspose(32, 3, activation="relu")(x)
    x = layers.UpSampling2D(3)(x)
    x = layers.Conv2DTranspose(16, 3, activation="relu")(x)
    return layers.Conv2DTranspose(1, 3, activation="relu")(x)


def test_same_graph_of_layers_defines_several_models():
    encoder_input = keras.Input(shape=(28, 28, 1), name="img")
    encoder_output = _encoder_layers(encoder_input)
    encoder = keras.Model(encoder_input, encoder_output, name="encoder")
    encoder.summary()

    decoder_output = _decoder_layers(encoder_output)
    autoencoder = keras.Model(encoder_input, decoder_output, name="autoencoder")
    autoencoder.summary()

    # The guide's summaries: 18,672 encoder parameters, 28,241 in the autoencoder,
    # whose output shape mirrors the input.
    assert tuple(encoder.output_shape) == (None, 16)
    assert tuple(autoencoder.output_shape) == (None, 28, 28, 1)
    assert encoder.count_params() == 18672
    assert autoencoder.count_params() == 28241
    # The two models share the encoder's layers, hence its weights.
    assert all(any(w is v for v in autoencoder.weights) for w in encoder.weights)


def test_all_models_are_callable_like_layers():
    encoder_input = keras.Input(shape=(28, 28, 1), name="original_img")
    encoder = keras.Model(encoder_input, _encoder_layers(encoder_input), name="encoder")
    encoder.summary()

    decoder_input = keras.Input(shape=(16,), name="encoded_img")
    decoder = keras.Model(decoder_input, _decoder_layers(decoder_input), name="decoder")
    decoder.summary()

    autoencoder_input = keras.Input(shape=(28, 28, 1), name="img")
    encoded_img = encoder(autoencoder_input)
    decoded_img = decoder(encoded_img)
    autoencoder = keras.Model(autoencoder_input, decoded_img, name="autoencoder")
    autoencoder.summary()

    images = np.random.random((2, 28, 28, 1)).astype("float32")
    np.testing.assert_allclose(
        np.asarray(autoencoder(images)), np.asarray(decoder(encoder(images))), rtol=1e-5)
    assert autoencoder.count_params() == encoder.count_params() + decoder.count_params()


def test_ensembling_averages_nested_models():
    def get_model():
        inputs = keras.Input(shape=(128,))
        outputs = layers.Dense(1)(inputs)
        return keras.Model(inputs, outputs)

    model1 = get_model()
    model2 = get_model()
    model3 = get_model()

    inputs = keras.Input(shape=(128,))
    y1 = model1(inputs)
    y2 = model2(inputs)
    y3 = model3(inputs)
    outputs = layers.average([y1, y2, y3])
    ensemble_model = keras.Model(inputs=inputs, outputs=outputs)

    x = np.random.random((4, 128)).astype("float32")
    mean = sum(np.asarray(m(x)) for m in (model1, model2, model3)) / 3
    np.testing.assert_allclose(np.asarray(ensemble_model(x)), mean, rtol=1e-5, atol=1e-6)
    assert len(ensemble_model.weights) == 6


def _ticket_model(num_tags, num_words, num_departments):
    title_input = keras.Input(shape=(None,), name="title")
    body_input = keras.Input(shape=(None,), name="body")
    tags_input = keras.Input(shape=(num_tags,), name="tags")
    title_features = layers.Embedding(num_words, 64)(title_input)
    body_features = layers.Embedding(num_words, 64)(body_input)
    title_features = layers.LSTM(128)(title_features)
    body_features = layers.LSTM(32)(body_features)
    x = layers.concatenate([title_features, body_features, tags_input])
    priority_pred = layers.Dense(1, name="priority")(x)
    department_pred = layers.Dense(num_departments, name="department")(x)
    return keras.Model(
        inputs=[title_input, body_input, tags_input],
        outputs=[priority_pred, department_pred],
    )


def test_models_with_multiple_inputs_and_outputs():
    num_tags = 12
    num_words = 10000
    num_departments = 4
    model = _ticket_model(num_tags, num_words, num_departments)

    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=[
            keras.losses.BinaryCrossentropy(from_logits=True),
            keras.losses.CategoricalCrossentropy(from_logits=True),
        ],
        loss_weights=[1.0, 0.2],
    )
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss={
            "priority": keras.losses.BinaryCrossentropy(from_logits=True),
            "department": keras.losses.CategoricalCrossentropy(from_logits=True),
        },
        loss_weights={"priority": 1.0, "department": 0.2},
    )

    # Dummy data (the guide: 1280 samples, body of 100 words).
    title_data = np.random.randint(num_words, size=(32, 6))
    body_data = np.random.randint(num_words, size=(32, 10))
    tags_data = np.random.randint(2, size=(32, num_tags)).astype("float32")
    priority_targets = np.random.random(size=(32, 1))
    dept_targets = np.random.randint(2, size=(32, num_departments))

    history = model.fit(
        {"title": title_data, "body": body_data, "tags": tags_data},
        {"priority": priority_targets, "department": dept_targets},
        epochs=3,
        batch_size=16,
        verbose=0,
    )
    assert history.history["loss"][-1] < history.history["loss"][0]
    priority, department = model.predict([title_data, body_data, tags_data], verbose=0)
    assert priority.shape == (32, 1) and department.shape == (32, num_departments)


def test_toy_resnet():
    inputs = keras.Input(shape=(32, 32, 3), name="img")
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.Conv2D(64, 3, activation="relu")(x)
    block_1_output = layers.MaxPooling2D(3)(x)

    x = layers.Conv2D(64, 3, activation="relu", padding="same")(block_1_output)
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
    block_2_output = layers.add([x, block_1_output])

    x = layers.Conv2D(64, 3, activation="relu", padding="same")(block_2_output)
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
    block_3_output = layers.add([x, block_2_output])

    x = layers.Conv2D(64, 3, activation="relu")(block_3_output)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(256, activation="relu")(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(10)(x)

    model = keras.Model(inputs, outputs, name="toy_resnet")
    model.summary()
    assert model.count_params() == 223242  # the guide's summary

    # CIFAR10-shaped random data (the guide trains on 1000 images).
    x_train = np.random.randint(0, 256, size=(20, 32, 32, 3)).astype("float32") / 255.0
    y_train = np.eye(10, dtype="float32")[np.random.randint(0, 10, size=20)]
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=keras.losses.CategoricalCrossentropy(from_logits=True),
        metrics=["acc"],
    )
    history = model.fit(x_train, y_train, batch_size=8, epochs=1, validation_split=0.2,
                        verbose=0)
    assert {"loss", "acc", "val_loss", "val_acc"} <= set(history.history)


def test_shared_layers():
    shared_embedding = layers.Embedding(1000, 128)
    text_input_a = keras.Input(shape=(None,), dtype="int32")
    text_input_b = keras.Input(shape=(None,), dtype="int32")
    encoded_input_a = shared_embedding(text_input_a)
    encoded_input_b = shared_embedding(text_input_b)

    assert tuple(encoded_input_a.shape) == (None, None, 128)
    model = keras.Model([text_input_a, text_input_b], [encoded_input_a, encoded_input_b])
    assert len(model.weights) == 1  # one embedding matrix, used twice
    words = np.random.randint(1000, size=(2, 5))
    a, b = model.predict([words, words], verbose=0)
    np.testing.assert_array_equal(a, b)


def test_extract_and_reuse_nodes_in_the_graph():
    # The guide loads VGG19 with ImageNet weights at 224x224; no downloads here, and a
    # 32x32 input keeps the pure-NumPy forward pass short.
    vgg19 = keras.applications.VGG19(weights=None, include_top=False, input_shape=(32, 32, 3))
    features_list = [layer.output for layer in vgg19.layers]
    feat_extraction_model = keras.Model(inputs=vgg19.input, outputs=features_list)

    img = np.random.random((1, 32, 32, 3)).astype("float32")
    extracted_features = feat_extraction_model(img)
    assert len(extracted_features) == len(vgg19.layers)
    assert [tuple(f.shape) for f in extracted_features] == [
        (1,) + tuple(layer.output.shape[1:]) for layer in vgg19.layers]
    assert tuple(extracted_features[-1].shape) == (1, 1, 1, 512)


class CustomDense(layers.Layer):
    def __init__(self, units=32):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(
            shape=(input_shape[-1], self.units),
            initializer="random_normal",
            trainable=True,
        )
        self.b = self.add_weight(
            shape=(self.units,), initializer="random_normal", trainable=True
        )

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b


class CustomDenseWithConfig(CustomDense):
    def get_config(self):
        return {"units": self.units}


def test_extend_the_api_using_custom_layers():
    inputs = keras.Input((4,))
    outputs = CustomDense(10)(inputs)
    model = keras.Model(inputs, outputs)
    assert tuple(model.output_shape) == (None, 10)
    assert len(model.trainable_weights) == 2


def test_custom_layer_get_config_round_trip():
    inputs = keras.Input((4,))
    outputs = CustomDenseWithConfig(10)(inputs)
    model = keras.Model(inputs, outputs)
    config = model.get_config()

    new_model = keras.Model.from_config(
        config, custom_objects={"CustomDenseWithConfig": CustomDenseWithConfig}
    )
    assert tuple(new_model.output_shape) == (None, 10)
    assert [w.shape for w in new_model.weights] == [(4, 10), (10,)]


units = 32
timesteps = 10
input_dim = 5


def _pooling_classifier():
    inputs = keras.Input((None, units))
    x = layers.GlobalAveragePooling1D()(inputs)
    outputs = layers.Dense(1)(x)
    return keras.Model(inputs, outputs)


class CustomRNN(layers.Layer):
    """The guide's RNN written from scratch; ``classifier`` is a Functional model or a Dense."""

    def __init__(self, classifier=None):
        super().__init__()
        self.units = units
        self.projection_1 = layers.Dense(units=units, activation="tanh")
        self.projection_2 = layers.Dense(units=units, activation="tanh")
        self.classifier = classifier if classifier is not None else layers.Dense(1)

    def call(self, inputs):
        outputs = []
        state = ops.zeros(shape=(inputs.shape[0], self.units))
        for t in range(inputs.shape[1]):
            x = inputs[:, t, :]
            h = self.projection_1(x)
            y = h + self.projection_2(state)
            state = y
            outputs.append(y)
        features = ops.stack(outputs, axis=1)
        return self.classifier(features)


def test_mix_and_match_functional_model_inside_a_layer():
    model = _pooling_classifier()
    rnn_model = CustomRNN(model)
    out = rnn_model(ops.zeros((1, timesteps, input_dim)))
    assert tuple(out.shape) == (1, 1)


@pytest.mark.xfail(strict=True, reason="Layer subclass does not track sublayers assigned as "
                   "attributes: CustomRNN.weights misses its Dense and Functional-model weights")
def test_mix_and_match_layer_tracks_the_nested_functional_model():
    rnn_model = CustomRNN(_pooling_classifier())
    rnn_model(ops.zeros((1, timesteps, input_dim)))
    # projection_1, projection_2 and the classifier's Dense: kernel and bias each.
    assert len(rnn_model.weights) == 6


def test_custom_rnn_in_a_functional_model_with_static_batch():
    batch_size = 16
    inputs = keras.Input(batch_shape=(batch_size, timesteps, input_dim))
    x = layers.Conv1D(32, 3)(inputs)
    outputs = CustomRNN()(x)
    model = keras.Model(inputs, outputs)
    assert tuple(model.output_shape) == (batch_size, timesteps - 2, 1)

    rnn_model = CustomRNN()
    out = rnn_model(ops.zeros((1, 10, 5)))
    assert tuple(out.shape) == (1, 10, 1)


@pytest.mark.xfail(strict=True, reason="Layer subclass does not track sublayers assigned as "
                   "attributes: a Functional model around CustomRNN trains only the Conv1D")
def test_custom_rnn_in_a_functional_model_trains_its_sublayers():
    inputs = keras.Input(batch_shape=(16, timesteps, input_dim))
    x = layers.Conv1D(32, 3)(inputs)
    outputs = CustomRNN()(x)
    model = keras.Model(inputs, outputs)
    # Conv1D (2) + projection_1 (2) + projection_2 (2) + classifier (2).
    assert len(model.trainable_weights) == 8
