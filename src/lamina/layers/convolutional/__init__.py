"""Convolution layers: Conv1D/2D/3D, their transposes, depthwise and separable convolutions."""
from lamina.layers.convolutional.base_conv import BaseConv, Conv1D, Conv2D, Conv3D, SpatialLayer
from lamina.layers.convolutional.conv_transpose import (
                                                        Conv1DTranspose,
                                                        Conv2DTranspose,
                                                        Conv3DTranspose,
)
from lamina.layers.convolutional.depthwise_separable import (
                                                        DepthwiseConv1D,
                                                        DepthwiseConv2D,
                                                        SeparableConv1D,
                                                        SeparableConv2D,
)

# Keras's aliases
Convolution1D, Convolution2D, Convolution3D = Conv1D, Conv2D, Conv3D
Convolution2DTranspose, Convolution3DTranspose = Conv2DTranspose, Conv3DTranspose
SeparableConvolution1D, SeparableConvolution2D = SeparableConv1D, SeparableConv2D

__all__ = ["BaseConv", "Conv1D", "Conv1DTranspose", "Conv2D", "Conv2DTranspose", "Conv3D",
           "Conv3DTranspose", "Convolution1D", "Convolution2D", "Convolution2DTranspose",
           "Convolution3D", "Convolution3DTranspose", "DepthwiseConv1D", "DepthwiseConv2D",
           "SeparableConv1D", "SeparableConv2D", "SeparableConvolution1D",
           "SeparableConvolution2D", "SpatialLayer"]
