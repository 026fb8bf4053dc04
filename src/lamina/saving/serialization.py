"""A model's whole config tree (``config.json``) and its ``compile_config``, both ways.

The entries of single layers and models (``serialize_layer``, ``deserialize_layer``, ...)
live on the ground floor, in ``lamina.utils.layer_serialization``, so that layers use them
too; they are re-exported here under their old names.

>>> entry = serialize_layer(lamina.layers.Dense(3))
>>> entry["class_name"], entry["module"]
('Dense', 'keras.layers')
>>> deserialize_layer(entry).units
3
"""
import importlib

from lamina.utils.layer_serialization import (  # noqa: F401  (public names of this module)
    deserialize_layer,
    find_class,
    normalize_config,
    sequential_config,
    serialize_layer,
)
from lamina.utils.object_registration import (  # noqa: F401
    custom_objects_in_scope,
    get_registered_name,
    get_registered_object,
)
from lamina.utils.serialization import in_safe_mode, safe_mode_scope  # noqa: F401


def serialize_value(obj, module):
    """A loss, metric or optimizer identifier as it goes into ``compile_config``."""
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    if isinstance(obj, dict):
        return {k: serialize_value(v, module) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [serialize_value(v, module) for v in obj]
    return importlib.import_module(f"lamina.{module}").serialize(obj)


def compile_config(model):
    """Keras 3's ``compile_config`` of a compiled model (``{}`` if not compiled)."""
    if not getattr(model, "compiled", False):
        return {}
    from lamina import optimizers
    # compile's arguments as given (names, objects, lists or dicts per output)
    metrics = getattr(model, "_metrics_spec", None)
    weighted_metrics = getattr(model, "_weighted_metrics_spec", None)
    loss_weights = getattr(model, "_loss_weights_spec", None)
    return {
        "optimizer": optimizers.serialize(model.optimizer),
        "loss": serialize_value(model.loss, "losses"),
        "loss_weights": loss_weights,
        "metrics": serialize_value(metrics, "metrics"),
        "weighted_metrics": serialize_value(weighted_metrics, "metrics"),
        "run_eagerly": False, "steps_per_execution": 1, "jit_compile": False,
    }


def json_default(obj):
    """``json.dumps``'s fallback for NumPy values in configs."""
    import numpy as np
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    raise TypeError(f"Cannot write {type(obj).__name__} {obj!r} into a model config: "
                    "get_config() must return plain values (numbers, strings, lists, dicts)")


def model_to_config(model):
    """The whole ``config.json`` tree of a model."""
    entry = serialize_layer(model)
    entry["compile_config"] = compile_config(model)
    return entry


def compile_from_config(model, config, custom_objects=None):
    """Compile ``model`` as ``compile_config`` says (Keras 3 or Keras 2's training_config)."""
    from lamina import losses, metrics, optimizers
    if not config:
        return
    custom_objects = {**custom_objects_in_scope(), **(custom_objects or {})}
    opt = config.get("optimizer") or config.get("optimizer_config")
    if isinstance(opt, dict):
        opt = optimizers.deserialize(_legacy_optimizer(opt), custom_objects=custom_objects)

    def resolve(value, mod):
        if isinstance(value, list):
            return [resolve(v, mod) for v in value]
        if isinstance(value, dict) and "class_name" not in value:
            return {k: resolve(v, mod) for k, v in value.items()}
        if isinstance(value, dict):
            return mod.deserialize(value, custom_objects=custom_objects)
        return value

    single = isinstance(getattr(model, "output_shape", None), tuple)
    for key in ("metrics", "weighted_metrics"):
        value = config.get(key)
        if single and isinstance(value, list) and len(value) == 1 and isinstance(value[0], list):
            config = {**config, key: value[0]}  # Keras 2: one list per output
    kwargs = {"optimizer": opt if opt is not None else "rmsprop",
              "loss": resolve(config.get("loss"), losses),
              "metrics": resolve(config.get("metrics"), metrics),
              "weighted_metrics": resolve(config.get("weighted_metrics"), metrics)}
    if config.get("loss_weights") is not None:
        kwargs["loss_weights"] = config["loss_weights"]
    if kwargs["loss"] is None:
        return
    model.compile(**kwargs)


def _legacy_optimizer(entry):
    """Keras 2's optimizer configs: ``lr`` for ``learning_rate``, ``decay`` and friends."""
    entry = dict(entry)
    cfg = dict(entry.get("config") or {})
    if "lr" in cfg and "learning_rate" not in cfg:
        cfg["learning_rate"] = cfg.pop("lr")
    cfg.pop("lr", None)
    for key in ("decay", "is_legacy_optimizer", "jit_compile"):
        if not cfg.get(key):
            cfg.pop(key, None)
    entry["config"] = cfg
    return entry
