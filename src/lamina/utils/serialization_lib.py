"""``serialize_keras_object`` / ``deserialize_keras_object``: any lamina object as Keras 3's
config entry and back (``lamina.saving`` and ``lamina.utils`` export them, as Keras does).

An object is ``{"module", "class_name", "config", "registered_name"}`` (a layer adds
``build_config``); plain values pass through; lists and dicts are walked; objects nested in
a config are serialized too. A function is ``{"class_name": "function", "config": <name>}``
with its registered name (``"package>name"``) when it has one.

>>> entry = serialize_keras_object(lamina.regularizers.L1(0.005))
>>> entry["class_name"], entry["module"]
('L1', 'keras.regularizers')
>>> deserialize_keras_object(entry)
L1(l1=0.005)
"""
import importlib

import numpy as np

from lamina.utils.layer_serialization import (
    FAMILIES,
    deserialize_layer,
    serialize_nested,
)
from lamina.utils.object_registration import (
    builtin_class,
    custom_object_scope,
    get_registered_object,
)
from lamina.utils.serialization import (
    deserialize_callable,
    load_keras_lambda,
    refusal,
    safe_mode_scope,
    scoped_safe_mode,
)

PLAIN_TYPES = (str, int, float, bool)
_LAYER_MODULES = ("keras", "keras.layers", "keras.models", "keras.src.models.functional")


def serialize_keras_object(obj):
    """The config entry of ``obj`` (a layer, model, initializer, regularizer, constraint,
    optimizer, schedule, loss, metric, function or registered class), or ``obj`` itself if
    it is a plain value; lists, tuples and dicts are serialized item by item.

    >>> serialize_keras_object(lamina.activations.relu)["config"]
    'relu'
    """
    if obj is None or isinstance(obj, PLAIN_TYPES):
        return obj
    if isinstance(obj, (list, tuple)):
        out = [serialize_keras_object(x) for x in obj]
        return tuple(out) if isinstance(obj, tuple) else out
    if isinstance(obj, dict):
        return {key: serialize_keras_object(value) for key, value in obj.items()}
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(obj, slice):
        return {"class_name": "__slice__", "config": {
            "start": serialize_keras_object(obj.start), "stop": serialize_keras_object(obj.stop),
            "step": serialize_keras_object(obj.step)}}
    if isinstance(obj, np.ndarray) and obj.ndim > 0:
        return {"class_name": "__numpy__",
                "config": {"value": obj.tolist(), "dtype": obj.dtype.name}}
    if isinstance(obj, (np.generic, np.ndarray)):
        return obj.item()
    return serialize_nested(obj, "serialize_keras_object")


def deserialize_keras_object(config, custom_objects=None, safe_mode=True, **kwargs):
    """The object ``serialize_keras_object`` (or Keras 3) wrote as ``config``.

    ``custom_objects`` maps names to your classes and functions (the registry and active
    ``custom_object_scope``s are searched too). ``safe_mode`` refuses to rebuild code stored
    in the config (lambdas, functions by their source); inside a load (a
    ``safe_mode_scope``) the load's setting applies, as in Keras, so a ``from_config`` that
    calls this function follows the ``safe_mode`` its caller gave.
    """
    scoped = scoped_safe_mode()
    safe_mode = bool(safe_mode) if scoped is None else scoped
    custom_objects = dict(custom_objects or {})
    with custom_object_scope(custom_objects), safe_mode_scope(safe_mode):
        return _deserialize(config, custom_objects, safe_mode)


def _deserialize(config, custom_objects, safe_mode):
    if config is None:
        return None
    if isinstance(config, str):
        found = get_registered_object(config, custom_objects)
        return config if found is None else found
    if isinstance(config, (list, tuple)):
        return [_deserialize(x, custom_objects, safe_mode) for x in config]
    if isinstance(config, PLAIN_TYPES):
        return config
    if not isinstance(config, dict):
        if callable(config) or hasattr(config, "get_config"):
            return config  # already an object (lamina rebuilds users' nested objects early)
        raise TypeError(f"deserialize_keras_object: could not parse config {config!r}")
    if "class_name" not in config or "config" not in config:
        return {k: _deserialize(v, custom_objects, safe_mode) for k, v in config.items()}
    name, inner = config["class_name"], config["config"]
    special = _special(name, inner or {}, custom_objects, safe_mode)
    if special is not _NOT_SPECIAL:
        return special
    if name == "function":
        return deserialize_callable(config, safe_mode=safe_mode, custom_objects=custom_objects)
    return _deserialize_class(config, custom_objects, safe_mode)


_NOT_SPECIAL = object()


def _special(name, inner, custom_objects, safe_mode):
    if name == "__numpy__":
        return np.array(inner["value"], dtype=inner.get("dtype"))
    if name == "__bytes__":
        return inner["value"].encode("utf-8")
    if name == "__ellipsis__":
        return Ellipsis
    if name == "__slice__":
        return slice(*(_deserialize(inner.get(k), custom_objects, safe_mode)
                       for k in ("start", "stop", "step")))
    if name == "__lambda__":
        if safe_mode:
            raise refusal("a lambda")
        return load_keras_lambda(inner)
    return _NOT_SPECIAL


def _deserialize_class(config, custom_objects, safe_mode):
    name, module = config["class_name"], config.get("module")
    registered = config.get("registered_name")
    custom = (get_registered_object(registered, custom_objects)
              or get_registered_object(name, custom_objects))
    layer_cls = builtin_class("Layer")
    if (isinstance(custom, type) and issubclass(custom, layer_cls)) or (
            custom is None and (module is None or module in _LAYER_MODULES)
            and builtin_class(name) is not None):
        return deserialize_layer(config, custom_objects, safe_mode=safe_mode, build=True)
    if custom is not None:
        if not isinstance(custom, type):
            return custom  # a registered function stored under a class name
        return _from_config(custom, config)
    family = _family_module(module, name)
    if family is not None:
        return family.deserialize(config, custom_objects=custom_objects)
    raise TypeError(
        f"Could not locate class {name!r} (module {module!r}). If it is your own class, "
        f"pass custom_objects={{'{name}': {name}}} or decorate it with "
        f"@lamina.saving.register_keras_serializable(). Full object config: {config}")


def _from_config(cls, config):
    if not hasattr(cls, "from_config"):
        raise TypeError(f"Cannot rebuild {cls.__name__}: the class has no from_config()")
    try:
        return cls.from_config(config["config"] or {})
    except TypeError as e:
        raise TypeError(
            f"{cls.__name__} could not be deserialized: objects (layers, models, ...) that its "
            "get_config() returns must be deserialized in its from_config() (with "
            f"deserialize_keras_object). config={config}. Error: {e}") from e


def _family_module(module, name):
    """lamina's module for Keras's ``module`` ("keras.regularizers"); with no (or an
    unknown) module, the family whose namespace has a class called ``name``."""
    if isinstance(module, str) and module.startswith("keras."):
        family = module[len("keras."):]
        if family in FAMILIES:
            return importlib.import_module(f"lamina.{family}")
    for family in FAMILIES:
        mod = importlib.import_module(f"lamina.{family}")
        if isinstance(getattr(mod, name, None), type):
            return mod
    return None
