"""Keras 3's config entries of layers and models, written and read (Keras 2's read too).

Every object is an entry ``{module, class_name, config, registered_name}``; a layer entry
adds ``build_config`` (the input shape it was built for). Reading accepts what Keras 3
writes: dtype policies, options lamina does not have when they are at their harmless
defaults (``quantization_config: None``, ``seed``, ...), Keras 2's ``batch_input_shape``
and list-style Sequential configs.

This sits on the ground floor so that layers (``lamina.layers.serialize``, an RNN's
cells, a wrapper's inner layer) and saving both use it: classes are found through the
table of ``lamina.utils.object_registration`` (which imports lamina's built-in modules by
name), and models are recognised through it, never by importing the floors above.

>>> entry = serialize_layer(lamina.layers.Dense(3))
>>> entry["class_name"], entry["module"]
('Dense', 'keras.layers')
>>> deserialize_layer(entry).units
3
"""
import importlib
import inspect
import types

from lamina.utils.object_registration import (
    builtin_class,
    builtin_function,
    get_registered_name,
    get_registered_object,
    is_builtin_class,
    is_instance_of_builtin,
)
from lamina.utils.serialization import in_safe_mode, safe_mode_scope, serialize_callable

# Keys Keras writes that change nothing in lamina whatever their value.
_HARMLESS_KEYS = {
    "seed", "renorm_momentum", "optional", "ragged", "autocast", "implementation",
    "time_major", "input_axes", "output_axes", "function_type", "output_shape_type",
    "mask_type", "shared_object_id", "build_input_shape", "lora_alpha", "module",
    "registered_name",
}
# Keras 3 layers whose constructor takes no `trainable` (Keras itself omits it)
_NO_TRAINABLE_ARG = {"SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D"}
_MODEL_MODULES = {"Sequential": "keras", "Functional": "keras.src.models.functional",
                  "Model": "keras"}


# --- class lookup --------------------------------------------------------------------------
def find_class(entry, custom_objects=None):
    """The class an entry names: custom objects and registered classes first, then lamina's."""
    name = entry.get("class_name")
    for key in (entry.get("registered_name"), name):
        obj = get_registered_object(key, custom_objects)
        if obj is not None:
            return obj
    builtin = builtin_class(name)
    if builtin is not None:
        return builtin
    raise ValueError(
        f"Unknown layer or model class {name!r} (module {entry.get('module')!r}). If it is "
        f"your own class, pass custom_objects={{'{name}': {name}}} or decorate it with "
        "@lamina.saving.register_keras_serializable().")


# --- writing -------------------------------------------------------------------------------
def serialize_layer(layer, build_config=True):
    """A layer or model as Keras 3's entry (with ``build_config`` once it is built, unless
    ``build_config=False``: layers nested in another's config are built by it)."""
    # a Model subclass called as MyModel(inputs, outputs) runs as (MyModel, Functional)
    cls = type(layer).__dict__.get("_subclass_of", type(layer))
    builtin = is_builtin_class(cls)
    config = (sequential_config(layer) if is_instance_of_builtin(layer, "Sequential")
              else layer.get_config())
    config = dict(config) if builtin else serialize_nested(config, f"{cls.__name__}.get_config()")
    config.pop("batch_input_shape", None)  # Keras 3 layers refuse it; the Input carries it
    if builtin and cls.__name__ in _NO_TRAINABLE_ARG and config.get("trainable", True):
        config.pop("trainable", None)
    if builtin:
        module = _MODEL_MODULES.get(cls.__name__, "keras.layers")
        registered = None
    else:
        module, registered = cls.__module__, get_registered_name(cls)
    entry = {"module": module, "class_name": cls.__name__, "config": config,
             "registered_name": registered}
    shape = getattr(layer, "input_shape", None) if layer.built and build_config else None
    if shape is not None:
        entry["build_config"] = {"input_shape": _listify(shape)}
    return entry


# Keras's public modules of lamina's families of objects (besides layers and models)
FAMILIES = ("initializers", "regularizers", "constraints", "optimizers.schedules",
            "optimizers", "losses", "metrics", "activations")


def family_of(cls):
    """The family ("regularizers", ...) whose public namespace holds lamina's class ``cls``,
    or None (a user's class, or one lamina does not export)."""
    module = getattr(cls, "__module__", "") or ""
    if not module.startswith("lamina."):
        return None
    for family in FAMILIES:
        if module == f"lamina.{family}" or module.startswith(f"lamina.{family}."):
            mod = importlib.import_module(f"lamina.{family}")
            return family if getattr(mod, cls.__name__, None) is cls else None
    return None


def serialize_nested(value, where="a config"):
    """``value`` (a config, a list, one object) with every lamina object in it as its Keras 3
    entry: layers, initializers, regularizers, constraints, optimizers, losses, metrics,
    functions and users' classes with ``get_config``. Plain values, NumPy values and
    already-serialized entries are kept as they are."""
    if value is None or isinstance(value, (str, int, float, bool, bytes)):
        return value
    if isinstance(value, dict):
        return {k: serialize_nested(v, where) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        out = [serialize_nested(v, where) for v in value]
        return tuple(out) if isinstance(value, tuple) else out
    if type(value).__module__ == "numpy":
        return value
    return serialize_object(value, where)


def serialize_object(obj, where="a config"):
    """One object as Keras 3's ``{module, class_name, config, registered_name}`` entry."""
    if is_instance_of_builtin(obj, "Layer"):
        return serialize_layer(obj)
    cls = type(obj)
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)) or (
            callable(obj) and not hasattr(obj, "get_config") and hasattr(obj, "__name__")):
        name = getattr(obj, "__name__", None)
        if builtin_function(name) is obj:  # lamina's own: by name, as Keras 3 writes it
            return {"module": "builtins", "class_name": "function", "config": name,
                    "registered_name": "function"}
        return serialize_callable(obj)
    if not hasattr(obj, "get_config"):
        raise TypeError(f"Cannot serialize {obj!r} (a {cls.__name__}) in {where}: to be "
                        "serializable, an object must implement get_config()")
    family = family_of(cls)
    if family is not None:
        return importlib.import_module(f"lamina.{family}").serialize(obj)
    config = obj.get_config()
    if not isinstance(config, dict):
        raise TypeError(f"{cls.__name__}.get_config() must return a dict, got {config!r}")
    return {"module": cls.__module__, "class_name": cls.__name__,
            "config": serialize_nested(config, f"{cls.__name__}.get_config()"),
            "registered_name": get_registered_name(cls)}


def sequential_config(model):
    """Keras 3's Sequential config: an InputLayer entry first, then the layers."""
    InputLayer = builtin_class("InputLayer")
    entries = []
    shape = model._declared_input_shape() if model._sublayers else None
    if model._input_layer is not None:
        entries.append(serialize_layer(model._input_layer))
    elif shape is not None:
        first = model._sublayers[0]
        dtype = "int32" if type(first).__name__ == "Embedding" else first.dtype
        entries.append(serialize_layer(InputLayer(batch_shape=shape, dtype=dtype,
                                                  name=f"{model.name}_input")))
    entries += [serialize_layer(layer) for layer in model._sublayers]
    config = {"name": model.name, "trainable": model.trainable, "dtype": model.dtype,
              "layers": entries}
    if shape is not None:
        config["build_input_shape"] = _listify(shape)
    return config


def _listify(shape):
    if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple)):
        return [_listify(s) for s in shape]
    return None if shape is None else list(shape)


# --- reading -------------------------------------------------------------------------------
def deserialize_layer(entry, custom_objects=None, safe_mode=None, build=False):
    """A layer or model from its entry (Keras 3 or Keras 2 style).

    ``safe_mode`` (None: as the enclosing scope says, True by default) refuses to run code
    stored in the config (Lambda layers, functions). ``build`` builds the layer for the
    shape in its ``build_config``.
    """
    if is_instance_of_builtin(entry, "Layer"):
        return entry
    if not isinstance(entry, dict) or "class_name" not in entry:
        raise ValueError(f"Cannot deserialize a layer from {entry!r}: expected a dict with "
                         "'class_name' and 'config'")
    if safe_mode is not None:
        with safe_mode_scope(safe_mode):
            return deserialize_layer(entry, custom_objects, None, build)
    cls = find_class(entry, custom_objects)
    config = entry.get("config") or {}
    if isinstance(cls, type) and issubclass(cls, builtin_class("Sequential")):
        layer = _sequential_from_config(cls, config, custom_objects)
    else:
        config = normalize_config(cls, config, custom_objects)
        layer = _from_config(cls, config, custom_objects)
    shape = (entry.get("build_config") or {}).get("input_shape")
    if build and shape is not None and not layer.built:
        _build(layer, shape)
    return layer


def _from_config(cls, config, custom_objects):
    params = inspect.signature(cls.from_config).parameters
    kwargs = {}
    if "custom_objects" in params:
        kwargs["custom_objects"] = custom_objects
    if "safe_mode" in params:
        kwargs["safe_mode"] = in_safe_mode()
    return cls.from_config(config, **kwargs)


def _build(layer, shape):
    shape = ([tuple(s) for s in shape] if shape and isinstance(shape[0], (list, tuple))
             else tuple(shape))
    if is_instance_of_builtin(layer, "Sequential"):
        layer.build(shape)
    else:
        layer._maybe_build(shape)


def _sequential_from_config(cls, config, custom_objects):
    if isinstance(config, list):  # Keras 2.0/2.1: the list of layers itself
        config = {"layers": config}
    model = cls(name=config.get("name"))
    for entry in config.get("layers", []):
        model.add(deserialize_layer(entry, custom_objects))
    shape = config.get("build_input_shape")
    if not model.built and shape is not None and model._sublayers:
        model.build(tuple(shape))
    if config.get("trainable") is False:
        model.trainable = False
    return model


def normalize_config(cls, config, custom_objects=None):
    """A config Keras wrote, made acceptable to lamina's ``cls.from_config``.

    Dtype policies become dtype names, nested initializers/regularizers/constraints of
    custom classes become instances, and options lamina lacks are dropped when harmless
    (or raise a clear error when they would change the results).
    """
    config = dict(config)
    if isinstance(config.get("dtype"), dict):
        config["dtype"] = (config["dtype"].get("config") or {}).get("name", "float32")
    axis = config.get("axis")
    if (getattr(cls, "__name__", "") in ("BatchNormalization", "LayerNormalization")
            and isinstance(axis, list) and len(axis) == 1):
        config["axis"] = axis[0]  # Keras 2 wrote the built axis as a list
    for key, value in list(config.items()):
        if isinstance(value, dict) and "class_name" in value and key not in (
                "layer", "backward_layer", "cell", "function"):
            config[key] = _normalize_object(value, custom_objects)
    if not isinstance(cls, type) or issubclass(cls, builtin_class("Model")):
        return config  # a model's from_config reads its own keys
    accepted, closed = _accepted_args(cls)
    if not closed:
        return config
    for key in [k for k in config if k not in accepted]:
        value = config.pop(key)
        if key in _HARMLESS_KEYS or value in (None, False, {}, []) or (
                key == "sparse" and not value):
            continue
        text = repr(value) if len(repr(value)) < 80 else repr(value)[:77] + "..."
        raise ValueError(f"{cls.__name__} '{config.get('name')}': the option {key}={text} "
                         "is not supported by lamina")
    return config


def _normalize_object(entry, custom_objects):
    """An initializer/regularizer/constraint entry: a custom class becomes an instance;
    a built-in one loses Keras-only keys (e.g. ``input_axes``)."""
    entry = dict(entry)
    name = entry.get("class_name")
    inner = dict(entry.get("config") or {}) if isinstance(entry.get("config"), dict) \
        else entry.get("config")
    custom = (get_registered_object(entry.get("registered_name"), custom_objects)
              or get_registered_object(name, custom_objects))
    if isinstance(custom, type) and issubclass(custom, builtin_class("Layer")):
        return deserialize_layer(entry, custom_objects)  # a user's layer nested in a config
    if custom is not None and isinstance(custom, type) and hasattr(custom, "from_config"):
        return custom.from_config(inner or {})
    if isinstance(inner, dict):
        for key in ("input_axes", "output_axes", "shared_object_id"):
            if inner.get(key) is None:
                inner.pop(key, None)
        entry["config"] = inner
    entry.pop("shared_object_id", None)
    return entry


def _accepted_args(cls):
    """Constructor argument names of ``cls`` (following ``**kwargs`` up the MRO) and whether
    the set is closed (some ``__init__`` on the way takes no ``**kwargs``)."""
    names = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        if klass is object:
            return names, True
        params = inspect.signature(init).parameters.values()
        names |= {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
        if not any(p.kind == p.VAR_KEYWORD for p in params):
            return names - {"self"}, True
    return names - {"self"}, False
