"""RNN: the generic recurrent layer (any cell), StackedRNNCells, and what cells share.

Keras's design: a *cell* computes one timestep, ``call(inputs, states) -> (output,
new_states)``; the ``RNN`` layer runs it over a sequence. lamina's own cells (SimpleRNNCell,
LSTMCell, GRUCell, and stacks of them) also know how to run a whole sequence as ONE fused
op (``lamina.ops.recurrent``); ``RNN`` uses that whenever it can and falls back to a
Python loop over ``cell.call`` for a user's own cell (slower, same results).
"""
import inspect

import numpy as np

from lamina import backend, ops
from lamina.autodiff.tensor import Tensor
from lamina.autodiff.variable import Variable
from lamina.layers.layer import Layer
from lamina.ops.activations import Kernel, LogSoftmax, Softmax
from lamina.utils.layer_serialization import deserialize_layer, serialize_layer


def _positive_int(owner, name, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        try:
            ok = float(value).is_integer() and value > 0 and not isinstance(value, bool)
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise ValueError(f"{owner}: argument `{name}` must be a positive integer, "
                             f"got {value!r}")
    return int(value)


def _rate(owner, name, value):
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{owner}: argument `{name}` must be a number in [0, 1], "
                         f"got {value!r}") from None
    return min(1.0, max(0.0, value))   # Keras clips the rate into [0, 1]


def fusable(kernel):
    """Whether an activation kernel can run inside the fused scans (elementwise kernels)."""
    return isinstance(kernel, Kernel) and not isinstance(kernel, (Softmax, LogSoftmax))


def _as_tensor(x, dtype):
    if isinstance(x, Tensor):
        return x
    return Tensor(np.asarray(x, dtype=dtype))


class DropoutRNNCell:
    """Mixin for cells with ``dropout`` / ``recurrent_dropout``: one mask per sequence.

    As in Keras, the same mask is used at every timestep; ``RNN`` resets it before and
    after each sequence. lamina uses one mask shared by all gates (Keras's
    ``implementation=2``), also when ``recurrent_dropout`` is set.
    """

    _dropout_mask = None
    _recurrent_dropout_mask = None

    @staticmethod
    def _make_mask(shape, rate, dtype):
        keep = 1.0 - rate
        draw = backend.rng().random(shape)
        return ((draw >= rate) / keep).astype(dtype)

    def get_dropout_mask(self, step_input):
        if self._dropout_mask is None and 0.0 < self.dropout < 1.0:
            data = getattr(step_input, "data", step_input)
            self._dropout_mask = self._make_mask(data.shape, self.dropout, self.dtype)
        return self._dropout_mask

    def get_recurrent_dropout_mask(self, step_state):
        if self._recurrent_dropout_mask is None and 0.0 < self.recurrent_dropout < 1.0:
            data = getattr(step_state, "data", step_state)
            self._recurrent_dropout_mask = self._make_mask(data.shape, self.recurrent_dropout,
                                                           self.dtype)
        return self._recurrent_dropout_mask

    def reset_dropout_mask(self):
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self):
        self._recurrent_dropout_mask = None

    def _fused_dropout(self, x, training):
        """(input mask (B, D), recurrent mask (B, units)) for a whole-sequence scan."""
        if not training:
            return None, None
        B, D = x.shape[0], x.shape[2]
        ind = rec = None
        if 0.0 < self.dropout < 1.0:
            ind = self._make_mask((B, D), self.dropout, self.dtype)
        if 0.0 < self.recurrent_dropout < 1.0:
            rec = self._make_mask((B, self.units), self.recurrent_dropout, self.dtype)
        return ind, rec


def check_use_cudnn(owner, value):
    """Keras's ``use_cudnn`` is accepted (lamina has no cuDNN path) but must be valid."""
    if value not in ("auto", True, False):
        raise ValueError(f"{owner}: argument `use_cudnn` must be 'auto', True or False, "
                         f"got {value!r}")


class RNNCellBase(DropoutRNNCell, Layer):
    """What lamina's built-in cells share: calling with states, shapes, initial states."""

    _fused_call = None   # the class's own ``call``; a subclass overriding call is not fused

    def _setup(self, units, activation, use_bias, kernel_initializer, recurrent_initializer,
               bias_initializer, kernel_regularizer, recurrent_regularizer, bias_regularizer,
               kernel_constraint, recurrent_constraint, bias_constraint, dropout,
               recurrent_dropout, seed):
        """The arguments every built-in cell takes, validated and stored (Keras's names)."""
        from lamina import activations, constraints, initializers, regularizers
        owner = f"{type(self).__name__} '{self.name}'"
        self.units = _positive_int(owner, "units", units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = _rate(owner, "dropout", dropout)
        self.recurrent_dropout = _rate(owner, "recurrent_dropout", recurrent_dropout)
        self.seed = seed
        self.output_size = self.units

    def _add_kernels(self, input_dim, gates, bias_shape, bias_initializer=None):
        """kernel (input_dim, gates * units), recurrent_kernel (units, gates * units), bias."""
        if input_dim is None:
            raise ValueError(f"{type(self).__name__} '{self.name}': the feature dimension of "
                             "the inputs must be known")
        n = gates * self.units
        self.kernel = self.add_weight((input_dim, n), self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, name="kernel")
        self.recurrent_kernel = self.add_weight((self.units, n), self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint,
                                                name="recurrent_kernel")
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(bias_shape, bias_initializer or self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, name="bias")

    def _common_config(self):
        from lamina import activations, constraints, initializers, regularizers
        return {"units": self.units, "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint),
                "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout,
                "seed": self.seed}

    def __call__(self, inputs, states=None, training=None, **kwargs):
        if not isinstance(inputs, Tensor):
            inputs = Tensor(np.asarray(inputs, dtype=self.dtype))
        if not self.built:
            self._maybe_build((None,) + tuple(inputs.shape[1:]))
        if states is None:
            states = self.get_initial_state(inputs.shape[0])
        if isinstance(states, (list, tuple)):
            states = [_as_tensor(s, self.dtype) for s in states]
        else:
            states = _as_tensor(states, self.dtype)
        return self.call(inputs, states, training=training, **kwargs)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.output_size)

    def get_initial_state(self, batch_size=None):
        sizes = self.state_size if isinstance(self.state_size, (list, tuple)) else [
            self.state_size]
        return [Tensor(np.zeros((batch_size, d), dtype=self.dtype)) for d in sizes]

    def _can_fuse(self):
        return type(self).call is type(self)._fused_call and all(
            fusable(k) for k in self._kernels())

    def _step_dropout(self, inputs, h_tm1, training):
        """Inputs and previous state with this sequence's dropout masks applied."""
        if training and 0.0 < self.dropout < 1.0:
            inputs = inputs * self.get_dropout_mask(inputs)
        if training and 0.0 < self.recurrent_dropout < 1.0:
            h_tm1 = h_tm1 * self.get_recurrent_dropout_mask(h_tm1)
        return inputs, h_tm1


def _flat_sizes(state_size):
    return list(state_size) if isinstance(state_size, (list, tuple)) else [state_size]


def _call_cell(cell, inputs, states, training):
    """``cell.call(inputs, states[, training])`` -> (output, list of new states)."""
    takes = getattr(cell, "_call_takes_training", None)
    if takes is None:
        takes = "training" in inspect.signature(cell.call).parameters
    out, new = cell.call(inputs, states, training=training) if takes else cell.call(inputs,
                                                                                    states)
    return out, new


class StackedRNNCells(Layer):
    """Wraps a list of cells so they act as one cell: each cell's output feeds the next.

    Args:
        cells: list of RNN cells (lamina's or your own).

    >>> cells = [LSTMCell(32), LSTMCell(16)]
    >>> layer = RNN(StackedRNNCells(cells))   # RNN(cells) does the same
    """

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        cells = [_cell_from(c, kwargs.get("dtype")) for c in cells]
        if not cells:
            raise ValueError(f"StackedRNNCells '{self.name}': `cells` must be a non-empty list")
        for cell in cells:
            if not callable(getattr(cell, "call", None)):
                raise ValueError(f"StackedRNNCells '{self.name}': all cells must have a `call` "
                                 f"method, got {cell!r}")
            if getattr(cell, "state_size", None) is None:
                raise ValueError(f"StackedRNNCells '{self.name}': all cells must have a "
                                 f"`state_size` attribute, got {cell!r}")
        self.cells = cells
        self._sublayers.extend(c for c in cells if isinstance(c, Layer))

    @property
    def state_size(self):
        return [c.state_size for c in self.cells]

    @property
    def output_size(self):
        last = self.cells[-1]
        if getattr(last, "output_size", None) is not None:
            return last.output_size
        return _flat_sizes(last.state_size)[0]

    def build(self, input_shape):
        shape = tuple(input_shape)
        for cell in self.cells:
            _build_cell(cell, shape)
            out = getattr(cell, "output_size", None) or _flat_sizes(cell.state_size)[0]
            shape = (shape[0], out)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.output_size)

    def get_initial_state(self, batch_size=None):
        out = []
        for cell in self.cells:
            fn = getattr(cell, "get_initial_state", None)
            if fn is not None:
                st = fn(batch_size=batch_size)
            else:
                st = [Tensor(np.zeros((batch_size, d), dtype=self.dtype))
                      for d in _flat_sizes(cell.state_size)]
            out.append(st if isinstance(cell.state_size, (list, tuple)) else
                       (st[0] if isinstance(st, (list, tuple)) else st))
        return out

    def call(self, inputs, states, training=False):
        new_states = []
        for cell, st in zip(self.cells, states):
            nested = isinstance(st, (list, tuple))
            inputs, st = _call_cell(cell, inputs, list(st) if nested else [st], training)
            if not isinstance(st, (list, tuple)):
                st = [st]
            new_states.append(list(st) if nested else st[0])
        return inputs, new_states

    def _can_fuse(self):
        return all(isinstance(c, RNNCellBase) and c._can_fuse() for c in self.cells)

    def _scan(self, x, states, mask, go_backwards, training, zero_output):
        """Each cell over the whole sequence in turn: the same as stepping the stack, since
        a masked step neither updates a state nor keeps its output."""
        all_states = []
        seq = last = None
        n = len(self.cells)
        for k, (cell, st) in enumerate(zip(self.cells, states)):
            seq, last, new = cell._scan(x, st, mask, go_backwards if k == 0 else False, training,
                                        zero_output and k == n - 1)
            all_states.append(new)
            x = seq
            if k == 0 and go_backwards and mask is not None:
                mask = mask[:, ::-1]   # later cells see the sequence in processing order
        return seq, last, all_states

    def get_config(self):
        cells = [serialize_layer(c, build_config=False) for c in self.cells]
        return {**super().get_config(), "cells": cells}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        cells = [deserialize_layer(c, custom_objects=custom_objects) for c in config.pop("cells")]
        return cls(cells, **config)


def _cell_from(cell, dtype=None):
    """A cell, or one made from a serialized cell (dict; the layer's dtype if it has none)."""
    if not isinstance(cell, dict):
        return cell
    if "class_name" not in cell:
        raise ValueError(f"RNN: a serialized cell needs 'class_name' and 'config', got {cell!r}")
    config = dict(cell.get("config", {}))
    if dtype is not None and "dtype" not in config:
        config["dtype"] = dtype
    return deserialize_layer({**cell, "config": config})


def _build_cell(cell, step_shape):
    if not isinstance(cell, Layer) or cell.built:
        return
    if isinstance(cell, (RNNCellBase, StackedRNNCells)):
        cell._maybe_build(step_shape)
    else:  # a user's cell: its call needs states, so no dry run for the output shape
        cell.input_shape = tuple(step_shape)
        cell.build(tuple(step_shape))
        cell.built = True


class RNN(Layer):
    """Base class for recurrent layers: runs a cell over the timesteps of a sequence.

    Args:
        cell: an RNN cell (``call(inputs, states) -> (output, new_states)`` and a
            ``state_size``), or a list of cells (stacked), or a serialized cell (dict).
        return_sequences: return the whole output sequence (batch, time, units) instead of
            the last output.
        return_state: also return the last states (a list: output, then the states).
        go_backwards: process the sequence from its end and return the reversed sequence.
        stateful: the last states of one batch are the initial states of the next (sample
            i to sample i); ``reset_states()`` zeroes them.
        unroll: accepted for Keras compatibility; the fused scans need no unrolling.
        zero_output_for_mask: masked timesteps output zeros instead of the carried-over
            output (only with ``return_sequences`` and a mask).

    Call arguments: ``sequences`` (batch, time, features), ``initial_state`` (list of
    arrays, one per state), ``mask`` (batch, time) booleans, ``training``.

    >>> layer = RNN(SimpleRNNCell(4), return_sequences=True)
    >>> layer(np.zeros((2, 5, 3))).shape
    (2, 5, 4)
    """

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, zero_output_for_mask=False, **kwargs):
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell, dtype=kwargs.get("dtype"))
        cell = _cell_from(cell, kwargs.get("dtype"))
        if not callable(getattr(cell, "call", None)):
            raise ValueError(f"RNN: argument `cell` should have a `call` method, got {cell!r}")
        if getattr(cell, "state_size", None) is None:
            raise ValueError("RNN: the cell should have a `state_size` attribute (an integer "
                             f"or a list of integers, one per state), got {cell!r}")
        super().__init__(**kwargs)
        self.cell = cell
        if isinstance(cell, Layer):
            self._sublayers.append(cell)
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.supports_masking = True
        self.states = None
        ss = cell.state_size
        self.single_state = not isinstance(ss, (list, tuple))

    @property
    def state_size(self):
        ss = self.cell.state_size
        return list(ss) if isinstance(ss, (list, tuple)) else [ss]

    def _flat_state_sizes(self):
        return [d for s in self.state_size for d in _flat_sizes(s)]

    # --- shapes -------------------------------------------------------------------------
    def build(self, sequences_shape, initial_state_shape=None):
        if isinstance(sequences_shape, list):  # [sequences, *initial_states]
            sequences_shape = sequences_shape[0]
        if len(sequences_shape) != 3:
            raise ValueError(f"{type(self).__name__} '{self.name}': expected inputs of shape "
                             f"(batch, timesteps, features), got shape {tuple(sequences_shape)}")
        if sequences_shape[-1] is None:
            raise ValueError(f"{type(self).__name__} '{self.name}': the feature dimension of "
                             f"the inputs must be known, got shape {tuple(sequences_shape)}")
        _build_cell(self.cell, (sequences_shape[0],) + tuple(sequences_shape[2:]))
        if self.stateful and sequences_shape[0] is not None:
            self._create_states(sequences_shape[0])

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        if isinstance(sequences_shape, list):
            sequences_shape = sequences_shape[0]
        batch, length = sequences_shape[0], sequences_shape[1]
        out = getattr(self.cell, "output_size", None) or self._flat_state_sizes()[0]
        shape = (batch, length, out) if self.return_sequences else (batch, out)
        if self.return_state:
            return [shape] + [(batch, d) for d in self._flat_state_sizes()]
        return shape

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        out = mask if self.return_sequences else None
        if self.return_state:
            return [out] + [None] * len(self._flat_state_sizes())
        return out

    def _check_input(self, inputs):
        # Sequences may change length between calls; only the rank and features are fixed.
        x = inputs[0] if isinstance(inputs, (list, tuple)) else inputs
        if not isinstance(x, Tensor) or self.input_shape is None:
            return
        expected = self.input_shape[0] if isinstance(self.input_shape, list) else self.input_shape
        if x.ndim != 3 or (expected[-1] is not None and x.shape[-1] != expected[-1]):
            raise ValueError(f"Input to layer '{self.name}' ({type(self).__name__}) has shape "
                             f"{x.shape}, but the layer was built for inputs of shape "
                             f"{tuple(expected)} (batch, timesteps, features)")

    # --- states ---------------------------------------------------------------------------
    def get_initial_state(self, batch_size):
        fn = getattr(self.cell, "get_initial_state", None)
        if fn is not None:
            st = fn(batch_size=batch_size)
            return list(st) if isinstance(st, (list, tuple)) else [st]
        return [Tensor(np.zeros((batch_size, d), dtype=self.dtype))
                for d in self._flat_state_sizes()]

    def _create_states(self, batch_size):
        self.states = [Variable(np.zeros((batch_size, d), dtype=self.dtype), name="rnn_state",
                                trainable=False) for d in self._flat_state_sizes()]

    def reset_state(self, states=None):
        """Zero the states of a stateful layer (or set them to ``states``, a list of arrays)."""
        if not self.stateful:
            raise AttributeError(f"Layer '{self.name}' must be stateful to reset its states "
                                 "(create it with stateful=True)")
        if self.states is None:
            if states is None:
                return
            states = [np.asarray(s) for s in (states if isinstance(states, (list, tuple))
                                              else [states])]
            self._create_states(states[0].shape[0])
        if states is None:
            for v in self.states:
                v.data[...] = 0
            return
        states = states if isinstance(states, (list, tuple)) else [states]
        if len(states) != len(self.states):
            raise ValueError(f"Layer '{self.name}' expects {len(self.states)} states, got "
                             f"{len(states)}")
        for v, s in zip(self.states, states):
            v.assign(np.asarray(s, dtype=v.data.dtype))

    def reset_states(self, states=None):
        """Keras 2 name of ``reset_state``."""
        self.reset_state(states)

    def _initial_states(self, initial_state, batch):
        """Flat list of state arrays/Tensors (or None for zeros), validated."""
        sizes = self._flat_state_sizes()
        if initial_state is None:
            if not self.stateful:
                return None
            if self.states is None:
                self._create_states(batch)
            elif self.states[0].shape[0] != batch:
                raise ValueError(
                    f"Stateful layer '{self.name}' keeps states for batches of "
                    f"{self.states[0].shape[0]} samples but got {batch}; use the same "
                    "batch size for every call (fit(..., batch_size=, shuffle=False)) or "
                    "call reset_states() after building it with the new batch size")
            return [Tensor(v.data) for v in self.states]
        flat = _flatten(initial_state)
        if len(flat) != len(sizes):
            raise ValueError(f"{type(self).__name__} '{self.name}': initial_state must be a list "
                             f"of {len(sizes)} arrays of shapes {[(batch, d) for d in sizes]}, "
                             f"got {len(flat)}")
        out = []
        for s, d in zip(flat, sizes):
            t = _as_tensor(s, self.dtype)
            if t.shape != (batch, d):
                raise ValueError(f"{type(self).__name__} '{self.name}': an initial state has "
                                 f"shape {t.shape}, expected {(batch, d)}")
            out.append(t)
        return out

    def _nest(self, flat):
        """Flat states -> the structure the cell wants (per cell for a stack)."""
        if not isinstance(self.cell, StackedRNNCells):
            return flat
        out, i = [], 0
        for cell in self.cell.cells:
            n = len(_flat_sizes(cell.state_size))
            out.append(flat[i:i + n] if flat is not None else None)
            i += n
        return out

    # --- the computation --------------------------------------------------------------------
    def call(self, sequences, initial_state=None, mask=None, training=False):
        if isinstance(sequences, (list, tuple)):  # Keras 2 style: [sequences, *states]
            if initial_state is None and len(sequences) > 1:
                initial_state = list(sequences[1:])
            sequences = sequences[0]
        x = sequences if isinstance(sequences, Tensor) else _as_tensor(sequences, self.dtype)
        if x.ndim != 3:
            raise ValueError(f"{type(self).__name__} '{self.name}': expected inputs of shape "
                             f"(batch, timesteps, features), got shape {x.shape}")
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if mask is not None:
            mask = np.asarray(getattr(mask, "data", mask), dtype=bool)
            if mask.shape != x.shape[:2]:
                raise ValueError(f"{type(self).__name__} '{self.name}': the mask has shape "
                                 f"{mask.shape}, expected (batch, timesteps) = {x.shape[:2]}")
        batch = x.shape[0]
        states = self._initial_states(initial_state, batch)
        cell = self.cell
        fused = getattr(cell, "_can_fuse", None)
        if fused is not None and fused():
            seq, last, new_states = cell._scan(x, self._nest(states), mask, self.go_backwards,
                                               bool(training), self.zero_output_for_mask)
            new_flat = _flatten(new_states)
        else:
            seq, last, new_flat = self._loop(x, states, mask, training)
        if self.stateful:
            for v, s in zip(self.states, new_flat):
                v.data[...] = s.data
        output = seq if self.return_sequences else last
        if self.return_state:
            if mask is not None and self.return_sequences:
                output._keras_mask = mask
            return [output] + list(new_flat)
        return output

    def _loop(self, x, states, mask, training):
        """The generic path: the cell's ``call`` once per timestep, recorded op by op."""
        cell = self.cell
        batch, T = x.shape[0], x.shape[1]
        if states is None:
            states = _flatten(self.get_initial_state(batch))
            states = [_as_tensor(s, self.dtype) for s in states]
        stacked = isinstance(cell, StackedRNNCells)
        _reset_dropout(cell)
        outputs, prev = [], None
        order = range(T - 1, -1, -1) if self.go_backwards else range(T)
        for t in order:
            xt = ops.getitem(x, (slice(None), t))
            cur = self._nest(states) if stacked else states   # Keras passes a list
            out, new = _call_cell(cell, xt, cur, training)
            new_flat = _flatten(new)
            if mask is not None:
                m = mask[:, t][:, None]
                if self.zero_output_for_mask:
                    out = ops.where(m, out, 0.0)
                else:  # Keras (JAX/NumPy backends): a masked step outputs the carried state
                    carried = (_flatten(self._nest(states)[-1])[0] if stacked else states[0])
                    out = ops.where(m, out, carried)
                new_flat = [ops.where(m, n, s) for n, s in zip(new_flat, states)]
            outputs.append(out)
            states = new_flat
            prev = out
        _reset_dropout(cell)
        seq = ops.stack(outputs, axis=1)
        return seq, prev, states

    # --- configuration ------------------------------------------------------------------------
    def get_config(self):
        return {**super().get_config(), "return_sequences": self.return_sequences,
                "return_state": self.return_state, "go_backwards": self.go_backwards,
                "stateful": self.stateful, "unroll": self.unroll,
                "zero_output_for_mask": self.zero_output_for_mask,
                "cell": serialize_layer(self.cell, build_config=False)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = config["dtype"].get("config", {}).get("name", "float32")
        cell = config.pop("cell")
        if isinstance(cell, dict):
            cell = deserialize_layer(cell, custom_objects=custom_objects)
        return cls(cell, **config)


def _flatten(states):
    if states is None:
        return []
    if isinstance(states, (list, tuple)):
        return [s for item in states for s in _flatten(item)]
    return [states]


def _reset_dropout(cell):
    if isinstance(cell, DropoutRNNCell):
        cell.reset_dropout_mask()
        cell.reset_recurrent_dropout_mask()
    for c in getattr(cell, "cells", ()):
        _reset_dropout(c)
