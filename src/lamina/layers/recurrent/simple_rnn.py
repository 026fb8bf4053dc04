"""SimpleRNNCell and SimpleRNN: h_t = activation(x_t W + b + h_{t-1} U)."""
from lamina import activations, ops
from lamina.layers.recurrent.base import CellLayer
from lamina.layers.recurrent.rnn import RNNCellBase
from lamina.ops import recurrent


class SimpleRNNCell(RNNCellBase):
    """One step of a fully connected RNN whose output is fed back as the next state.

    Args:
        units: positive int, the dimension of the output (and state).
        activation: default ``"tanh"``; None means linear.
        use_bias: whether to add a bias vector.
        kernel_initializer: for ``kernel`` (input_dim, units); default glorot_uniform.
        recurrent_initializer: for ``recurrent_kernel`` (units, units); default orthogonal.
        bias_initializer: default zeros.
        kernel_regularizer, recurrent_regularizer, bias_regularizer, kernel_constraint,
        recurrent_constraint, bias_constraint: as in Keras.
        dropout: fraction of the inputs to drop (the same units at every timestep).
        recurrent_dropout: fraction of the previous state to drop in the recurrent product.
        seed: accepted for Keras compatibility (lamina's dropout draws from
            ``lamina.backend.rng()``; seed it with ``set_random_seed``).

    >>> cell = SimpleRNNCell(4)
    >>> out, states = cell(np.zeros((2, 3)), [np.zeros((2, 4))])
    """

    def __init__(self, units, activation="tanh", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self._setup(units, activation, use_bias, kernel_initializer, recurrent_initializer,
                    bias_initializer, kernel_regularizer, recurrent_regularizer,
                    bias_regularizer, kernel_constraint, recurrent_constraint, bias_constraint,
                    dropout, recurrent_dropout, seed)
        self.state_size = self.units

    def build(self, input_shape):
        self._add_kernels(input_shape[-1], 1, (self.units,))

    def _kernels(self):
        return [activations.kernel_of(self.activation)]

    def call(self, inputs, states, training=False):
        h_tm1 = states[0] if isinstance(states, (list, tuple)) else states
        x, h_tm1 = self._step_dropout(inputs, h_tm1, training)
        h = ops.matmul(x, self.kernel)
        if self.bias is not None:
            h = h + self.bias
        output = self.activation(h + ops.matmul(h_tm1, self.recurrent_kernel))
        return output, [output]

    def _scan(self, x, states, mask, go_backwards, training, zero_output):
        h0 = states[0] if states else None
        ind, rec = self._fused_dropout(x, training)
        seq, h = recurrent.simple_rnn(x, self.kernel, self.recurrent_kernel, self.bias, h0,
                                      activation=self._kernels()[0], mask=mask,
                                      go_backwards=go_backwards, in_drop=ind, rec_drop=rec,
                                      zero_output_for_mask=zero_output)
        last = seq[:, -1] if zero_output and mask is not None else h
        return seq, last, [h]

    def get_config(self):
        return {**super().get_config(), **self._common_config()}


SimpleRNNCell._fused_call = SimpleRNNCell.call


class SimpleRNN(CellLayer):
    """Fully connected RNN whose output is fed back as the next state (Keras 3 SimpleRNN).

    The whole sequence runs as ONE fused op: the inputs of all timesteps are projected
    in one matrix product, and only the recurrent product runs per timestep.

    Args: those of ``SimpleRNNCell`` (units, activation="tanh", use_bias, initializers,
    regularizers, constraints, dropout, recurrent_dropout, seed) plus ``activity_regularizer``
    and those of ``RNN`` (return_sequences, return_state, go_backwards, stateful, unroll).
    Weights (Keras order): kernel (input_dim, units), recurrent_kernel (units, units), bias.

    >>> model = Sequential([Input((8, 2)), SimpleRNN(16, activation="sigmoid",
    ...                     return_sequences=True), Dense(1, activation="sigmoid")])
    """

    cell_class = SimpleRNNCell
    cell_name = "simple_rnn_cell"

    def __init__(self, units, activation="tanh", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, seed=None, **kwargs):
        super().__init__(dict(units=units, activation=activation, use_bias=use_bias,
                              kernel_initializer=kernel_initializer,
                              recurrent_initializer=recurrent_initializer,
                              bias_initializer=bias_initializer,
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
