"""The rnn package's face: ``trainr``, ``predictr``, ``int2bin``, ``bin2int`` and helpers.

The R package rnn (Bastiaan Quast) trains recurrent networks with ``trainr`` and uses them
with ``predictr``. ``lamina.rnn`` offers the same functions, arguments and defaults on top
of lamina's recurrent layers (SimpleRNN, LSTM, GRU) and its autodiff, so the networks are
trained with their true gradients. R code ports line for line; docs/rnn.md lists where
lamina departs from the package.

>>> from lamina.rnn import int2bin, bin2int, trainr, predictr, sample, array, c, dim
>>> X1 = sample(range(0, 128), 10000, replace=True)
>>> X2 = sample(range(0, 128), 10000, replace=True)
>>> Y = X1 + X2
>>> X1 = int2bin(X1, length=8)
>>> X2 = int2bin(X2, length=8)
>>> Y = int2bin(Y, length=8)
>>> X = array(c(X1, X2), dim=c(dim(X1), 2))
>>> model = trainr(Y=Y, X=X, learningrate=1, hidden_dim=16)   # doctest: +SKIP
"""
from lamina.rnn.predictr import predictr
from lamina.rnn.trainr import RNNModel, trainr
from lamina.rnn.utils import (
                              Gompertz,
                              array,
                              b2i,
                              bin2int,
                              c,
                              dim,
                              epoch_annealing,
                              epoch_print,
                              i2b,
                              int2bin,
                              inverse_Gompertz,
                              leakyrelu,
                              logistic,
                              logit,
                              loss_L1,
                              relu,
                              relu_output_to_derivative,
                              sample,
                              sigmoid,
                              sigmoid_output_to_derivative,
                              tanh,
                              tanh_output_to_derivative,
)

__all__ = [
    "Gompertz", "RNNModel", "array", "b2i", "bin2int", "c", "dim", "epoch_annealing",
    "epoch_print", "i2b", "int2bin", "inverse_Gompertz", "leakyrelu", "logistic", "logit",
    "loss_L1", "predictr", "relu", "relu_output_to_derivative", "sample", "sigmoid",
    "sigmoid_output_to_derivative", "tanh", "tanh_output_to_derivative", "trainr",
]
