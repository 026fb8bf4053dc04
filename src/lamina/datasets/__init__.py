"""Keras-compatible dataset loaders: download, cache, verify, parse.

Each loader is a submodule with a ``load_data`` function, as in Keras::

    from lamina.datasets import boston_housing
    (x_train, y_train), (x_test, y_test) = boston_housing.load_data()

Downloads are cached in ``~/.lamina/datasets``; set ``LAMINA_HOME`` to use
``$LAMINA_HOME/datasets`` instead. Offline, copy the file to the path named in
the error message, or pass a local copy with ``load_data(path=...)``.
"""
import importlib

from ._download import DownloadError, get_file, lamina_home

_LOADERS = {"boston_housing", "cifar10", "cifar100", "fashion_mnist", "imdb", "mnist", "reuters"}

__all__ = ["DownloadError", "boston_housing", "cifar10", "cifar100", "fashion_mnist", "get_file",
           "imdb", "lamina_home", "mnist", "reuters"]


def __getattr__(name):
    # Loaders are imported on first use so `import lamina.datasets` stays cheap.
    if name in _LOADERS:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _LOADERS)
