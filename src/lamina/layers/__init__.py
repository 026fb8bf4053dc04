"""Layers: the language networks are written in (Keras names and arguments)."""
from lamina.layers.core import (Activation, ActivityRegularization, Dense, Dropout, Flatten,
                                Identity, Input, InputLayer, Lambda, Permute, RepeatVector,
                                Reshape)
from lamina.layers.layer import Layer, SymbolicTensor

__all__ = ["Activation", "ActivityRegularization", "Dense", "Dropout", "Flatten", "Identity",
           "Input", "InputLayer", "Lambda", "Layer", "Permute", "RepeatVector", "Reshape",
           "SymbolicTensor", "deserialize", "get", "serialize"]


def _all_layer_classes():
    import lamina.layers as mod
    return {name: obj for name, obj in vars(mod).items()
            if isinstance(obj, type) and issubclass(obj, Layer)}


def serialize(layer):
    """Keras 3's form: {module, class_name, config, registered_name}."""
    return {"module": "keras.layers", "class_name": type(layer).__name__,
            "config": layer.get_config(), "registered_name": None}


def deserialize(config, custom_objects=None, safe_mode=True):
    classes = {**_all_layer_classes(), **(custom_objects or {})}
    name = config.get("class_name")
    cls = classes.get(name)
    if cls is None:
        raise ValueError(f"Unknown layer class {name!r}. Known layers: {', '.join(sorted(classes))}"
                         ". Pass custom_objects={name: cls} for your own layers.")
    if cls is Lambda:
        return cls.from_config(config.get("config", {}), safe_mode=safe_mode)
    return cls.from_config(config.get("config", {}))


get = deserialize
