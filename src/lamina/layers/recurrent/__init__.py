"""Recurrent layers: SimpleRNN, LSTM, GRU, their cells, the generic RNN and cell stacks."""
from lamina.layers.recurrent.gru import GRU, GRUCell
from lamina.layers.recurrent.lstm import LSTM, LSTMCell
from lamina.layers.recurrent.rnn import RNN, StackedRNNCells
from lamina.layers.recurrent.simple_rnn import SimpleRNN, SimpleRNNCell

__all__ = ["GRU", "GRUCell", "LSTM", "LSTMCell", "RNN", "SimpleRNN", "SimpleRNNCell",
           "StackedRNNCells"]
