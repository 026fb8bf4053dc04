"""VGG16 (Simonyan & Zisserman, 2014, https://arxiv.org/abs/1409.1556), as Keras builds it."""
from lamina.applications import _vgg, imagenet_utils

WEIGHTS_PATH = (_vgg._BASE + "vgg16/vgg16_weights_tf_dim_ordering_tf_kernels.h5")
WEIGHTS_PATH_NO_TOP = (_vgg._BASE + "vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5")
# include_top -> (url, md5): the files and digests Keras publishes
WEIGHT_FILES = {True: (WEIGHTS_PATH, "64373286793e3c8b2b4e3219cbf3544b"),
                False: (WEIGHTS_PATH_NO_TOP, "6d6bbae143d832006294945121d1f1fc")}


def VGG16(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
          pooling=None, classes=1000, classifier_activation="softmax", name="vgg16"):
    """The VGG16 network: 13 convolutions in 5 blocks, then 3 dense layers (138,357,544
    parameters with the top, 14,714,688 without).

    Args:
        include_top: whether to include the 3 dense layers (flatten, fc1, fc2, predictions).
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

    Inputs go through ``lamina.applications.vgg16.preprocess_input`` first.

    >>> model = VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
    >>> model.output_shape
    (None, 1, 1, 512)
    """
    return _vgg.vgg((2, 2, 3, 3, 3), WEIGHT_FILES, include_top, weights, input_tensor,
                    input_shape, pooling, classes, classifier_activation, name)


def preprocess_input(x, data_format=None):
    """Caffe mode: RGB to BGR, then the ImageNet mean pixel subtracted (no scaling)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds, top=5):
    """The ``top`` (class_id, class_name, score) tuples of each ImageNet prediction."""
    return imagenet_utils.decode_predictions(preds, top=top)
