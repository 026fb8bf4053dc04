"""lamina: Keras-style deep learning on NumPy with its own reverse-mode autodiff.

Submodules are imported on first use, so ``import lamina`` stays fast::

    import lamina
    model = lamina.Sequential([lamina.layers.Dense(1, input_shape=(13,))])
"""
import importlib

__version__ = "0.1.0"

_SUBMODULES = {
    "activations", "applications", "autodiff", "backend", "callbacks", "constraints", "datasets",
    "initializers", "kerasr", "layers", "losses", "metrics", "models", "ops",
    "optimizers", "preprocessing", "random", "regularizers", "rnn", "saving", "utils",
}
_ATTRS = {
    "Tensor": "lamina.autodiff",
    "no_grad": "lamina.autodiff",
    "Sequential": "lamina.models",
    "Model": "lamina.models",
    "Input": "lamina.layers",
}


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"lamina.{name}")
    if name in _ATTRS:
        return getattr(importlib.import_module(_ATTRS[name]), name)
    raise AttributeError(f"module 'lamina' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _SUBMODULES | set(_ATTRS))
