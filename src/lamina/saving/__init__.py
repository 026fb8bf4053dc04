"""Saving and loading in Keras's formats: ``.keras`` (Keras 3), ``.weights.h5`` and Keras 2's
``.h5``. See docs/saving.md.

>>> model.save("m.keras")
>>> model = lamina.saving.load_model("m.keras")
"""
from lamina.saving.object_registration import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from lamina.saving.saving_api import (
    load_model,
    load_weights,
    model_from_json,
    model_to_json,
    save_model,
    save_weights,
)
from lamina.saving.serialization import deserialize_layer, serialize_layer
from lamina.utils.serialization_lib import deserialize_keras_object, serialize_keras_object

__all__ = ["CustomObjectScope", "custom_object_scope", "deserialize_keras_object",
           "deserialize_layer",
           "get_custom_objects", "get_registered_name", "get_registered_object",
           "load_model", "load_weights", "model_from_json", "model_to_json",
           "register_keras_serializable", "save_model", "save_weights", "serialize_keras_object",
           "serialize_layer"]
