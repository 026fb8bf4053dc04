"""Small models that together use every lamina layer type (for round trips)."""
import numpy as np

from lamina import Model, Sequential
from lamina import layers as L


def _x(*shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def _merging():
    a, b = L.Input((3,)), L.Input((3,))
    da, db = L.Dense(3)(a), L.Dense(3)(b)
    merged = [L.Add()([da, db]), L.Subtract()([da, db]), L.Multiply()([da, db]),
              L.Average()([da, db]), L.Maximum()([da, db]), L.Minimum()([da, db]),
              L.Dot(axes=1)([da, db])]
    return Model([a, b], L.Dense(1)(L.Concatenate()(merged)))


def n_samples(x):
    return len(x[0]) if isinstance(x, list) else len(x)


def _models():
    seq = np.array([[1, 2, 3, 0], [4, 5, 6, 7], [2, 0, 0, 0]], "int32")
    return {
        "core": (lambda: Sequential([
            L.Input((6,)), L.Dense(5, activation="relu", kernel_regularizer="l2"),
            L.BatchNormalization(), L.Dropout(0.2), L.Dense(4, use_bias=False),
            L.Activation("tanh"), L.LayerNormalization(), L.ActivityRegularization(l1=1e-3),
            L.Identity(), L.Dense(2)]), _x(8, 6)),
        "activations": (lambda: Sequential([
            L.Dense(6, input_shape=(4,)), L.ReLU(max_value=2.0), L.Dense(6), L.LeakyReLU(0.2),
            L.Dense(6), L.PReLU(), L.ELU(0.5), L.GaussianNoise(0.1),
            L.GaussianDropout(0.1), L.AlphaDropout(0.1), L.Dense(3), L.Softmax()]), _x(8, 4)),
        "reshaping": (lambda: Sequential([
            L.Masking(0.0, input_shape=(4, 3)), L.Flatten(), L.RepeatVector(2),
            L.Reshape((2, 3, 4)), L.Permute((3, 1, 2)), L.Reshape((-1,)), L.Dense(2)]),
            _x(8, 4, 3)),
        "conv1d": (lambda: Sequential([
            L.Input((12, 2)), L.Conv1D(3, 3, padding="same"), L.ZeroPadding1D(1),
            L.Cropping1D((1, 1)), L.MaxPooling1D(2), L.SeparableConv1D(3, 2),
            L.DepthwiseConv1D(2), L.UpSampling1D(2), L.Conv1DTranspose(2, 2, strides=2),
            L.AveragePooling1D(2), L.SpatialDropout1D(0.1),
            L.GlobalAveragePooling1D(), L.Dense(1)]), _x(4, 12, 2)),
        "conv2d": (lambda: Sequential([
            L.Input((7, 7, 2)), L.Conv2D(3, 3, activation="relu"), L.ZeroPadding2D(1),
            L.Cropping2D(1), L.MaxPooling2D(2), L.SeparableConv2D(2, 1),
            L.DepthwiseConv2D(1, depth_multiplier=2), L.UpSampling2D(2),
            L.Conv2DTranspose(2, 2), L.AveragePooling2D(2), L.SpatialDropout2D(0.1),
            L.GlobalMaxPooling2D(), L.Dense(1)]),
            _x(3, 7, 7, 2)),
        "conv3d": (lambda: Sequential([
            L.Input((4, 4, 4, 1)), L.Conv3D(2, 2, padding="same"), L.ZeroPadding3D(1),
            L.Cropping3D(1), L.MaxPooling3D(2), L.UpSampling3D(2), L.Conv3DTranspose(2, 1),
            L.AveragePooling3D(2), L.SpatialDropout3D(0.1), L.GlobalAveragePooling3D(),
            L.Dense(1)]), _x(3, 4, 4, 4, 1)),
        "conv_pool_extra": (lambda: Sequential([
            L.Input((6, 2)), L.Conv1D(2, 2), L.GlobalMaxPooling1D(), L.Reshape((1, 1, 2)),
            L.GlobalAveragePooling2D(), L.Reshape((1, 1, 1, 2)), L.GlobalMaxPooling3D(),
            L.Dense(1)]), _x(4, 6, 2)),
        "merging": (_merging, [_x(4, 3), _x(4, 3, seed=1)]),
        "recurrent": (lambda: Sequential([
            L.Input((4,), dtype="int32"), L.Embedding(8, 3, mask_zero=True),
            L.LSTM(3, return_sequences=True), L.Bidirectional(L.GRU(2, return_sequences=True)),
            L.TimeDistributed(L.Dense(2)), L.SimpleRNN(2, return_sequences=True),
            L.Bidirectional(L.LSTM(2), merge_mode="ave"), L.Dense(1)]), seq),
        "rnn_cells": (lambda: Sequential([
            L.Input((5, 3)), L.RNN(L.LSTMCell(2), return_sequences=True),
            L.RNN(L.StackedRNNCells([L.SimpleRNNCell(2), L.GRUCell(2)]),
                  return_sequences=True),
            L.GRU(2, reset_after=False), L.Dense(1)]), _x(4, 5, 3)),
        # layers Keras 3 no longer has: lamina reads and writes them, Keras 3 cannot
        "lamina_only": (lambda: Sequential([
            L.Input((5, 5, 1)), L.LocallyConnected2D(2, 2), L.Reshape((16, 2)),
            L.LocallyConnected1D(2, 2), L.Flatten(), L.Dense(3), L.ThresholdedReLU(0.1),
            L.Dense(1)]), _x(4, 5, 5, 1)),
    }


KERAS_LACKS = {"lamina_only"}
MODELS = _models()
