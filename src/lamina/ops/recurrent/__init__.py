"""Whole-sequence recurrent ops: one Function per layer call (DESIGN.md, "hot paths").

One module per recurrent kind (``simple_rnn``, ``lstm``, ``gru``: the scan Function and
the function layers call) over ``base`` (what every scan shares); this package serves
all their names, as the single module it grew from did.

``simple_rnn``, ``lstm`` and ``gru`` run Keras's cell math over a whole sequence:

- the input projection of all timesteps is ONE matrix product before the loop;
- inside the time loop only the recurrent product and the gate arithmetic run, on
  preallocated arrays with ``out=`` (a handful of NumPy calls per timestep);
- backward walks the loop once in reverse, carrying only d(state); every per-step
  factor that does not depend on the carried gradient (activation derivatives, gate
  products) is computed ahead, for all timesteps at once or (LSTM) inside the forward
  loop while that step's arrays are in cache, so a backward step is a few adds and
  multiplies and the recurrent product;
- the weight gradients of all timesteps are one matrix product each, after the loop.

Arrays are time-major inside ``(T, B, ...)`` so each step works on contiguous rows.
Weight layouts are Keras's: kernel ``(input_dim, G * units)``, recurrent kernel
``(units, G * units)`` with gates i, f, c, o (LSTM) or z, r, h (GRU; bias ``(2, 3 * units)``
when ``reset_after``). A boolean ``mask`` (batch, timesteps) keeps the state of masked
steps unchanged; their output is the carried-over state (Keras's JAX/NumPy backends), or
zeros with ``zero_output_for_mask``. ``go_backwards`` processes the sequence from its end
and returns the outputs in that (reversed) order, as Keras does. ``in_drop`` (batch,
input_dim) and ``rec_drop`` (batch, units) are dropout masks (already scaled by
1 / (1 - rate)) applied to the inputs and to the previous state in the recurrent
product, the same for every timestep.

>>> seq, h = simple_rnn(x, kernel, recurrent_kernel, bias, h0, activation=tanh_kernel)
"""
from lamina.autodiff.tensor import Function
from lamina.ops.activations import Linear, ReLU, Sigmoid, Tanh
from lamina.ops.recurrent.gru import GRUScan, gru
from lamina.ops.recurrent.lstm import LSTMScan, lstm
from lamina.ops.recurrent.simple_rnn import SimpleRNNScan, simple_rnn

# the scans' own names, and the Function base and activation kernels this module has
# always served (callers pass Tanh(), Sigmoid()... as activation=)
__all__ = ["Function", "GRUScan", "LSTMScan", "Linear", "ReLU", "SimpleRNNScan", "Sigmoid",
           "Tanh", "gru", "lstm", "simple_rnn"]
