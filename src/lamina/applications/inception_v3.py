"""InceptionV3 (Szegedy et al., 2015, https://arxiv.org/abs/1512.00567), as Keras builds it.

Most layers are unnamed (``conv2d_7``, ``batch_normalization_7``, ...), exactly as in Keras:
ImageNet weight files are matched to layers by order, not by name.
"""
from lamina.applications import _common, imagenet_utils

_BASE = ("https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/"
         "inception_v3_weights_tf_dim_ordering_tf_kernels")
WEIGHTS_PATH = f"{_BASE}.h5"
WEIGHTS_PATH_NO_TOP = f"{_BASE}_notop.h5"
# include_top -> (url, md5): the files and digests Keras publishes
WEIGHT_FILES = {True: (WEIGHTS_PATH, "9a0d58056eeedaa3f26cb7ebd46da564"),
                False: (WEIGHTS_PATH_NO_TOP, "bcbd6486424b2319ff4ef7d526e38f63")}


def InceptionV3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="inception_v3"):
    """The InceptionV3 network (23,851,784 parameters with the top, 21,802,784 without).

    Args:
        include_top: whether to include the classifier (global average pooling 'avg_pool'
            and the dense 'predictions' layer).
        weights: None (random initialization), 'imagenet' (downloaded once, cached under
            ``$LAMINA_HOME/models``) or the path of a weights file to load.
        input_tensor: optional symbolic tensor (``lamina.layers.Input(...)``) to use as
            the image input.
        input_shape: (height, width, 3) without the top, at least 75x75; with the top and
            ImageNet weights it must be (299, 299, 3), the default.
        pooling: without the top, None (4-D feature maps), 'avg' or 'max' (global pooling
            to a 2-D output).
        classes: number of classes with the top (1000 for ImageNet weights).
        classifier_activation: activation of the 'predictions' layer; 'softmax' or None
            (logits) with pretrained weights.
        name: the model's name.

    Inputs go through ``lamina.applications.inception_v3.preprocess_input`` first (scaled
    to [-1, 1]).

    >>> model = InceptionV3(weights=None, include_top=False, input_shape=(75, 75, 3))
    >>> model.output_shape
    (None, 1, 1, 2048)
    """
    from lamina import layers
    img_input, weights_path = _common.start(
        weights, include_top, classes, pooling, classifier_activation, input_tensor,
        input_shape, WEIGHT_FILES, default_size=299, min_size=75, name=name)
    axis = _common.channel_axis()

    def avg_pool(t):
        return layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(t)

    def max_pool(t):
        return layers.MaxPooling2D((3, 3), strides=(2, 2))(t)

    # the stem
    x = conv2d_bn(img_input, 32, 3, 3, strides=(2, 2), padding="valid")
    x = conv2d_bn(x, 32, 3, 3, padding="valid")
    x = conv2d_bn(x, 64, 3, 3)
    x = max_pool(x)
    x = conv2d_bn(x, 80, 1, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, 3, padding="valid")
    x = max_pool(x)

    # mixed 0, 1, 2: 35 x 35 x 256, 288, 288
    for i, pool_filters in enumerate((32, 64, 64)):
        branch1x1 = conv2d_bn(x, 64, 1, 1)
        branch5x5 = conv2d_bn(x, 48, 1, 1)
        branch5x5 = conv2d_bn(branch5x5, 64, 5, 5)
        branch3x3dbl = conv2d_bn(x, 64, 1, 1)
        branch3x3dbl = conv2d_bn(branch3x3dbl, 96, 3, 3)
        branch3x3dbl = conv2d_bn(branch3x3dbl, 96, 3, 3)
        branch_pool = conv2d_bn(avg_pool(x), pool_filters, 1, 1)
        x = layers.concatenate([branch1x1, branch5x5, branch3x3dbl, branch_pool], axis=axis,
                               name=f"mixed{i}")

    # mixed 3: 17 x 17 x 768
    branch3x3 = conv2d_bn(x, 384, 3, 3, strides=(2, 2), padding="valid")
    branch3x3dbl = conv2d_bn(x, 64, 1, 1)
    branch3x3dbl = conv2d_bn(branch3x3dbl, 96, 3, 3)
    branch3x3dbl = conv2d_bn(branch3x3dbl, 96, 3, 3, strides=(2, 2), padding="valid")
    branch_pool = max_pool(x)
    x = layers.concatenate([branch3x3, branch3x3dbl, branch_pool], axis=axis, name="mixed3")

    # mixed 4, 5, 6, 7: 17 x 17 x 768, factorized 7x7 convolutions
    for i, width in enumerate((128, 160, 160, 192)):
        branch1x1 = conv2d_bn(x, 192, 1, 1)
        branch7x7 = conv2d_bn(x, width, 1, 1)
        branch7x7 = conv2d_bn(branch7x7, width, 1, 7)
        branch7x7 = conv2d_bn(branch7x7, 192, 7, 1)
        branch7x7dbl = conv2d_bn(x, width, 1, 1)
        branch7x7dbl = conv2d_bn(branch7x7dbl, width, 7, 1)
        branch7x7dbl = conv2d_bn(branch7x7dbl, width, 1, 7)
        branch7x7dbl = conv2d_bn(branch7x7dbl, width, 7, 1)
        branch7x7dbl = conv2d_bn(branch7x7dbl, 192, 1, 7)
        branch_pool = conv2d_bn(avg_pool(x), 192, 1, 1)
        x = layers.concatenate([branch1x1, branch7x7, branch7x7dbl, branch_pool], axis=axis,
                               name=f"mixed{4 + i}")

    # mixed 8: 8 x 8 x 1280
    branch3x3 = conv2d_bn(x, 192, 1, 1)
    branch3x3 = conv2d_bn(branch3x3, 320, 3, 3, strides=(2, 2), padding="valid")
    branch7x7x3 = conv2d_bn(x, 192, 1, 1)
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 1, 7)
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 7, 1)
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 3, 3, strides=(2, 2), padding="valid")
    branch_pool = max_pool(x)
    x = layers.concatenate([branch3x3, branch7x7x3, branch_pool], axis=axis, name="mixed8")

    # mixed 9, 10: 8 x 8 x 2048, expanded filter banks
    for i in range(2):
        branch1x1 = conv2d_bn(x, 320, 1, 1)
        branch3x3 = conv2d_bn(x, 384, 1, 1)
        branch3x3_1 = conv2d_bn(branch3x3, 384, 1, 3)
        branch3x3_2 = conv2d_bn(branch3x3, 384, 3, 1)
        branch3x3 = layers.concatenate([branch3x3_1, branch3x3_2], axis=axis,
                                       name=f"mixed9_{i}")
        branch3x3dbl = conv2d_bn(x, 448, 1, 1)
        branch3x3dbl = conv2d_bn(branch3x3dbl, 384, 3, 3)
        branch3x3dbl_1 = conv2d_bn(branch3x3dbl, 384, 1, 3)
        branch3x3dbl_2 = conv2d_bn(branch3x3dbl, 384, 3, 1)
        branch3x3dbl = layers.concatenate([branch3x3dbl_1, branch3x3dbl_2], axis=axis)
        branch_pool = conv2d_bn(avg_pool(x), 192, 1, 1)
        x = layers.concatenate([branch1x1, branch3x3, branch3x3dbl, branch_pool], axis=axis,
                               name=f"mixed{9 + i}")

    x = _common.classifier(x, include_top, pooling, classes, classifier_activation,
                           top_pool_name="avg_pool")
    return _common.finish(img_input, input_tensor, x, name, weights_path)


def conv2d_bn(x, filters, num_row, num_col, padding="same", strides=(1, 1), name=None):
    """Convolution (no bias), batch normalization (no scale) and ReLU; named
    ``name + '_conv'``, ``name + '_bn'`` and ``name`` when ``name`` is given."""
    from lamina import layers
    conv_name = None if name is None else f"{name}_conv"
    bn_name = None if name is None else f"{name}_bn"
    x = layers.Conv2D(filters, (num_row, num_col), strides=strides, padding=padding,
                      use_bias=False, name=conv_name)(x)
    x = layers.BatchNormalization(axis=_common.channel_axis(), scale=False, name=bn_name)(x)
    return layers.Activation("relu", name=name)(x)


def preprocess_input(x, data_format=None):
    """tf mode: pixels scaled from [0, 255] to [-1, 1]."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """The ``top`` (class_id, class_name, score) tuples of each ImageNet prediction."""
    return imagenet_utils.decode_predictions(preds, top=top)
