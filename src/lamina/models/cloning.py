"""``clone_model``: a model of the same architecture with new layers (fresh weights), as
Keras 3's ``keras.models.clone_model``.

A Sequential model gets its layers cloned one by one; a Functional model is replayed node
by node on new inputs (or ``input_tensors``), each layer cloned once (a shared layer stays
shared in the clone) and called as in the original; any other model is rebuilt from its
config.

>>> clone = clone_model(model)                 # same layers, new weights
>>> clone.set_weights(model.get_weights())     # now it predicts as model does
"""
import inspect

from lamina.layers.core.input_layer import Input, InputLayer
from lamina.layers.layer import Layer, SymbolicTensor
from lamina.layers.node import flatten, map_structure
from lamina.models.functional import Functional
from lamina.models.model import Model
from lamina.models.sequential import Sequential


def clone_model(model, input_tensors=None, clone_function=None, call_function=None,
                recursive=False, **kwargs):
    """A copy of ``model`` made of new layers, with freshly initialized weights.

    ``clone_function(layer)`` makes each layer of the copy (InputLayers excepted; default
    ``layer.__class__.from_config(layer.get_config())``): return a changed or wrapped layer
    to change the copy, or ``layer`` itself to share it. ``call_function(layer, inputs,
    **kwargs)`` calls each layer of a Functional model (default ``layer(inputs, **kwargs)``),
    e.g. to insert a layer after some. ``input_tensors`` (symbolic tensors, structured as
    ``model.input``) are the inputs to build the copy on; a tensor that is not an
    ``Input`` gets a new ``Input`` of its shape, as Keras does. With ``recursive=True``
    nested Sequential / Functional models are cloned by ``clone_model`` too, otherwise by
    ``clone_function``. A compiled model's copy is compiled the same way (new optimizer).

    A subclassed model is rebuilt from ``get_config()`` (``from_config``); it takes no
    ``clone_function``, ``call_function`` or ``input_tensors``.

    >>> wide = clone_model(model, clone_function=lambda la: Dense(64, name=la.name)
    ...                    if isinstance(la, Dense) and la.name == "hidden"
    ...                    else la.__class__.from_config(la.get_config()))
    """
    cache = kwargs.pop("cache", None)
    if kwargs:
        raise ValueError(f"clone_model: unexpected keyword argument(s) {sorted(kwargs)}")
    if not isinstance(model, Model):
        raise TypeError(f"clone_model: expected a lamina Model (Sequential, Functional or a "
                        f"subclass), got {type(model).__name__}")
    if clone_function is not None and not callable(clone_function):
        raise ValueError(f"clone_model: clone_function must be callable, got {clone_function!r}")
    if call_function is not None and not callable(call_function):
        raise ValueError(f"clone_model: call_function must be callable, got {call_function!r}")
    if isinstance(model, (Sequential, Functional)):
        clone = _cloner(clone_function, call_function, recursive, cache)
        if isinstance(model, Sequential):
            if call_function is not None:
                raise ValueError(
                    "clone_model: call_function is not supported with Sequential models (their "
                    "layers are listed, not called, when the model is made); use it with "
                    f"Functional models. Got model '{model.name}' ({type(model).__name__})")
            new = _clone_sequential(model, clone, input_tensors)
        else:
            new = _clone_functional(model, clone, input_tensors, call_function)
        return _compiled_like(model, new)
    return _clone_from_config(model, input_tensors, clone_function, call_function)


def _default_clone(layer):
    return layer.__class__.from_config(layer.get_config())


def _cloner(clone_function, call_function, recursive, cache):
    """``clone_function`` applied once per layer (a shared layer gets one clone); nested
    models go through ``clone_model`` when ``recursive``."""
    clone_function = clone_function or _default_clone
    cache = {} if cache is None else cache

    def clone(layer):
        if id(layer) not in cache:
            if recursive and isinstance(layer, Sequential):
                new = clone_model(layer, clone_function=clone_function, recursive=True,
                                  cache=cache)
            elif recursive and isinstance(layer, Functional):
                new = clone_model(layer, clone_function=clone_function,
                                  call_function=call_function, recursive=True, cache=cache)
            else:
                new = clone_function(layer)
                if not isinstance(new, Layer):
                    raise TypeError(f"clone_model: clone_function must return a Layer, got "
                                    f"{type(new).__name__} for layer '{layer.name}'")
            cache[id(layer)] = new
        return cache[id(layer)]
    return clone


def _clone_sequential(model, clone, input_tensors):
    new_layers = [clone(layer) for layer in model.layers]
    ref = model._input_layer
    if input_tensors is not None:
        if isinstance(input_tensors, (list, tuple)):
            if len(input_tensors) != 1:
                raise ValueError(f"clone_model: a Sequential model takes a single input "
                                 f"tensor, got {len(input_tensors)} in input_tensors")
            input_tensors = input_tensors[0]
        if not isinstance(input_tensors, SymbolicTensor):
            raise ValueError("clone_model: input_tensors must be a symbolic tensor (from "
                             f"lamina.Input(...)), got {type(input_tensors).__name__}")
        new_layers.insert(0, _as_input(input_tensors, ref.name if ref is not None else None))
    elif ref is not None:
        new_layers.insert(0, Input(batch_shape=ref.batch_shape, dtype=ref.dtype, name=ref.name))
    new = Sequential(new_layers, name=model.name)
    if not new.built and model.built and model.input_shape is not None:
        new.build(model.input_shape)  # built by model.build(shape): Keras keeps that input
    if not model.trainable:
        new.trainable = False
    return new


def _clone_functional(model, clone, input_tensors, call_function):
    old_inputs = model.inputs
    if input_tensors is None:
        new_inputs = [Input(batch_shape=t.shape, dtype=t.dtype, name=t._layer.name)
                      for t in old_inputs]
    else:
        new_inputs = [_as_input(t) for t in _flat_inputs(model, input_tensors)]
    mapping = {id(old): new for old, new in zip(old_inputs, new_inputs)}

    def new_tensor(x):
        return mapping[id(x)] if isinstance(x, SymbolicTensor) else x

    for node in model._nodes:
        if node.is_input:
            continue
        layer = clone(node.layer)
        args = map_structure(new_tensor, node.args)
        kwargs = {k: map_structure(new_tensor, v) for k, v in node.kwargs.items()}
        outs = (call_function(layer, args, **kwargs) if call_function is not None
                else layer(args, **kwargs))
        outs = flatten(outs)
        if len(outs) != len(node.outputs):
            raise ValueError(f"clone_model: layer '{node.layer.name}' made {len(node.outputs)} "
                             f"output(s) in the model, its clone made {len(outs)}")
        mapping.update((id(old), new) for old, new in zip(node.outputs, outs))
    inputs = _restructure(model.input, new_inputs)
    outputs = map_structure(new_tensor, model.output)
    cls = type(model) if _functional_like(type(model)) else Functional
    new = cls(inputs, outputs, name=model.name)
    if not model.trainable:
        new.trainable = False
    return new


def _flat_inputs(model, input_tensors):
    """``input_tensors`` as a flat list in the order of ``model.inputs``, checked against
    ``model.input``'s structure (a one-input model also takes the tensor in a list)."""
    expected = model.input
    if isinstance(expected, dict):
        if not isinstance(input_tensors, dict) or set(input_tensors) != set(expected):
            raise ValueError(f"clone_model: input_tensors must have the same structure as "
                             f"model.input: a dict with keys {sorted(expected)}, got "
                             f"{_describe(input_tensors)}")
        flat = [input_tensors[k] for k in expected]
    else:
        flat = flatten(input_tensors)
        if len(flat) != len(model.inputs):
            raise ValueError(f"clone_model: input_tensors must have the same structure as "
                             f"model.input ({len(model.inputs)} tensor(s)), got "
                             f"{_describe(input_tensors)}")
    bad = [t for t in flat if not isinstance(t, SymbolicTensor)]
    if bad:
        raise ValueError("clone_model: every entry of input_tensors must be a symbolic tensor "
                         f"(from lamina.Input(...)), got {_describe(input_tensors)}")
    return flat


def _as_input(tensor, name=None):
    """``tensor`` if it comes from an ``Input``, else a new ``Input`` of its shape."""
    if isinstance(tensor._layer, InputLayer):
        return tensor
    return Input(batch_shape=tensor.shape, dtype=tensor.dtype, name=name)


def _restructure(structure, flat):
    """``flat`` tensors in the shape of ``structure`` (a tensor, a list or a dict)."""
    if isinstance(structure, dict):
        return dict(zip(structure, flat))
    if isinstance(structure, (list, tuple)):
        return list(flat)
    return flat[0]


def _describe(x):
    if isinstance(x, dict):
        return "{" + ", ".join(f"{k!r}: {_describe(v)}" for k, v in x.items()) + "}"
    if isinstance(x, (list, tuple)):
        return "[" + ", ".join(_describe(v) for v in x) + "]"
    return f"SymbolicTensor{x.shape}" if isinstance(x, SymbolicTensor) else type(x).__name__


def _functional_like(cls):
    """Whether ``cls(inputs, outputs, name=...)`` makes a model of that class (Keras's test:
    the constructor takes Functional's arguments, or ``*args`` and ``**kwargs``)."""
    if cls is Functional:
        return True
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    kinds = {p.kind for p in params}
    if inspect.Parameter.VAR_POSITIONAL in kinds and inspect.Parameter.VAR_KEYWORD in kinds:
        return True
    own = [p.name for p in params if p.kind == p.POSITIONAL_OR_KEYWORD]
    base = [p.name for p in list(inspect.signature(Functional.__init__).parameters.values())[1:]
            if p.kind == p.POSITIONAL_OR_KEYWORD]
    return own == base


def _compiled_like(model, new):
    """``new`` compiled as ``model`` is (its own optimizer), as Keras's clone does."""
    if getattr(model, "compiled", False):
        from lamina.saving.serialization import compile_config, compile_from_config
        compile_from_config(new, compile_config(model))
    return new


def _clone_from_config(model, input_tensors, clone_function, call_function):
    """A subclassed model: ``from_config(get_config())``, as Keras."""
    name = type(model).__name__
    if clone_function is not None or input_tensors is not None:
        raise ValueError("clone_model: clone_function and input_tensors are only supported for "
                         f"Sequential and Functional models; got model '{model.name}' of class "
                         f"{name}. Rebuild it with {name}.from_config(model.get_config()).")
    if call_function is not None:
        raise ValueError("clone_model: call_function is only supported for Functional models; "
                         f"got model '{model.name}' of class {name}")
    if type(model).get_config is Layer.get_config and _has_own_arguments(type(model)):
        raise ValueError(
            f"clone_model: cannot clone the subclassed model '{model.name}' ({name}): its "
            "constructor takes arguments that the default get_config() does not record. "
            f"Implement {name}.get_config() (returning those arguments, with "
            "super().get_config()'s keys) and, if needed, from_config().")
    from lamina.saving.serialization import deserialize_layer, serialize_layer
    try:
        return deserialize_layer(serialize_layer(model), custom_objects={name: type(model)},
                                 build=True)
    except TypeError as e:
        raise ValueError(f"clone_model: could not rebuild the subclassed model '{model.name}' "
                         f"({name}) from its config ({e}). Make {name}.get_config() return "
                         "its constructor's arguments, or give it a from_config().") from e


def _has_own_arguments(cls):
    """Whether ``cls.__init__`` takes arguments besides Layer's name / trainable / dtype."""
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    common = {"name", "trainable", "dtype"}
    return any(p.name not in common for p in params
               if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD))
