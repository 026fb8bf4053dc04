"""GRUCell and GRU (Cho et al. 2014), Keras's gate layout z, r, h."""
from lamina import activations, ops
from lamina.layers.recurrent.base import CellLayer, _proxy
from lamina.layers.recurrent.rnn import RNNCellBase, check_use_cudnn
from lamina.ops import recurrent


class GRUCell(RNNCellBase):
    """One step of a Gated Recurrent Unit.

    Gates z (update), r (reset), h (candidate), Keras's order and math:
    ``h_t = z h_{t-1} + (1 - z) hh``. With ``reset_after=True`` (default, cuDNN's form)
    ``hh = act(x W_h + b_in_h + r (h_{t-1} U_h + b_rec_h))`` and the bias has shape
    (2, 3 * units) (input and recurrent biases); with ``reset_after=False``
    ``hh = act(x W_h + b_h + (r h_{t-1}) U_h)`` and the bias is (3 * units,).

    Args: as ``SimpleRNNCell`` plus ``recurrent_activation`` (default sigmoid) and
    ``reset_after``.

    >>> cell = GRUCell(4)
    >>> out, states = cell(np.zeros((2, 3)), [np.zeros((2, 4))])
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, reset_after=True,
                 seed=None, **kwargs):
        kwargs.pop("implementation", None)
        super().__init__(**kwargs)
        self._setup(units, activation, use_bias, kernel_initializer, recurrent_initializer,
                    bias_initializer, kernel_regularizer, recurrent_regularizer,
                    bias_regularizer, kernel_constraint, recurrent_constraint, bias_constraint,
                    dropout, recurrent_dropout, seed)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = bool(reset_after)
        self.state_size = self.units

    def build(self, input_shape):
        n = 3 * self.units
        self._add_kernels(input_shape[-1], 3, (2, n) if self.reset_after else (n,))

    def _kernels(self):
        return [activations.kernel_of(self.activation),
                activations.kernel_of(self.recurrent_activation)]

    def call(self, inputs, states, training=False):
        h_prev = states[0] if isinstance(states, (list, tuple)) else states
        x, h_tm1 = self._step_dropout(inputs, h_prev, training)
        u = self.units
        mx = ops.matmul(x, self.kernel)
        if self.bias is not None:
            mx = mx + (self.bias[0] if self.reset_after else self.bias)
        if self.reset_after:
            inner = ops.matmul(h_tm1, self.recurrent_kernel)
            if self.bias is not None:
                inner = inner + self.bias[1]
        else:
            inner = ops.matmul(h_tm1, self.recurrent_kernel[:, :2 * u])
        z = self.recurrent_activation(mx[:, :u] + inner[:, :u])
        r = self.recurrent_activation(mx[:, u:2 * u] + inner[:, u:2 * u])
        if self.reset_after:
            rh = r * inner[:, 2 * u:]
        else:
            rh = ops.matmul(r * h_tm1, self.recurrent_kernel[:, 2 * u:])
        hh = self.activation(mx[:, 2 * u:] + rh)
        h = z * h_prev + (1.0 - z) * hh
        return h, [h]

    def _scan(self, x, states, mask, go_backwards, training, zero_output):
        h0 = states[0] if states else None
        ind, rec = self._fused_dropout(x, training)
        act, ract = self._kernels()
        seq, h = recurrent.gru(x, self.kernel, self.recurrent_kernel, self.bias, h0,
                               activation=act, recurrent_activation=ract,
                               reset_after=self.reset_after, mask=mask,
                               go_backwards=go_backwards, in_drop=ind, rec_drop=rec,
                               zero_output_for_mask=zero_output)
        last = seq[:, -1] if zero_output and mask is not None else h
        return seq, last, [h]

    def get_config(self):
        return {**super().get_config(), **self._common_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "reset_after": self.reset_after}


GRUCell._fused_call = GRUCell.call


class GRU(CellLayer):
    """Gated Recurrent Unit layer (Keras 3 GRU), one fused op per sequence.

    Args: those of ``GRUCell`` (units, activation="tanh", recurrent_activation="sigmoid",
    use_bias, initializers (recurrent orthogonal), regularizers, constraints, dropout,
    recurrent_dropout, reset_after=True, seed), ``activity_regularizer``, and those of
    ``RNN`` (return_sequences, return_state, go_backwards, stateful, unroll); ``use_cudnn``
    is accepted and ignored.

    >>> layer = GRU(16, return_sequences=True)
    >>> layer(np.zeros((4, 8, 2))).shape
    (4, 8, 16)
    """

    cell_class = GRUCell
    cell_name = "gru_cell"

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, reset_after=True,
                 use_cudnn="auto", **kwargs):
        check_use_cudnn("GRU", use_cudnn)
        super().__init__(dict(units=units, activation=activation,
                              recurrent_activation=recurrent_activation, use_bias=use_bias,
                              kernel_initializer=kernel_initializer,
                              recurrent_initializer=recurrent_initializer,
                              bias_initializer=bias_initializer,
                              kernel_regularizer=kernel_regularizer,
                              recurrent_regularizer=recurrent_regularizer,
                              bias_regularizer=bias_regularizer,
                              kernel_constraint=kernel_constraint,
                              recurrent_constraint=recurrent_constraint,
                              bias_constraint=bias_constraint, dropout=dropout,
                              recurrent_dropout=recurrent_dropout, reset_after=reset_after,
                              seed=seed),
                         return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.use_cudnn = use_cudnn

    recurrent_activation = _proxy("recurrent_activation")
    reset_after = _proxy("reset_after")
