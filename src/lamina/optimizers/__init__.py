"""Optimizers and learning-rate schedules (Keras 3 ``keras.optimizers``).

Each optimizer packs the trainable variables into one flat buffer per dtype, so
a step costs a handful of vectorized NumPy calls however many weight arrays the
model has (see ``lamina.optimizers.base``)::

    opt = lamina.optimizers.get("adam")
    opt.build(model.trainable_variables)
    opt.zero_grad(); loss.backward(); opt.step()
"""
from lamina.optimizers import schedules
from lamina.optimizers.adadelta import Adadelta
from lamina.optimizers.adagrad import Adagrad
from lamina.optimizers.adam import Adam, AdamW
from lamina.optimizers.adamax import Adamax
from lamina.optimizers.base import Optimizer
from lamina.optimizers.nadam import Nadam
from lamina.optimizers.rmsprop import RMSprop
from lamina.optimizers.sgd import SGD
from lamina.utils.serialization import object_config

ALL_OBJECTS = (Optimizer, SGD, RMSprop, Adagrad, Adadelta, Adam, AdamW, Adamax, Nadam)
ALL_OBJECTS_DICT = {cls.__name__.lower(): cls for cls in ALL_OBJECTS}
_NAMES = sorted(n for n in ALL_OBJECTS_DICT if n != "optimizer")


def serialize(optimizer):
    """The optimizer as a Keras 3 config dict (``module``, ``class_name``, ``config``,
    ``registered_name``)."""
    builtin = ALL_OBJECTS_DICT.get(type(optimizer).__name__.lower()) is type(optimizer)
    return object_config(optimizer, "keras.optimizers", builtin)


def deserialize(config, custom_objects=None):
    """An optimizer from ``serialize``'s dict; built-in class names are case-insensitive."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"optimizers.deserialize: expected a dict with 'class_name' and "
                         f"'config', got {config!r}")
    name = config["class_name"]
    custom_objects = custom_objects or {}
    cls = custom_objects.get(name) or custom_objects.get(config.get("registered_name"))
    if cls is None:
        cls = ALL_OBJECTS_DICT.get(str(name).lower())
    if cls is None or cls is Optimizer:
        raise ValueError(f"Unknown optimizer {name!r}. Valid names: {', '.join(_NAMES)}")
    cfg = dict(config.get("config") or {})
    if isinstance(cfg.get("learning_rate"), dict):  # a serialized schedule
        cfg["learning_rate"] = schedules.deserialize(cfg["learning_rate"], custom_objects)
    return cls.from_config(cfg)


def get(identifier):
    """An optimizer from a name (``'adam'``, case-insensitive), a config dict or an
    instance (returned as is).

    >>> get("RMSprop").rho
    0.9
    """
    if identifier is None:
        return None
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        cls = ALL_OBJECTS_DICT.get(identifier.lower())
        if cls is None or cls is Optimizer:
            raise ValueError(f"Unknown optimizer {identifier!r}. Valid names: "
                             f"{', '.join(_NAMES)}")
        return cls()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    raise ValueError(f"Could not interpret optimizer identifier {identifier!r}: expected a "
                     f"name (one of {', '.join(_NAMES)}), a config dict or an Optimizer")


__all__ = [
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Nadam",
    "Optimizer",
    "RMSprop",
    "deserialize",
    "get",
    "schedules",
    "serialize",
]
