"""Node: one call of a layer on symbolic tensors, a vertex of a functional graph.

Each time a layer is called on ``SymbolicTensor``s it gets a new node, so a shared
layer has one node per call. A tensor knows where it came from through its
``_keras_history``: (layer, node index, tensor index), as in Keras.

>>> x = Input(shape=(4,))
>>> dense = Dense(2)
>>> a, b = dense(x), dense(x)      # two nodes of one layer
>>> b._keras_history[1]
1

``SymbolicTensor`` lives here too (re-exported by ``lamina.layers.layer``): nodes and the
tensors they produce are one family, and the layer module builds on both.
"""
from lamina import backend


def flatten(structure):
    """The leaves of a nested list / tuple / dict (dicts in key order as given)."""
    if isinstance(structure, dict):
        return [t for v in structure.values() for t in flatten(v)]
    if isinstance(structure, (list, tuple)):
        return [t for v in structure for t in flatten(v)]
    return [structure]


def map_structure(fn, structure):
    """``structure`` with every leaf replaced by ``fn(leaf)`` (lists stay lists)."""
    if isinstance(structure, dict):
        return {k: map_structure(fn, v) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return type(structure)(map_structure(fn, v) for v in structure)
    return fn(structure)


class SymbolicTensor:
    """A placeholder for data that has not arrived yet (Keras's KerasTensor).

    ``Input(shape=(13,))`` returns one; calling layers on it records the graph and
    computes every shape ahead of time.
    """

    def __init__(self, shape, dtype=None, layer=None, inputs=None, index=0, name=None):
        self.shape = tuple(shape)
        self.dtype = dtype or backend.floatx()
        self._layer = layer          # the layer whose call produced this tensor
        self._inputs = inputs or []  # the symbolic tensors that layer was called on
        self._index = index
        self.name = name

    ndim = property(lambda self: len(self.shape))

    @property
    def _keras_history(self):
        """(layer, node index, tensor index): the call that produced this tensor."""
        return (self._layer, getattr(self, "_node_index", 0), self._index)

    def __repr__(self):
        return f"<SymbolicTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"


class Node:
    """``layer`` called on ``args`` (a SymbolicTensor, or a list of them; None for an
    ``Input``), producing ``outputs`` (a flat list); ``kwargs`` are the call's keyword
    arguments, replayed when the graph runs."""

    def __init__(self, layer, args, outputs, kwargs=None):
        self.layer = layer
        self.args = args
        self.kwargs = dict(kwargs or {})
        # symbolic tensors among the keyword arguments (e.g. an RNN's initial_state) are
        # inputs of the call too
        extra = [t for t in flatten(list(self.kwargs.values())) if isinstance(t, SymbolicTensor)]
        self.input_tensors = ([] if args is None else flatten(args)) + extra
        self.outputs = list(outputs)
        nodes = layer.__dict__.setdefault("_inbound_nodes", [])
        self.index = len(nodes)
        nodes.append(self)
        for i, t in enumerate(self.outputs):
            t._layer, t._node_index, t._index = layer, self.index, i

    @property
    def is_input(self):
        return not self.input_tensors

    @property
    def parent_nodes(self):
        """The nodes that produced this node's inputs."""
        return [t._layer._inbound_nodes[t._node_index] for t in self.input_tensors]

    def __repr__(self):
        return f"<Node {self.layer.name}[{self.index}]>"
