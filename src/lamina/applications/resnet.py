"""ResNet50, ResNet101, ResNet152 (He et al., 2015, https://arxiv.org/abs/1512.03385), as
Keras builds them: bottleneck residual blocks (1x1, 3x3, 1x1 convolutions, each followed
by batch normalization) added to a shortcut."""
from lamina.applications import _common, imagenet_utils

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/resnet/"
# name -> (md5 with the top, md5 without), as Keras publishes them
WEIGHTS_HASHES = {
    "resnet50": ("2cb95161c43110f7111970584f804107", "4d473c1dd8becc155b73f8504c6f6626"),
    "resnet101": ("f1aeb4b969a6efcfb50fad2f0c20cfc5", "88cf7a10940856eca736dc7b7e228a21"),
    "resnet152": ("100835be76be38e30d865e96f2aaae62", "ee4c566cf9a93f14d82f913c2dc6dd0c"),
}
_BN_EPSILON = 1.001e-5


def _weight_files(weights_name):
    top, notop = WEIGHTS_HASHES[weights_name]
    url = f"{BASE_WEIGHTS_PATH}{weights_name}_weights_tf_dim_ordering_tf_kernels"
    return {True: (f"{url}.h5", top), False: (f"{url}_notop.h5", notop)}


def ResNet(stack_fn, preact, use_bias, include_top=True, weights="imagenet", input_tensor=None,
           input_shape=None, pooling=None, classes=1000, classifier_activation="softmax",
           name="resnet", weights_name=None):
    """A ResNet whose residual stages come from ``stack_fn(x) -> x``.

    ``preact`` and ``use_bias`` select the variant (Keras's ResNet v1 has preact=False,
    use_bias=True); the other arguments are those of ``ResNet50``.
    """
    from lamina import layers
    files = _weight_files(weights_name) if weights_name in WEIGHTS_HASHES else None
    img_input, weights_path = _common.start(
        weights, include_top, classes, pooling, classifier_activation, input_tensor,
        input_shape, files, default_size=224, min_size=32, name=name)
    bn_axis = _common.channel_axis()
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=use_bias, name="conv1_conv")(x)
    if not preact:
        x = layers.BatchNormalization(axis=bn_axis, epsilon=_BN_EPSILON, name="conv1_bn")(x)
        x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    x = stack_fn(x)
    if preact:
        x = layers.BatchNormalization(axis=bn_axis, epsilon=_BN_EPSILON, name="post_bn")(x)
        x = layers.Activation("relu", name="post_relu")(x)
    x = _common.classifier(x, include_top, pooling, classes, classifier_activation,
                           top_pool_name="avg_pool", pool_names=("avg_pool", "max_pool"))
    return _common.finish(img_input, input_tensor, x, name, weights_path)


def residual_block_v1(x, filters, kernel_size=3, stride=1, conv_shortcut=True, name=None):
    """One bottleneck block; the shortcut is a strided 1x1 convolution or the input itself."""
    from lamina import layers
    bn_axis = _common.channel_axis()

    def bn(t, suffix):
        return layers.BatchNormalization(axis=bn_axis, epsilon=_BN_EPSILON,
                                         name=f"{name}_{suffix}_bn")(t)

    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = bn(shortcut, 0)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = bn(x, 1)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.Conv2D(filters, kernel_size, padding="same", name=f"{name}_2_conv")(x)
    x = bn(x, 2)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    x = bn(x, 3)
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def stack_residual_blocks_v1(x, filters, blocks, stride1=2, name=None):
    """``blocks`` residual blocks; the first one projects the shortcut (with ``stride1``)."""
    x = residual_block_v1(x, filters, stride=stride1, name=f"{name}_block1")
    for i in range(2, blocks + 1):
        x = residual_block_v1(x, filters, conv_shortcut=False, name=f"{name}_block{i}")
    return x


def _stacks(blocks):
    """stack_fn for stages conv2..conv5 with ``blocks`` residual blocks each."""
    def stack_fn(x):
        x = stack_residual_blocks_v1(x, 64, blocks[0], stride1=1, name="conv2")
        x = stack_residual_blocks_v1(x, 128, blocks[1], name="conv3")
        x = stack_residual_blocks_v1(x, 256, blocks[2], name="conv4")
        return stack_residual_blocks_v1(x, 512, blocks[3], name="conv5")
    return stack_fn


def _resnet_v1(blocks, weights_name, include_top, weights, input_tensor, input_shape, pooling,
               classes, classifier_activation, name):
    return ResNet(_stacks(blocks), preact=False, use_bias=True, include_top=include_top,
                  weights=weights, input_tensor=input_tensor, input_shape=input_shape,
                  pooling=pooling, classes=classes,
                  classifier_activation=classifier_activation, name=name,
                  weights_name=weights_name)


_ARGS_DOC = """
    Args:
        include_top: whether to include the classifier (global average pooling 'avg_pool'
            and the dense 'predictions' layer).
        weights: None (random initialization), 'imagenet' (downloaded once, cached under
            ``$LAMINA_HOME/models``) or the path of a weights file to load.
        input_tensor: optional symbolic tensor (``lamina.layers.Input(...)``) to use as
            the image input.
        input_shape: (height, width, 3) without the top, at least 32x32; with the top and
            ImageNet weights it must be (224, 224, 3), the default.
        pooling: without the top, None (4-D feature maps), 'avg' or 'max' (global pooling
            to a 2-D output).
        classes: number of classes with the top (1000 for ImageNet weights).
        classifier_activation: activation of the 'predictions' layer; 'softmax' or None
            (logits) with pretrained weights.
        name: the model's name.

    Inputs go through ``lamina.applications.resnet.preprocess_input`` first (caffe mode).
"""


def ResNet50(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
             pooling=None, classes=1000, classifier_activation="softmax", name="resnet50"):
    return _resnet_v1((3, 4, 6, 3), "resnet50", include_top, weights, input_tensor,
                      input_shape, pooling, classes, classifier_activation, name)


def ResNet101(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
              pooling=None, classes=1000, classifier_activation="softmax", name="resnet101"):
    return _resnet_v1((3, 4, 23, 3), "resnet101", include_top, weights, input_tensor,
                      input_shape, pooling, classes, classifier_activation, name)


def ResNet152(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
              pooling=None, classes=1000, classifier_activation="softmax", name="resnet152"):
    return _resnet_v1((3, 8, 36, 3), "resnet152", include_top, weights, input_tensor,
                      input_shape, pooling, classes, classifier_activation, name)


ResNet50.__doc__ = """The ResNet50 network (25,636,712 parameters with the top, 23,587,712
    without).
""" + _ARGS_DOC + """
    >>> model = ResNet50(weights=None, include_top=False, pooling="avg")
    >>> model.output_shape
    (None, 2048)
"""
ResNet101.__doc__ = ("The ResNet101 network (44,707,176 parameters with the top).\n"
                     + _ARGS_DOC + "\n    >>> model = ResNet101(weights=None)  "
                     "# doctest: +SKIP\n")
ResNet152.__doc__ = ("The ResNet152 network (60,419,944 parameters with the top).\n"
                     + _ARGS_DOC + "\n    >>> model = ResNet152(weights=None)  "
                     "# doctest: +SKIP\n")


def preprocess_input(x, data_format=None):
    """Caffe mode: RGB to BGR, then the ImageNet mean pixel subtracted (no scaling)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds, top=5):
    """The ``top`` (class_id, class_name, score) tuples of each ImageNet prediction."""
    return imagenet_utils.decode_predictions(preds, top=top)
