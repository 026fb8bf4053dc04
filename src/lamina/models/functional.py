"""Functional: a model made by calling layers on ``Input`` tensors (Keras's functional API).

>>> a, b = Input(shape=(4,), name="a"), Input(shape=(4,), name="b")
>>> shared = Dense(3, activation="relu")
>>> h = concatenate([shared(a), shared(b)])
>>> model = Model([a, b], [Dense(1, name="reg")(h), Dense(2, activation="softmax", name="cls")(h)])
>>> model.compile("adam", loss={"reg": "mse", "cls": "sparse_categorical_crossentropy"})

The graph is the layers' nodes (one per call, so a shared layer has several), walked
back from the outputs once. Running it is a list of steps in topological order over
numbered slots: no dictionary of tensors per batch.
"""
import numpy as np

from lamina.autodiff.tensor import Tensor
from lamina.layers.core.input_layer import InputLayer
from lamina.layers.layer import SymbolicTensor
from lamina.layers.node import flatten
from lamina.models.model import Model


class Functional(Model):
    """A model over a graph of layers from ``inputs`` to ``outputs``.

    ``inputs`` and ``outputs`` are a ``SymbolicTensor``, a list of them, or a dict of them
    (then data and predictions are dicts with the same keys). ``Model(inputs, outputs)``
    returns one.
    """

    _auto_track = False

    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        super().__init__(name=name, trainable=trainable, **kwargs)
        self._inputs_struct = _check_struct(inputs, "inputs")
        self._outputs_struct = _check_struct(outputs, "outputs")
        self._input_tensors = flatten(self._inputs_struct)
        self._output_tensors = flatten(self._outputs_struct)
        _check_inputs(self._input_tensors)
        nodes, layers = _map_graph(self._input_tensors, self._output_tensors)
        self._nodes = nodes
        self._layers = layers
        self._node_keys = {(id(n.layer), n.index) for n in nodes}
        self._sublayers = list(layers)
        self._plan = _make_plan(self._input_tensors, self._output_tensors, nodes)
        shapes_in = [t.shape for t in self._input_tensors]
        shapes_out = [t.shape for t in self._output_tensors]
        self.input_shape = shapes_in[0] if len(shapes_in) == 1 else shapes_in
        self.output_shape = shapes_out[0] if len(shapes_out) == 1 else shapes_out
        self.built = True
        if not trainable:
            self.trainable = False

    # --- structure -------------------------------------------------------------------
    @property
    def layers(self):
        """Every layer of the graph, InputLayers included, from the inputs on (as Keras)."""
        return list(self._layers)

    @property
    def inputs(self):
        return list(self._input_tensors)

    @property
    def outputs(self):
        return list(self._output_tensors)

    @property
    def input(self):
        return self._inputs_struct

    @property
    def output(self):
        return self._outputs_struct

    @property
    def input_names(self):
        if isinstance(self._inputs_struct, dict):
            return list(self._inputs_struct)
        return [t._layer.name for t in self._input_tensors]

    @property
    def output_names(self):
        if isinstance(self._outputs_struct, dict):
            return list(self._outputs_struct)
        return [t._layer.name for t in self._output_tensors]

    # --- running the graph --------------------------------------------------------------
    def __call__(self, inputs, training=None, mask=None, **kwargs):
        if isinstance(inputs, dict):
            inputs = self._dict_to_list(inputs, "inputs")
        elif isinstance(inputs, (list, tuple)) and len(inputs) == 1 and len(
                self._input_tensors) == 1:
            inputs = inputs[0]
        if len(self._input_tensors) > 1 and not (
                isinstance(inputs, (list, tuple)) and len(inputs) == len(self._input_tensors)):
            raise ValueError(f"Model '{self.name}' expects {len(self._input_tensors)} inputs "
                             f"{self.input_names}, got {_describe(inputs)}")
        out = super().__call__(inputs, training=training, mask=mask, **kwargs)
        return self._pack(out if isinstance(out, (list, tuple)) else [out])

    def _dict_to_list(self, data, what):
        names = self.input_names
        missing = [k for k in names if k not in data]
        extra = [k for k in data if k not in names]
        if missing or extra:
            raise ValueError(f"Model '{self.name}': {what} dict keys {sorted(data)} do not match "
                             f"the model's inputs {names}" + (f"; missing {missing}" if missing
                                                              else "")
                             + (f"; unexpected {extra}" if extra else ""))
        return [data[k] for k in names]

    def _pack(self, flat):
        """Outputs in the structure the model was made with."""
        if isinstance(self._outputs_struct, dict):
            return dict(zip(self._outputs_struct, flat))
        if isinstance(self._outputs_struct, (list, tuple)):
            return list(flat)
        return flat[0]

    def call(self, inputs, training=None, mask=None):
        flat = inputs if isinstance(inputs, (list, tuple)) else [inputs]
        outs = self._run(flat, training)
        return outs if len(outs) > 1 else outs[0]

    def _run(self, inputs, training):
        """The output Tensors for input Tensors (or arrays), step by step over slots."""
        n_in, steps, out_slots, n_slots = self._plan
        values = [None] * n_slots
        for i, x in enumerate(inputs):
            values[i] = x if isinstance(x, Tensor) else Tensor(_as_array(x, self.dtype))
        for layer, arg, slots, (kwargs, symbolic) in steps:
            args = values[arg] if type(arg) is int else _fill(arg, values)
            if kwargs:
                kwargs = dict(kwargs)
                for k in symbolic:  # e.g. initial_state=[h, c] computed earlier in the graph
                    kwargs[k] = _fill(kwargs[k], values)
            out = layer._call_with_mask(args, training, None, kwargs or None)
            if len(slots) == 1:
                values[slots[0]] = out[0] if isinstance(out, (list, tuple)) else out
            else:
                for s, o in zip(slots, out):
                    values[s] = o
        return [values[s] for s in out_slots]

    def _forward(self, x, training=False):
        outs = self._run(x if isinstance(x, list) else [x], training)
        return outs if len(outs) > 1 else outs[0]

    def compute_output_shape(self, input_shape):
        shapes = input_shape if isinstance(input_shape, list) else [input_shape]
        for t, s in zip(self._input_tensors, shapes):
            if len(s) != len(t.shape) or any(a is not None and b is not None and a != b
                                             for a, b in zip(t.shape[1:], s[1:])):
                raise ValueError(f"Model '{self.name}': input shape {tuple(s)} is incompatible "
                                 f"with the model's input {t.shape}")
        batch = shapes[0][0]
        outs = [(batch,) + tuple(t.shape[1:]) for t in self._output_tensors]
        return outs if len(outs) > 1 else outs[0]

    def _check_input_array(self, x):
        arrays = x.arrays if hasattr(x, "arrays") else [x]
        for t, a, name in zip(self._input_tensors, arrays, self.input_names):
            want, got = t.shape, a.shape
            if len(got) != len(want) or any(w is not None and w != g
                                            for w, g in zip(want[1:], got[1:])):
                raise ValueError(f"Input '{name}' of model '{self.name}' is incompatible with "
                                 f"the data: expected shape {want} (None = any size), got data "
                                 f"of shape {got}")

    def _maybe_build(self, input_shape):
        pass  # a functional model is built when it is made

    @classmethod
    def subclass_with_graph(cls, subclass):
        """``subclass`` with a functional graph behind it: (subclass, Functional), made once
        per class, for ``MySubclass(inputs, outputs)``. It keeps the subclass's name and
        module, and ``_subclass_of`` lets saving write the subclass's name."""
        if issubclass(subclass, cls):
            return subclass
        if subclass not in _SUBCLASSES_WITH_GRAPH:
            _SUBCLASSES_WITH_GRAPH[subclass] = type(subclass.__name__, (subclass, cls), {
                "__module__": subclass.__module__, "__qualname__": subclass.__qualname__,
                "__doc__": subclass.__doc__, "_subclass_of": subclass})
        return _SUBCLASSES_WITH_GRAPH[subclass]

    # --- configuration ------------------------------------------------------------------
    def get_config(self):
        """Keras 3's functional config: ``layers`` with ``inbound_nodes``, ``input_layers``
        and ``output_layers`` as ``[layer_name, node_index, tensor_index]``."""
        from lamina.models.functional_config import functional_config
        return functional_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=True):
        """The model described by ``get_config()`` (Keras 3's, or Keras 2's node lists)."""
        from lamina.models.functional_config import functional_from_config
        return functional_from_config(cls, config, custom_objects=custom_objects,
                                      safe_mode=safe_mode)


Model._functional_class = Functional  # what Model(inputs, outputs) makes (see Model.__new__)
_SUBCLASSES_WITH_GRAPH = {}


# --- helpers ----------------------------------------------------------------------------
def _check_inputs(tensors):
    for t in tensors:
        if not isinstance(t._layer, InputLayer):
            raise ValueError(f"Model(inputs=...): every input must come from lamina.Input(...); "
                             f"{t} is the output of layer '{_producer_name(t)}'. Make a new "
                             "Input for it, or pass the Input it was computed from.")
    if len({id(t) for t in tensors}) != len(tensors):
        raise ValueError("Model(inputs=...): the same Input is given more than once")


def _check_struct(struct, what):
    if isinstance(struct, dict):
        # Keras flattens a dict in sorted key order: the layer order, hence the names in
        # the weights file (dense, dense_1), and `model.outputs` depend on it
        struct = {k: struct[k] for k in sorted(struct)}
        bad = [k for k, v in struct.items() if not isinstance(v, SymbolicTensor)]
    elif isinstance(struct, (list, tuple)):
        struct = list(struct)
        bad = [i for i, v in enumerate(struct) if not isinstance(v, SymbolicTensor)]
    else:
        bad = [] if isinstance(struct, SymbolicTensor) else [None]
    if bad or (isinstance(struct, (list, dict)) and not struct):
        raise TypeError(f"Model({what}=...): expected symbolic tensors from lamina.Input(...) "
                        f"and layer calls (one, a list or a dict), got {_describe(struct)}")
    return struct


def _describe(x):
    if isinstance(x, dict):
        return "{" + ", ".join(f"{k!r}: {_describe(v)}" for k, v in x.items()) + "}"
    if isinstance(x, (list, tuple)):
        return "[" + ", ".join(_describe(v) for v in x) + "]"
    if isinstance(x, SymbolicTensor):
        return f"SymbolicTensor{x.shape}"
    shape = getattr(x, "shape", None)
    return f"{type(x).__name__}{'' if shape is None else tuple(shape)}"


def _as_array(x, dtype):
    arr = np.asarray(x)
    return arr.astype(dtype) if arr.dtype.kind == "f" and arr.dtype != dtype else arr


def _node_of(t):
    return t._layer._inbound_nodes[getattr(t, "_node_index", 0)]


def _map_graph(inputs, outputs):
    """The graph's nodes in topological order and its layers in Keras's order.

    Depth-first from each output, stopping at the given inputs; then, as Keras does,
    layers ordered by decreasing depth, ties by the order the walk first met them.
    """
    input_ids = {id(t) for t in inputs}
    finished, order, first_seen = set(), [], {}
    for out in outputs:
        stack = [(out, False)]
        in_progress = set()
        while stack:
            t, expanded = stack.pop()
            node = _node_of(t)
            key = id(node)
            if expanded:
                in_progress.discard(key)
                if key not in finished:
                    finished.add(key)
                    order.append(node)
                continue
            if key in finished:
                continue
            if key in in_progress:
                raise ValueError(f"The graph has a cycle through layer '{node.layer.name}'")
            first_seen.setdefault(id(node.layer), len(first_seen))
            if node.is_input and id(t) not in input_ids:
                raise ValueError(
                    f"The output of layer '{_producer_name(out)}' is not connected to the "
                    f"model's inputs: it depends on Input '{node.layer.name}', which is not among "
                    f"the inputs given to Model(...). Add it to inputs, or build the output from "
                    "the given inputs.")
            in_progress.add(key)
            stack.append((t, True))
            for parent in reversed(node.input_tensors):
                stack.append((parent, False))
    nodes = order
    depth, layer_depth = {}, {}
    for node in reversed(nodes):
        d = max(depth.get(id(node), 0), layer_depth.get(id(node.layer), 0))
        depth[id(node)] = layer_depth[id(node.layer)] = d
        for parent in node.parent_nodes:
            depth[id(parent)] = max(depth.get(id(parent), 0), d + 1)
    for t in inputs:  # unused inputs still belong to the model
        layer = t._layer
        if id(layer) not in layer_depth:
            layer_depth[id(layer)] = 0
            first_seen[id(layer)] = -1
            if _node_of(t) not in nodes:
                nodes.append(_node_of(t))
    by_id = {id(n.layer): n.layer for n in nodes}
    for t in inputs:
        by_id[id(t._layer)] = t._layer
    layers = sorted(by_id.values(), key=lambda la: (-layer_depth[id(la)], first_seen[id(la)]))
    names = [la.name for la in layers]
    for name in sorted({n for n in names if names.count(n) > 1}):  # Keras 3's words
        raise ValueError(f"The name '{name}' is used {names.count(name)} times in the model. "
                         "All operation names should be unique.")
    return nodes, layers


def _producer_name(t):
    layer = getattr(t, "_layer", None)
    return layer.name if layer is not None else "?"


def _make_plan(inputs, outputs, nodes):
    """(number of inputs, steps, output slots, number of slots): each step is
    (layer, argument slots, output slots, call kwargs) in topological order."""
    slot = {id(t): i for i, t in enumerate(inputs)}
    steps = []
    for node in nodes:
        if node.is_input:
            continue
        arg = _slots_of(node.args, slot)
        outs = []
        for t in node.outputs:
            slot[id(t)] = len(slot)
            outs.append(slot[id(t)])
        kwargs = {k: _slots_of(v, slot) if _has_symbolic(v) else v
                  for k, v in node.kwargs.items()}
        steps.append((node.layer, arg, outs,
                      (kwargs, [k for k, v in node.kwargs.items() if _has_symbolic(v)])))
    missing = [t for t in outputs if id(t) not in slot]
    if missing:
        raise ValueError(f"Outputs {missing} cannot be computed from the model's inputs")
    return len(inputs), steps, [slot[id(t)] for t in outputs], len(slot)


def _slots_of(args, slot):
    if isinstance(args, SymbolicTensor):
        return slot[id(args)]
    if isinstance(args, dict):
        return {k: _slots_of(v, slot) for k, v in args.items()}
    if isinstance(args, (list, tuple)):
        return [_slots_of(a, slot) for a in args]
    return ("const", args)  # a plain value among the arguments


def _has_symbolic(value):
    return any(isinstance(t, SymbolicTensor) for t in flatten(value))


def _fill(arg, values):
    if type(arg) is int:
        return values[arg]
    if isinstance(arg, dict):
        return {k: _fill(v, values) for k, v in arg.items()}
    if isinstance(arg, tuple):  # ("const", value)
        return arg[1]
    return [_fill(a, values) for a in arg]

