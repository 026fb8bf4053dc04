"""Small utilities shared across lamina, and Keras 3's ``keras.utils`` names:
``to_categorical``, ``normalize``, ``pad_sequences``, ``set_random_seed``, ``plot_model``,
``register_keras_serializable``, ``serialize_keras_object`` and their friends.

>>> from lamina.utils import to_categorical, pad_sequences
"""
from lamina.backend import set_random_seed
from lamina.utils.numerical_utils import normalize, to_categorical
from lamina.utils.object_registration import (  # noqa: F401  (keras.utils's names)
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from lamina.utils.sequence_utils import pad_sequences
from lamina.utils.serialization_lib import (  # noqa: F401
    deserialize_keras_object,
    serialize_keras_object,
)


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False,
               show_layer_names=True, rankdir="TB", expand_nested=False, dpi=200,
               show_layer_activations=False, show_trainable=False, **kwargs):
    """Draw a model's graph to an image (needs ``lamina[plot]``); see ``lamina.utils.plot``."""
    from lamina.utils.plot import plot_model as _plot
    return _plot(model, to_file=to_file, show_shapes=show_shapes, show_dtype=show_dtype,
                 show_layer_names=show_layer_names, rankdir=rankdir,
                 expand_nested=expand_nested, dpi=dpi,
                 show_layer_activations=show_layer_activations, show_trainable=show_trainable,
                 **kwargs)


def model_to_dot(model, **kwargs):
    """A model's graph as a ``pydot.Dot`` (needs ``lamina[plot]``)."""
    from lamina.utils.plot import model_to_dot as _to_dot
    return _to_dot(model, **kwargs)


__all__ = ["CustomObjectScope", "custom_object_scope", "deserialize_keras_object",
           "get_custom_objects", "get_registered_name", "get_registered_object",
           "model_to_dot", "normalize", "pad_sequences", "plot_model",
           "register_keras_serializable", "serialize_keras_object", "set_random_seed",
           "to_categorical"]
