"""``lamina.applications.resnet50``: ResNet50 and its preprocessing, as in Keras.

>>> from lamina.applications.resnet50 import ResNet50, preprocess_input
"""
from lamina.applications.resnet import ResNet50, decode_predictions, preprocess_input

__all__ = ["ResNet50", "decode_predictions", "preprocess_input"]
