"""LSTMCell and LSTM (Hochreiter 1997), Keras's gate layout i, f, c, o."""
import numpy as np

from lamina import activations, initializers, ops
from lamina.layers.recurrent.base import CellLayer, _proxy
from lamina.layers.recurrent.rnn import RNNCellBase, check_use_cudnn
from lamina.ops import recurrent


class LSTMCell(RNNCellBase):
    """One step of a Long Short-Term Memory layer.

    ``z = x W + h_{t-1} U + b`` split into gates i, f, c, o (Keras's order);
    ``c_t = f c_{t-1} + i act(z_c)``, ``h_t = o act(c_t)`` with i, f, o through
    ``recurrent_activation``. States ``[h, c]``.

    Args: as ``SimpleRNNCell`` plus ``recurrent_activation`` (default sigmoid) and
    ``unit_forget_bias`` (default True: the forget-gate bias starts at 1, the rest from
    ``bias_initializer``). Weights: kernel (input_dim, 4 * units), recurrent_kernel
    (units, 4 * units), bias (4 * units,).

    >>> cell = LSTMCell(4)
    >>> h, (h, c) = cell(np.zeros((2, 3)), [np.zeros((2, 4)), np.zeros((2, 4))])
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, **kwargs):
        kwargs.pop("implementation", None)
        super().__init__(**kwargs)
        self._setup(units, activation, use_bias, kernel_initializer, recurrent_initializer,
                    bias_initializer, kernel_regularizer, recurrent_regularizer,
                    bias_regularizer, kernel_constraint, recurrent_constraint, bias_constraint,
                    dropout, recurrent_dropout, seed)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.state_size = [self.units, self.units]

    def build(self, input_shape):
        init = None
        if self.use_bias and self.unit_forget_bias:
            base, u = self.bias_initializer, self.units

            def init(shape, dtype=None):
                return np.concatenate([base((u,), dtype=dtype),
                                       initializers.get("ones")((u,), dtype=dtype),
                                       base((2 * u,), dtype=dtype)])
        self._add_kernels(input_shape[-1], 4, (4 * self.units,), init)

    def _kernels(self):
        return [activations.kernel_of(self.activation),
                activations.kernel_of(self.recurrent_activation)]

    def call(self, inputs, states, training=False):
        h_tm1, c_tm1 = states[0], states[1]
        x, h_tm1 = self._step_dropout(inputs, h_tm1, training)
        z = ops.matmul(x, self.kernel) + ops.matmul(h_tm1, self.recurrent_kernel)
        if self.bias is not None:
            z = z + self.bias
        u = self.units
        i = self.recurrent_activation(z[:, :u])
        f = self.recurrent_activation(z[:, u:2 * u])
        c = f * c_tm1 + i * self.activation(z[:, 2 * u:3 * u])
        o = self.recurrent_activation(z[:, 3 * u:])
        h = o * self.activation(c)
        return h, [h, c]

    def _scan(self, x, states, mask, go_backwards, training, zero_output):
        h0, c0 = (states[0], states[1]) if states else (None, None)
        ind, rec = self._fused_dropout(x, training)
        act, ract = self._kernels()
        seq, h, c = recurrent.lstm(x, self.kernel, self.recurrent_kernel, self.bias, h0, c0,
                                   activation=act, recurrent_activation=ract, mask=mask,
                                   go_backwards=go_backwards, in_drop=ind, rec_drop=rec,
                                   zero_output_for_mask=zero_output)
        last = seq[:, -1] if zero_output and mask is not None else h
        return seq, last, [h, c]

    def get_config(self):
        return {**super().get_config(), **self._common_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias}


LSTMCell._fused_call = LSTMCell.call


class LSTM(CellLayer):
    """Long Short-Term Memory layer (Keras 3 LSTM), one fused op per sequence.

    Args: those of ``LSTMCell`` (units, activation="tanh", recurrent_activation="sigmoid",
    use_bias, initializers (recurrent orthogonal), unit_forget_bias=True, regularizers,
    constraints, dropout, recurrent_dropout, seed), ``activity_regularizer``, and those of
    ``RNN`` (return_sequences, return_state, go_backwards, stateful, unroll); ``use_cudnn``
    is accepted and ignored. With ``return_state`` the layer returns
    ``[output, last_h, last_c]``.

    >>> model = Sequential([Input((80,), dtype="int32"), Embedding(20000, 128), LSTM(128),
    ...                     Dense(1, activation="sigmoid")])
    """

    cell_class = LSTMCell
    cell_name = "lstm_cell"

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, unroll=False,
                 use_cudnn="auto", **kwargs):
        check_use_cudnn("LSTM", use_cudnn)
        super().__init__(dict(units=units, activation=activation,
                              recurrent_activation=recurrent_activation, use_bias=use_bias,
                              kernel_initializer=kernel_initializer,
                              recurrent_initializer=recurrent_initializer,
                              bias_initializer=bias_initializer,
                              unit_forget_bias=unit_forget_bias,
                              kernel_regularizer=kernel_regularizer,
                              recurrent_regularizer=recurrent_regularizer,
                              bias_regularizer=bias_regularizer,
                              kernel_constraint=kernel_constraint,
                              recurrent_constraint=recurrent_constraint,
                              bias_constraint=bias_constraint, dropout=dropout,
                              recurrent_dropout=recurrent_dropout, seed=seed),
                         return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.use_cudnn = use_cudnn

    recurrent_activation = _proxy("recurrent_activation")
    unit_forget_bias = _proxy("unit_forget_bias")
