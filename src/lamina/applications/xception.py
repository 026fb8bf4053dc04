"""Xception (Chollet, 2017, https://arxiv.org/abs/1610.02357), as Keras builds it:
depthwise separable convolutions with residual connections.

The shortcut convolutions, their batch normalizations and the additions are unnamed
(``conv2d``, ``batch_normalization``, ``add``, ...), exactly as in Keras.
"""
from lamina import backend
from lamina.applications import _common, imagenet_utils

_BASE = ("https://storage.googleapis.com/tensorflow/keras-applications/xception/"
         "xception_weights_tf_dim_ordering_tf_kernels")
WEIGHTS_PATH = f"{_BASE}.h5"
WEIGHTS_PATH_NO_TOP = f"{_BASE}_notop.h5"
# include_top -> (url, md5): the files and digests Keras publishes
WEIGHT_FILES = {True: (WEIGHTS_PATH, "0a58e3b7378bc2990ea3b43d5981f1f6"),
                False: (WEIGHTS_PATH_NO_TOP, "b0042744bf5b25fce3cb969f33bebb97")}


def Xception(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
             pooling=None, classes=1000, classifier_activation="softmax", name="xception"):
    """The Xception network (22,910,480 parameters with the top, 20,861,480 without).

    Args:
        include_top: whether to include the classifier (global average pooling 'avg_pool'
            and the dense 'predictions' layer).
        weights: None (random initialization), 'imagenet' (downloaded once, cached under
            ``$LAMINA_HOME/models``) or the path of a weights file to load.
        input_tensor: optional symbolic tensor (``lamina.layers.Input(...)``) to use as
            the image input.
        input_shape: (height, width, 3) without the top, at least 71x71; with the top and
            ImageNet weights it must be (299, 299, 3), the default.
        pooling: without the top, None (4-D feature maps), 'avg' or 'max' (global pooling
            to a 2-D output).
        classes: number of classes with the top (1000 for ImageNet weights).
        classifier_activation: activation of the 'predictions' layer; 'softmax' or None
            (logits) with pretrained weights.
        name: the model's name.

    Inputs go through ``lamina.applications.xception.preprocess_input`` first (scaled to
    [-1, 1]).

    >>> model = Xception(weights=None, include_top=False, input_shape=(71, 71, 3))
    >>> model.output_shape
    (None, 3, 3, 2048)
    """
    from lamina import layers
    img_input, weights_path = _common.start(
        weights, include_top, classes, pooling, classifier_activation, input_tensor,
        input_shape, WEIGHT_FILES, default_size=299, min_size=71, name=name)
    axis = 1 if backend.image_data_format() == "channels_first" else -1

    def bn(t, name=None):
        return layers.BatchNormalization(axis=axis, name=name)(t)

    def relu(t, name):
        return layers.Activation("relu", name=name)(t)

    def sepconv(t, filters, name):
        t = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False,
                                   name=name)(t)
        return bn(t, f"{name}_bn")

    def shortcut(t, filters):
        t = layers.Conv2D(filters, (1, 1), strides=(2, 2), padding="same", use_bias=False)(t)
        return bn(t)

    def pool(t, name):
        return layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=name)(t)

    # entry flow
    x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(img_input)
    x = relu(bn(x, "block1_conv1_bn"), "block1_conv1_act")
    x = layers.Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = relu(bn(x, "block1_conv2_bn"), "block1_conv2_act")

    residual = shortcut(x, 128)
    x = sepconv(x, 128, "block2_sepconv1")
    x = relu(x, "block2_sepconv2_act")
    x = sepconv(x, 128, "block2_sepconv2")
    x = layers.add([pool(x, "block2_pool"), residual])

    for block, filters in ((3, 256), (4, 728)):
        residual = shortcut(x, filters)
        x = relu(x, f"block{block}_sepconv1_act")
        x = sepconv(x, filters, f"block{block}_sepconv1")
        x = relu(x, f"block{block}_sepconv2_act")
        x = sepconv(x, filters, f"block{block}_sepconv2")
        x = layers.add([pool(x, f"block{block}_pool"), residual])

    # middle flow: 8 identity-shortcut blocks
    for block in range(5, 13):
        residual = x
        for i in (1, 2, 3):
            x = relu(x, f"block{block}_sepconv{i}_act")
            x = sepconv(x, 728, f"block{block}_sepconv{i}")
        x = layers.add([x, residual])

    # exit flow
    residual = shortcut(x, 1024)
    x = relu(x, "block13_sepconv1_act")
    x = sepconv(x, 728, "block13_sepconv1")
    x = relu(x, "block13_sepconv2_act")
    x = sepconv(x, 1024, "block13_sepconv2")
    x = layers.add([pool(x, "block13_pool"), residual])

    x = relu(sepconv(x, 1536, "block14_sepconv1"), "block14_sepconv1_act")
    x = relu(sepconv(x, 2048, "block14_sepconv2"), "block14_sepconv2_act")

    x = _common.classifier(x, include_top, pooling, classes, classifier_activation,
                           top_pool_name="avg_pool")
    return _common.finish(img_input, input_tensor, x, name, weights_path)


def preprocess_input(x, data_format=None):
    """tf mode: pixels scaled from [0, 255] to [-1, 1]."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """The ``top`` (class_id, class_name, score) tuples of each ImageNet prediction."""
    return imagenet_utils.decode_predictions(preds, top=top)
