"""Ready-made ImageNet models with Keras's architectures, layer names and weight files.

Each family has its module with the model and its own ``preprocess_input`` and
``decode_predictions`` (``lamina.applications.vgg16``, ``vgg19``, ``resnet``, ``resnet50``,
``inception_v3``, ``xception``); the models are also here at the top level.

>>> from lamina.applications import ResNet50
>>> from lamina.applications.resnet50 import preprocess_input, decode_predictions
>>> model = ResNet50(weights=None, include_top=False, input_shape=(64, 64, 3), pooling="avg")
>>> model.output_shape
(None, 2048)
"""
from lamina.applications import (
    imagenet_utils,
    inception_v3,
    resnet,
    resnet50,
    vgg16,
    vgg19,
    xception,
)
from lamina.applications.inception_v3 import InceptionV3
from lamina.applications.resnet import ResNet50, ResNet101, ResNet152
from lamina.applications.vgg16 import VGG16
from lamina.applications.vgg19 import VGG19
from lamina.applications.xception import Xception

__all__ = ["InceptionV3", "ResNet50", "ResNet101", "ResNet152", "VGG16", "VGG19", "Xception",
           "imagenet_utils", "inception_v3", "resnet", "resnet50", "vgg16", "vgg19", "xception"]
