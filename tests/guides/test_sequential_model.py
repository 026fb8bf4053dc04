"""keras.io guide "The Sequential model" (guides/sequential_model.py), run on lamina.

Each test is one section of the guide with only the imports changed.
"""
import numpy as np  # noqa: I001 -- the guide's import lines, kept one per line

import lamina as keras
from lamina import layers
from lamina import ops


def test_when_to_use_a_sequential_model():
    model = keras.Sequential(
        [
            layers.Dense(2, activation="relu", name="layer1"),
            layers.Dense(3, activation="relu", name="layer2"),
            layers.Dense(4, name="layer3"),
        ]
    )
    x = ops.ones((3, 3))
    y = model(x)

    # ... is equivalent to this function (with the same weights):
    layer1 = layers.Dense(2, activation="relu", name="layer1")
    layer2 = layers.Dense(3, activation="relu", name="layer2")
    layer3 = layers.Dense(4, name="layer3")
    x = ops.ones((3, 3))
    layer3(layer2(layer1(x)))
    for mine, theirs in zip((layer1, layer2, layer3), model.layers):
        mine.set_weights(theirs.get_weights())
    y_function = layer3(layer2(layer1(x)))
    assert tuple(y.shape) == (3, 4)
    np.testing.assert_allclose(np.asarray(y_function), np.asarray(y), rtol=1e-6)


def test_creating_a_sequential_model():
    model = keras.Sequential(
        [
            layers.Dense(2, activation="relu"),
            layers.Dense(3, activation="relu"),
            layers.Dense(4),
        ]
    )
    assert len(model.layers) == 3

    model = keras.Sequential()
    model.add(layers.Dense(2, activation="relu"))
    model.add(layers.Dense(3, activation="relu"))
    model.add(layers.Dense(4))
    model.pop()
    assert len(model.layers) == 2

    model = keras.Sequential(name="my_sequential")
    model.add(layers.Dense(2, activation="relu", name="layer1"))
    model.add(layers.Dense(3, activation="relu", name="layer2"))
    model.add(layers.Dense(4, name="layer3"))
    assert model.name == "my_sequential"
    assert [layer.name for layer in model.layers] == ["layer1", "layer2", "layer3"]


def test_specifying_the_input_shape_in_advance():
    layer = layers.Dense(3)
    assert layer.weights == []  # Empty

    x = ops.ones((1, 4))
    layer(x)
    assert [tuple(w.shape) for w in layer.weights] == [(4, 3), (3,)]

    model = keras.Sequential(
        [
            layers.Dense(2, activation="relu"),
            layers.Dense(3, activation="relu"),
            layers.Dense(4),
        ]
    )  # No weights at this stage!
    x = ops.ones((1, 4))
    model(x)
    assert len(model.weights) == 6
    model.summary()

    model = keras.Sequential()
    model.add(keras.Input(shape=(4,)))
    model.add(layers.Dense(2, activation="relu"))
    model.summary()
    # The Input object is not part of model.layers; the model already has its weights.
    assert len(model.layers) == 1
    assert len(model.weights) == 2
    assert tuple(model.output_shape) == (None, 2)


def test_add_and_summary_debugging_workflow():
    model = keras.Sequential()
    model.add(keras.Input(shape=(250, 250, 3)))  # 250x250 RGB images
    model.add(layers.Conv2D(32, 5, strides=2, activation="relu"))
    model.add(layers.Conv2D(32, 3, activation="relu"))
    model.add(layers.MaxPooling2D(3))
    model.summary()
    # The answer was: (40, 40, 32), so we can keep downsampling...
    assert tuple(model.output_shape) == (None, 40, 40, 32)

    model.add(layers.Conv2D(32, 3, activation="relu"))
    model.add(layers.Conv2D(32, 3, activation="relu"))
    model.add(layers.MaxPooling2D(3))
    model.add(layers.Conv2D(32, 3, activation="relu"))
    model.add(layers.Conv2D(32, 3, activation="relu"))
    model.add(layers.MaxPooling2D(2))
    model.summary()
    # Now that we have 4x4 feature maps, time to apply global max pooling.
    assert tuple(model.output_shape) == (None, 4, 4, 32)

    model.add(layers.GlobalMaxPooling2D())
    model.add(layers.Dense(10))
    assert tuple(model.output_shape) == (None, 10)


def test_feature_extraction_with_a_sequential_model():
    initial_model = keras.Sequential(
        [
            keras.Input(shape=(250, 250, 3)),
            layers.Conv2D(32, 5, strides=2, activation="relu"),
            layers.Conv2D(32, 3, activation="relu"),
            layers.Conv2D(32, 3, activation="relu"),
        ]
    )
    feature_extractor = keras.Model(
        inputs=initial_model.inputs,
        outputs=[layer.output for layer in initial_model.layers],
    )
    x = ops.ones((1, 250, 250, 3))
    features = feature_extractor(x)
    assert [tuple(f.shape) for f in features] == [
        (1, 123, 123, 32), (1, 121, 121, 32), (1, 119, 119, 32)]
    np.testing.assert_allclose(np.asarray(features[-1]), np.asarray(initial_model(x)),
                               rtol=1e-5, atol=1e-6)


def test_feature_extraction_from_one_layer():
    initial_model = keras.Sequential(
        [
            keras.Input(shape=(250, 250, 3)),
            layers.Conv2D(32, 5, strides=2, activation="relu"),
            layers.Conv2D(32, 3, activation="relu", name="my_intermediate_layer"),
            layers.Conv2D(32, 3, activation="relu"),
        ]
    )
    feature_extractor = keras.Model(
        inputs=initial_model.inputs,
        outputs=initial_model.get_layer(name="my_intermediate_layer").output,
    )
    x = ops.ones((1, 250, 250, 3))
    features = feature_extractor(x)
    assert tuple(features.shape) == (1, 121, 121, 32)


def test_transfer_learning_freezes_all_but_the_last_layer(tmp_path):
    # The guide's blueprint (shown as prose) with its `...` filled in.
    model = keras.Sequential([
        keras.Input(shape=(784,)),
        layers.Dense(32, activation='relu'),
        layers.Dense(32, activation='relu'),
        layers.Dense(32, activation='relu'),
        layers.Dense(10),
    ])
    path = str(tmp_path / "pretrained.weights.h5")
    model.save_weights(path)
    model.load_weights(path)

    for layer in model.layers[:-1]:
        layer.trainable = False

    frozen = [w.copy() for w in model.get_weights()[:-2]]
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.random.random((16, 784)), np.random.random((16, 10)), verbose=0)
    assert len(model.trainable_weights) == 2
    for before, after in zip(frozen, model.get_weights()[:-2]):
        np.testing.assert_array_equal(before, after)


def test_transfer_learning_stacks_a_frozen_base_model():
    # The guide loads ImageNet weights; no downloads here, and the smallest input Xception
    # takes keeps the dry run short.
    base_model = keras.applications.Xception(
        weights=None, include_top=False, pooling="avg", input_shape=(71, 71, 3))
    base_model.trainable = False
    model = keras.Sequential([
        base_model,
        layers.Dense(1000),
    ])
    model.build((None, 71, 71, 3))
    assert len(model.trainable_weights) == 2
    assert tuple(model.output_shape) == (None, 1000)
