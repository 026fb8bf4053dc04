"""The VGG family: blocks of 3x3 convolutions, each block ending in 2x2 max pooling."""
from lamina.applications import _common

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/"
_FILTERS = (64, 128, 256, 512, 512)


def vgg(convs_per_block, weight_files, include_top, weights, input_tensor, input_shape,
        pooling, classes, classifier_activation, name):
    """A VGG network with ``convs_per_block[i]`` convolutions in block ``i + 1``."""
    from lamina import layers
    img_input, weights_path = _common.start(
        weights, include_top, classes, pooling, classifier_activation, input_tensor,
        input_shape, weight_files, default_size=224, min_size=32, name=name)
    x = img_input
    for block, (filters, n) in enumerate(zip(_FILTERS, convs_per_block), start=1):
        for i in range(1, n + 1):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same",
                              name=f"block{block}_conv{i}")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
    x = _common.classifier(x, include_top, pooling, classes, classifier_activation)
    return _common.finish(img_input, input_tensor, x, name, weights_path)

