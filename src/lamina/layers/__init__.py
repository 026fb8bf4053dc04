"""Layers: the language networks are written in (Keras names and arguments)."""
from lamina.layers.activation_layers import ELU, LeakyReLU, PReLU, ReLU, Softmax, ThresholdedReLU
from lamina.layers.convolutional import (
    Conv1D,
    Conv1DTranspose,
    Conv2D,
    Conv2DTranspose,
    Conv3D,
    Conv3DTranspose,
    Convolution1D,
    Convolution2D,
    Convolution2DTranspose,
    Convolution3D,
    Convolution3DTranspose,
    DepthwiseConv1D,
    DepthwiseConv2D,
    SeparableConv1D,
    SeparableConv2D,
    SeparableConvolution1D,
    SeparableConvolution2D,
)
from lamina.layers.core import (
    Activation,
    ActivityRegularization,
    Dense,
    Dropout,
    Flatten,
    Identity,
    Input,
    InputLayer,
    Lambda,
    Permute,
    RepeatVector,
    Reshape,
)
from lamina.layers.embedding import Embedding
from lamina.layers.layer import Layer, SymbolicTensor
from lamina.layers.locally_connected import LocallyConnected1D, LocallyConnected2D
from lamina.layers.masking import Masking
from lamina.layers.merging import (
    Add,
    Average,
    Concatenate,
    Dot,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    dot,
    maximum,
    minimum,
    multiply,
    subtract,
)
from lamina.layers.noise import (
    AlphaDropout,
    GaussianDropout,
    GaussianNoise,
    SpatialDropout1D,
    SpatialDropout2D,
    SpatialDropout3D,
)
from lamina.layers.normalization import BatchNormalization, LayerNormalization
from lamina.layers.pooling import (
    AveragePooling1D,
    AveragePooling2D,
    AveragePooling3D,
    AvgPool1D,
    AvgPool2D,
    AvgPool3D,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalAveragePooling3D,
    GlobalAvgPool1D,
    GlobalAvgPool2D,
    GlobalAvgPool3D,
    GlobalMaxPool1D,
    GlobalMaxPool2D,
    GlobalMaxPool3D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    GlobalMaxPooling3D,
    MaxPool1D,
    MaxPool2D,
    MaxPool3D,
    MaxPooling1D,
    MaxPooling2D,
    MaxPooling3D,
)
from lamina.layers.recurrent import (
    GRU,
    LSTM,
    RNN,
    GRUCell,
    LSTMCell,
    SimpleRNN,
    SimpleRNNCell,
    StackedRNNCells,
)
from lamina.layers.reshaping import (
    Cropping1D,
    Cropping2D,
    Cropping3D,
    UpSampling1D,
    UpSampling2D,
    UpSampling3D,
    ZeroPadding1D,
    ZeroPadding2D,
    ZeroPadding3D,
)
from lamina.layers.wrappers import Bidirectional, TimeDistributed
from lamina.utils.layer_serialization import deserialize_layer, serialize_layer

__all__ = ["Activation", "ActivityRegularization", "Dense", "Dropout", "Flatten", "Identity",
           "Input", "InputLayer", "Lambda", "Layer", "Permute", "RepeatVector", "Reshape",
           "SymbolicTensor", "deserialize", "get", "serialize"]
__all__ += ["Add", "Average", "Concatenate", "Dot", "Maximum", "Minimum", "Multiply", "Subtract",
            "add", "average", "concatenate", "dot", "maximum", "minimum", "multiply", "subtract"]
__all__ += ["Bidirectional", "Embedding", "GRU", "GRUCell", "LSTM", "LSTMCell", "Masking", "RNN",
            "SimpleRNN", "SimpleRNNCell", "StackedRNNCells", "TimeDistributed"]
__all__ += ["ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax", "ThresholdedReLU", "Conv1D",
            "Conv1DTranspose", "Conv2D", "Conv2DTranspose", "Conv3D", "Conv3DTranspose",
            "Convolution1D", "Convolution2D", "Convolution2DTranspose", "Convolution3D",
            "Convolution3DTranspose", "DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D",
            "SeparableConv2D", "SeparableConvolution1D", "SeparableConvolution2D",
            "LocallyConnected1D", "LocallyConnected2D", "AlphaDropout", "GaussianDropout",
            "GaussianNoise", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
            "BatchNormalization", "LayerNormalization", "AveragePooling1D", "AveragePooling2D",
            "AveragePooling3D", "AvgPool1D", "AvgPool2D", "AvgPool3D", "GlobalAveragePooling1D",
            "GlobalAveragePooling2D", "GlobalAveragePooling3D", "GlobalAvgPool1D",
            "GlobalAvgPool2D", "GlobalAvgPool3D", "GlobalMaxPool1D", "GlobalMaxPool2D",
            "GlobalMaxPool3D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D",
            "MaxPool1D", "MaxPool2D", "MaxPool3D", "MaxPooling1D", "MaxPooling2D", "MaxPooling3D",
            "Cropping1D", "Cropping2D", "Cropping3D", "UpSampling1D", "UpSampling2D",
            "UpSampling3D", "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D"]


def _all_layer_classes():
    import lamina.layers as mod
    return {name: obj for name, obj in vars(mod).items()
            if isinstance(obj, type) and issubclass(obj, Layer)}


def serialize(layer):
    """Keras 3's form: {module, class_name, config, registered_name}."""
    return serialize_layer(layer, build_config=False)


def deserialize(config, custom_objects=None, safe_mode=None):
    """A layer from ``serialize``'s dict (or Keras 3's / Keras 2's); see
    ``lamina.saving.deserialize_layer``."""
    return deserialize_layer(config, custom_objects=custom_objects, safe_mode=safe_mode)


get = deserialize
