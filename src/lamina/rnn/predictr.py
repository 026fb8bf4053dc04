"""``predictr``: outputs (and hidden states) of a model trained by ``trainr``."""
import numpy as np

from lamina.autodiff.tensor import Tensor, no_grad
from lamina.rnn.trainr import RNNModel, as_data

__all__ = ["predictr"]

_CHUNK = 8192  # samples per forward pass


def predictr(model, X, hidden=False, real_output=True, **kwargs):
    """Predict with a model returned by ``trainr``, as the rnn package's ``predictr``.

    Args:
        model: an ``RNNModel`` from ``trainr``.
        X: inputs, (samples, time, variables), or a (samples, time) matrix for one variable.
            Any number of time steps works (for a ``seq_to_seq_unsync`` model, at most the
            model's input steps).
        hidden: False for the output only; True for a list holding every hidden layer's
            states, (samples, time, units) each, followed by the output (R's ``store``).
        real_output: True (the default) gives the output as the package does for users: a
            single output variable as a (samples, time) matrix, and for a
            ``seq_to_seq_unsync`` model only the output steps. False keeps the
            (samples, time, variables) array over all steps, as trainr sees it.

    Returns:
        the predicted array, or with ``hidden=True`` a list of arrays.

    >>> B = predictr(model, A)           # (samples, time) for one output variable
    >>> B = bin2int(B)                   # back to integers, rounding first
    """
    if kwargs:
        raise TypeError(f"predictr: unexpected argument(s) {sorted(kwargs)}; predictr takes "
                        "model, X, hidden and real_output")
    if not isinstance(model, RNNModel):
        raise TypeError(f"predictr: argument `model` must be a model returned by trainr, got "
                        f"{type(model).__name__}")
    X = as_data(X, "X", "predictr")
    if X.shape[2] != model.input_dim:
        raise ValueError(f"predictr: X has {X.shape[2]} variable(s) (dim 3), but the model was "
                         f"trained with {model.input_dim}")
    unsync = real_output and model.seq_to_seq_unsync
    if unsync:
        if X.shape[1] > model.time_dim:
            raise ValueError(f"predictr: X has {X.shape[1]} time steps, more than the model's "
                             f"{model.time_dim}")
        padded = np.zeros((X.shape[0], model.time_dim, X.shape[2]), X.dtype)
        padded[:, :X.shape[1]] = X
        X = padded
    chunks = []
    with no_grad():
        for start in range(0, X.shape[0], _CHUNK):  # bounded memory for large inputs
            x, states = Tensor(X[start:start + _CHUNK]), []
            for layer in model.network.layers:
                x = layer(x, training=False)
                states.append(x.data)
            chunks.append(states)
    states = ([np.concatenate(parts) for parts in zip(*chunks)] if len(chunks) > 1
              else chunks[0])
    if unsync:
        states = [s[:, model.time_dim_input - 1:] for s in states]
    if real_output and states[-1].shape[2] == 1:
        states[-1] = states[-1][:, :, 0]
    return states if hidden else states[-1]
