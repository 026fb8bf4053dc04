"""A functional model's config in Keras 3's format, and the model back from it.

The format (what ``keras.Model.get_config()`` gives for a functional model)::

    {"name": ..., "trainable": ...,
     "layers": [{"module", "class_name", "config", "registered_name", "build_config",
                 "name", "inbound_nodes": [{"args": [...], "kwargs": {...}}, ...]}, ...],
     "input_layers": [[layer_name, node_index, tensor_index], ...],
     "output_layers": [...]}

A tensor inside ``args`` is ``{"class_name": "__keras_tensor__", "config": {"shape",
"dtype", "keras_history": [layer_name, node_index, tensor_index]}}``. Node indices count
only the nodes that belong to the model. Keras gives a nested functional model a node of
its own at index 0, so ``input_layers`` / ``output_layers`` count its calls from 1; lamina
writes and reads that offset the same way. Keras 2's list form of ``inbound_nodes`` is read
too.
"""


def _is_functional(layer):
    from lamina.models.model import Model
    return isinstance(layer, Model._functional_class)


def functional_config(model):
    from lamina.layers import serialize
    own = model._node_keys
    reindex = {}
    for layer in model.layers:
        kept = 1 if _is_functional(layer) else 0
        for node in layer._inbound_nodes:
            if (id(layer), node.index) in own:
                reindex[(id(layer), node.index)] = kept
                kept += 1

    def arg_tensor(t):
        layer, index = t._layer, t._node_index
        skipped = sum((id(layer), i) not in own for i in range(index))
        return {"class_name": "__keras_tensor__",
                "config": {"shape": list(t.shape), "dtype": t.dtype,
                           "keras_history": [layer.name, index - skipped, t._index]}}

    layer_configs = []
    for layer in model.layers:
        entry = serialize(layer)
        if _is_input_layer(layer):
            entry.pop("build_config", None)  # Keras writes none for an InputLayer
        if "build_config" not in entry and layer.built and layer.input_shape is not None \
                and not _is_input_layer(layer):
            entry["build_config"] = {"input_shape": _json_shape(layer.input_shape)}
        if _is_model(layer) and "compile_config" not in entry:
            entry["compile_config"] = _compile_config(layer)  # Keras writes it for a model
        entry["name"] = layer.name
        entry["inbound_nodes"] = [
            {"args": [_map(arg_tensor, node.args)], "kwargs": _node_kwargs(layer, node, arg_tensor)}
            for node in layer._inbound_nodes
            if (id(layer), node.index) in own and not node.is_input]
        layer_configs.append(entry)

    def history(t):
        return [t._layer.name, reindex[(id(t._layer), t._node_index)], t._index]

    return {"name": model.name, "trainable": model.trainable, "layers": layer_configs,
            "input_layers": _map(history, model._inputs_struct),
            "output_layers": _map(history, model._outputs_struct)}


def _node_kwargs(layer, node, arg_tensor):
    from lamina.layers.layer import SymbolicTensor
    from lamina.layers.merging import Merge
    from lamina.models.model import Model
    kwargs = {k: _map(lambda v: arg_tensor(v) if isinstance(v, SymbolicTensor) else v, v)
              for k, v in node.kwargs.items()}
    if isinstance(layer, Model) or (layer._call_takes_mask and not isinstance(layer, Merge)):
        kwargs.setdefault("mask", None)  # as Keras records a call that could take a mask
    return kwargs


def _is_model(layer):
    from lamina.models.model import Model
    return isinstance(layer, Model)


def _compile_config(model):
    if not getattr(model, "compiled", False):
        return {}
    from lamina.saving.serialization import compile_config
    return compile_config(model)


def _is_input_layer(layer):
    from lamina.layers.core.input_layer import InputLayer
    return isinstance(layer, InputLayer)


def _json_shape(shape):
    if isinstance(shape, list):
        return [_json_shape(s) for s in shape]
    return list(shape)


def _map(fn, struct):
    if isinstance(struct, dict):
        return {k: _map(fn, v) for k, v in struct.items()}
    if isinstance(struct, (list, tuple)):
        return [_map(fn, v) for v in struct]
    return fn(struct)


class _NotReady(Exception):
    """A node's inputs do not exist yet: try it again after other layers' nodes."""


def _deserialize_layer(data, custom_objects, safe_mode):
    from lamina.layers import deserialize
    from lamina.models.model import Model
    from lamina.models.sequential import Sequential
    functional = Model._functional_class  # models/functional.py imports this module
    models = {"Functional": functional, "Model": functional, "Sequential": Sequential}
    name = data.get("class_name")
    custom = custom_objects or {}
    if name in models and name not in custom:
        config = dict(data.get("config", {}))
        return models[name].from_config(config, custom_objects=custom_objects)
    entry = {k: data[k] for k in ("module", "class_name", "config", "registered_name")
             if k in data}
    return deserialize(entry, custom_objects=custom_objects, safe_mode=safe_mode)


def _tensor_at(created, name, node_index, tensor_index, offset=0):
    layer = created.get(name)
    if layer is None:
        raise ValueError(f"Invalid functional config: it refers to a layer {name!r} that is not "
                         f"among its layers {sorted(created)}")
    if isinstance(layer, _KerasOp):
        raise ValueError(f"The model calls the Keras operation {layer.class_name!r} "
                         f"({layer.module}) on tensors directly; lamina loads layers only. "
                         "Wrap the computation in a layer (or a Lambda) in Keras and save again.")
    index = node_index - offset
    if index >= len(layer._inbound_nodes):
        raise _NotReady(name)
    return layer._inbound_nodes[index].outputs[tensor_index]


def _revive(value, created):
    """Node arguments with the ``__keras_tensor__`` entries replaced by the tensors."""
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            history = value["config"]["keras_history"]
            return _tensor_at(created, *history[:3])
        return {k: _revive(v, created) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_revive(v, created) for v in value]
    return value


def _node_call(node_data, created):
    """(args, kwargs) of one inbound node, in Keras 3's form or Keras 2's list form."""
    if isinstance(node_data, list):  # Keras 2: [[layer, node, tensor, kwargs], ...]
        tensors = [_tensor_at(created, *entry[:3]) for entry in node_data]
        kwargs = node_data[0][3] if node_data and len(node_data[0]) > 3 else {}
        return [tensors[0] if len(tensors) == 1 else tensors], dict(kwargs or {})
    args = _revive(node_data.get("args", []), created)
    # masks travel with the tensors in lamina and fit decides `training`: both are dropped
    kwargs = {k: v for k, v in (node_data.get("kwargs") or {}).items()
              if k not in ("mask", "training")}
    return args, _revive(kwargs, created)


# the keras.ops calls Keras records when it computes masks in a graph (legacy .h5 files
# name them without a module)
_MASK_OPS = {"NotEqual", "Equal", "Any", "All", "ExpandDims", "ZerosLike", "OnesLike",
             "LogicalOr", "LogicalAnd", "LogicalNot", "Cast", "BroadcastTo"}


def _is_keras_op(data, created):
    """Keras 3 records the masks it computes in a graph (``Embedding(mask_zero=True)``
    makes ``ops.not_equal(x, 0)``; ``Masking`` and ``Concatenate`` add ``any``,
    ``logical_or``, ...) as operation entries of module ``keras.src.ops.*``. They are not
    layers; when they feed only ``mask=`` kwargs (which lamina drops) they are skipped.
    Keras's legacy ``.h5`` writer drops ``module``: there an operation is a known mask op,
    or (``ops.concatenate``) an entry without ``trainable`` fed only by operations."""
    module = data.get("module")
    if module is not None:
        return str(module).startswith("keras.src.ops")
    if "trainable" in (data.get("config") or {}):
        return False
    if data.get("class_name") in _MASK_OPS:
        return True
    sources = _history_names(data.get("inbound_nodes"))
    return bool(sources) and all(isinstance(created.get(n), _KerasOp) for n in sources)


def _history_names(value):
    """Names of the layers whose tensors a (Keras 3) inbound-node entry refers to."""
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            return [value["config"]["keras_history"][0]]
        return [n for v in value.values() for n in _history_names(v)]
    if isinstance(value, list):
        return [n for v in value for n in _history_names(v)]
    return []


class _KerasOp:
    """A skipped ``keras.ops`` entry: an error if a layer takes its output as data."""

    def __init__(self, data):
        self.class_name, self.module = data.get("class_name"), data.get("module")


def functional_from_config(cls, config, custom_objects=None, safe_mode=True):
    """Rebuild the model: create every layer, then replay the calls (nodes) in an order
    where each call's inputs exist (a layer shared at several depths waits its turn)."""
    config = dict(config)
    for key in ("layers", "input_layers", "output_layers"):
        if key not in config:
            raise ValueError(f"Invalid functional config: no {key!r} entry; keys are "
                             f"{sorted(config)}")
    created, pending = {}, {}
    for data in config["layers"]:
        name = data.get("name") or data.get("config", {}).get("name")
        if _is_keras_op(data, created):
            created[name] = _KerasOp(data)  # lamina carries masks with the tensors
            continue
        layer = _deserialize_layer(data, custom_objects, safe_mode)
        created[name] = layer
        pending[name] = list(data.get("inbound_nodes", []))
    while any(pending.values()):
        progressed = False
        for name, nodes in pending.items():
            while nodes:
                try:
                    args, kwargs = _node_call(nodes[0], created)
                except _NotReady:
                    break
                created[name](*args, **kwargs)
                nodes.pop(0)
                progressed = True
        if not progressed:
            stuck = {k: len(v) for k, v in pending.items() if v}
            raise ValueError("Invalid functional config: the graph has loops or disconnected "
                             f"nodes; these layers' calls could not be resolved: {stuck}")

    def tensor(entry):
        name, node_index, tensor_index = entry[:3]
        offset = 1 if _is_functional(created.get(name)) else 0
        try:
            return _tensor_at(created, name, node_index, tensor_index, offset)
        except _NotReady:
            raise ValueError(f"Invalid functional config: layer {name!r} has no call "
                             f"{node_index}") from None

    def tensors(struct):
        if isinstance(struct, list) and len(struct) == 3 and isinstance(struct[0], str):
            return tensor(struct)
        if isinstance(struct, dict):
            return {k: tensors(v) for k, v in struct.items()}
        return [tensors(v) for v in struct]

    inputs = tensors(config["input_layers"])
    outputs = tensors(config["output_layers"])
    return cls(inputs=inputs, outputs=outputs, name=config.get("name"),
               trainable=config.get("trainable", True))
