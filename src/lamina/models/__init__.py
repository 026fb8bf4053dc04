"""Models: Sequential and the training loop (compile / fit / evaluate / predict)."""
from lamina.models.cloning import clone_model
from lamina.models.functional import Functional
from lamina.models.model import Model
from lamina.models.sequential import Sequential
from lamina.saving.saving_api import save_model  # noqa: F401  (keras.models.save_model)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """A model saved by ``model.save`` (``.keras``) or by Keras 2 (``.h5``); see
    ``lamina.saving.load_model``."""
    from lamina.saving import load_model as _load
    return _load(filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)


def model_from_json(json_string, custom_objects=None):
    """A model (freshly initialized weights) from ``model.to_json()``."""
    from lamina.saving import model_from_json as _from_json
    return _from_json(json_string, custom_objects=custom_objects)


__all__ = ["Functional", "Model", "Sequential", "clone_model", "load_model", "model_from_json"]
