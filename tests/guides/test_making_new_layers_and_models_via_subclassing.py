"""keras.io guide "Making new layers and models via subclassing"
(guides/making_new_layers_and_models_via_subclassing.py), run on lamina.

Each test is one section of the guide with only the imports changed; MNIST is replaced by
random arrays of its shape.
"""
import numpy as np  # noqa: I001 -- the guide's import lines, kept one per line
import pytest

import lamina as keras
from lamina import ops
from lamina import layers

SUBLAYER_GAP = ("Layer subclass does not track sublayers assigned as attributes "
                "(their weights and add_loss losses are lost)")


class LinearInInit(keras.layers.Layer):
    def __init__(self, units=32, input_dim=32):
        super().__init__()
        self.w = self.add_weight(
            shape=(input_dim, units),
            initializer="random_normal",
            trainable=True,
        )
        self.b = self.add_weight(
            shape=(units,), initializer="zeros", trainable=True
        )

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b


class Linear(keras.layers.Layer):
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


def test_the_layer_class_combines_state_and_computation():
    x = ops.ones((2, 2))
    linear_layer = LinearInInit(4, 2)
    y = linear_layer(x)
    np.testing.assert_allclose(
        np.asarray(y), np.ones((2, 2)) @ np.asarray(linear_layer.w) + np.asarray(linear_layer.b),
        rtol=1e-6)
    assert linear_layer.weights == [linear_layer.w, linear_layer.b]


class ComputeSum(keras.layers.Layer):
    def __init__(self, input_dim):
        super().__init__()
        self.total = self.add_weight(
            initializer="zeros", shape=(input_dim,), trainable=False
        )

    def call(self, inputs):
        self.total.assign_add(ops.sum(inputs, axis=0))
        return self.total


def test_layers_can_have_non_trainable_weights():
    x = ops.ones((2, 2))
    my_sum = ComputeSum(2)
    y = my_sum(x)
    np.testing.assert_array_equal(y.numpy(), [2.0, 2.0])
    y = my_sum(x)
    np.testing.assert_array_equal(y.numpy(), [4.0, 4.0])

    assert len(my_sum.weights) == 1
    assert len(my_sum.non_trainable_weights) == 1
    assert my_sum.trainable_weights == []


def test_deferring_weight_creation_until_the_input_shape_is_known():
    x = ops.ones((2, 2))
    linear_layer = Linear(32)
    assert linear_layer.weights == []
    y = linear_layer(x)
    assert tuple(y.shape) == (2, 32)
    assert [tuple(w.shape) for w in linear_layer.weights] == [(2, 32), (32,)]


class MLPBlock(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.linear_1 = Linear(32)
        self.linear_2 = Linear(32)
        self.linear_3 = Linear(1)

    def call(self, inputs):
        x = self.linear_1(inputs)
        x = keras.activations.relu(x)
        x = self.linear_2(x)
        x = keras.activations.relu(x)
        return self.linear_3(x)


def test_layers_are_recursively_composable_forward():
    mlp = MLPBlock()
    y = mlp(ops.ones(shape=(3, 64)))
    assert tuple(y.shape) == (3, 1)


@pytest.mark.xfail(strict=True, reason=SUBLAYER_GAP + ": MLPBlock.weights is empty, not 6")
def test_layers_are_recursively_composable_tracks_weights():
    mlp = MLPBlock()
    mlp(ops.ones(shape=(3, 64)))
    assert len(mlp.weights) == 6
    assert len(mlp.trainable_weights) == 6


class ActivityRegularizationLayer(keras.layers.Layer):
    def __init__(self, rate=1e-2):
        super().__init__()
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * ops.mean(inputs))
        return inputs


class OuterLayer(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.activity_reg = ActivityRegularizationLayer(1e-2)

    def call(self, inputs):
        return self.activity_reg(inputs)


def test_add_loss_on_a_layer_resets_each_call():
    layer = ActivityRegularizationLayer(1e-2)
    assert len(layer.losses) == 0
    layer(ops.ones((1, 1)))
    assert len(layer.losses) == 1
    layer(ops.ones((1, 1)))
    assert len(layer.losses) == 1  # reset at the start of each __call__
    np.testing.assert_allclose(float(np.asarray(layer.losses[0])), 1e-2, rtol=1e-6)


@pytest.mark.xfail(strict=True, reason=SUBLAYER_GAP + ": OuterLayer.losses misses the inner "
                   "layer's add_loss")
def test_add_loss_collects_inner_layer_losses():
    layer = OuterLayer()
    assert (
        len(layer.losses) == 0
    )  # No losses yet since the layer has never been called

    _ = layer(ops.zeros((1, 1)))
    assert len(layer.losses) == 1  # We created one loss value

    # `layer.losses` gets reset at the start of each __call__
    _ = layer(ops.zeros((1, 1)))
    assert len(layer.losses) == 1  # This is the loss created during the call above


class OuterLayerWithKernelRegularizer(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(
            32, kernel_regularizer=keras.regularizers.l2(1e-3)
        )

    def call(self, inputs):
        return self.dense(inputs)


@pytest.mark.xfail(strict=True, reason=SUBLAYER_GAP + ": the inner Dense's kernel_regularizer "
                   "loss is missing from OuterLayerWithKernelRegularizer.losses")
def test_losses_include_inner_kernel_regularizers():
    layer = OuterLayerWithKernelRegularizer()
    _ = layer(ops.zeros((1, 1)))
    # This is `1e-3 * sum(layer.dense.kernel ** 2)`.
    assert len(layer.losses) == 1
    kernel = np.asarray(layer.dense.kernel)
    np.testing.assert_allclose(float(np.asarray(layer.losses[0])), 1e-3 * np.sum(kernel ** 2),
                               rtol=1e-5)


def test_add_loss_works_with_fit_and_a_compiled_loss():
    inputs = keras.Input(shape=(3,))
    outputs = ActivityRegularizationLayer()(inputs)
    model = keras.Model(inputs, outputs)

    model.compile(optimizer="adam", loss="mse")
    x, y = np.random.random((2, 3)), np.random.random((2, 3))
    history = model.fit(x, y, verbose=0)
    # The layer is the identity, so the loss is the MSE plus 1e-2 * mean(inputs).
    expected = np.mean((x - y) ** 2) + 1e-2 * np.mean(x)
    np.testing.assert_allclose(history.history["loss"][0], expected, rtol=1e-5)


def test_add_loss_works_with_fit_and_no_compiled_loss():
    inputs = keras.Input(shape=(3,))
    outputs = ActivityRegularizationLayer()(inputs)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam")
    x = np.random.random((2, 3))
    history = model.fit(x, np.random.random((2, 3)), verbose=0)
    np.testing.assert_allclose(history.history["loss"][0], 1e-2 * np.mean(x), rtol=1e-5)


class LinearWithConfig(keras.layers.Layer):
    def __init__(self, units=32):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units),
                                 initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="random_normal",
                                 trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b

    def get_config(self):
        return {"units": self.units}


class LinearWithBaseConfig(keras.layers.Layer):
    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units),
                                 initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="random_normal",
                                 trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config


def test_optionally_enable_serialization():
    layer = LinearWithConfig(64)
    config = layer.get_config()
    assert config == {"units": 64}
    new_layer = LinearWithConfig.from_config(config)
    assert new_layer.units == 64

    layer = LinearWithBaseConfig(64, name="my_linear", dtype="float64")
    config = layer.get_config()
    assert config["units"] == 64 and config["name"] == "my_linear"
    new_layer = LinearWithBaseConfig.from_config(config)
    assert new_layer.name == "my_linear" and new_layer.dtype == "float64"


class CustomDropout(keras.layers.Layer):
    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, inputs, training=None):
        if training:
            return keras.random.dropout(inputs, rate=self.rate)
        return inputs


def test_privileged_training_argument_inference_is_identity():
    x = np.ones((4, 8), dtype="float32")
    np.testing.assert_array_equal(np.asarray(CustomDropout(0.5)(x)), x)


def test_privileged_training_argument_drops_in_training():
    x = np.ones((64, 64), dtype="float32")
    y = np.asarray(CustomDropout(0.5)(x, training=True))
    assert set(np.unique(y)) <= {0.0, 2.0}
    assert 0.3 < np.mean(y == 0.0) < 0.7


class Sampling(layers.Layer):
    """Uses (z_mean, z_log_var) to sample z, the vector encoding a digit."""

    def call(self, inputs):
        z_mean, z_log_var = inputs
        batch = ops.shape(z_mean)[0]
        dim = ops.shape(z_mean)[1]
        epsilon = keras.random.normal(shape=(batch, dim))
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon


class Encoder(layers.Layer):
    """Maps MNIST digits to a triplet (z_mean, z_log_var, z)."""

    def __init__(self, latent_dim=32, intermediate_dim=64, name="encoder", **kwargs):
        super().__init__(name=name, **kwargs)
        self.dense_proj = layers.Dense(intermediate_dim, activation="relu")
        self.dense_mean = layers.Dense(latent_dim)
        self.dense_log_var = layers.Dense(latent_dim)
        self.sampling = Sampling()

    def call(self, inputs):
        x = self.dense_proj(inputs)
        z_mean = self.dense_mean(x)
        z_log_var = self.dense_log_var(x)
        z = self.sampling((z_mean, z_log_var))
        return z_mean, z_log_var, z


class Decoder(layers.Layer):
    """Converts z, the encoded digit vector, back into a readable digit."""

    def __init__(self, original_dim, intermediate_dim=64, name="decoder", **kwargs):
        super().__init__(name=name, **kwargs)
        self.dense_proj = layers.Dense(intermediate_dim, activation="relu")
        self.dense_output = layers.Dense(original_dim, activation="sigmoid")

    def call(self, inputs):
        x = self.dense_proj(inputs)
        return self.dense_output(x)


class VariationalAutoEncoder(keras.Model):
    """Combines the encoder and decoder into an end-to-end model for training."""

    def __init__(self, original_dim, intermediate_dim=64, latent_dim=32, name="autoencoder",
                 **kwargs):
        super().__init__(name=name, **kwargs)
        self.original_dim = original_dim
        self.encoder = Encoder(latent_dim=latent_dim, intermediate_dim=intermediate_dim)
        self.decoder = Decoder(original_dim, intermediate_dim=intermediate_dim)

    def call(self, inputs):
        z_mean, z_log_var, z = self.encoder(inputs)
        reconstructed = self.decoder(z)
        # Add KL divergence regularization loss.
        kl_loss = -0.5 * ops.mean(
            z_log_var - ops.square(z_mean) - ops.exp(z_log_var) + 1
        )
        self.add_loss(kl_loss)
        return reconstructed


@pytest.mark.xfail(strict=True, reason="lamina.random; then a custom layer called on a tuple "
                   "(Sampling((z_mean, z_log_var))) crashes in Layer.compute_output_shape's dry "
                   "run on zeros (TypeError: 'tuple' object cannot be interpreted as an integer)")
def test_end_to_end_variational_autoencoder():
    # MNIST digits as random pixels (the guide: 60000 images, 2 epochs).
    x_train = np.random.randint(0, 256, size=(128, 784)).astype("float32") / 255

    vae = VariationalAutoEncoder(784, 64, 32)
    optimizer = keras.optimizers.Adam(learning_rate=1e-3)
    vae.compile(optimizer, loss=keras.losses.MeanSquaredError())
    history = vae.fit(x_train, x_train, epochs=3, batch_size=64, verbose=0)

    assert history.history["loss"][-1] < history.history["loss"][0]
    # encoder: 3 Dense, decoder: 2 Dense, kernel and bias each.
    assert len(vae.trainable_weights) == 10
