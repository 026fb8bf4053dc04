"""Finding classes by the names config files store: custom objects, registration and
lamina's own built-in classes.

A user's class is written into a config under its registered name (``"Custom>MyLayer"``,
as Keras 3 writes it); loading finds it through ``custom_objects``, an active
``custom_object_scope`` or ``register_keras_serializable``.

lamina's own layer and model classes register themselves here when they are defined
(``Layer.__init_subclass__``), so saving finds them by class name without importing the
floors above it; a name not yet registered makes the table import lamina's built-in
modules by name first (``_BUILTIN_MODULES``), as Keras's object lookup does.
"""
import contextlib
import importlib
import threading

_GLOBAL_CUSTOM_OBJECTS = {}   # registered name ("package>name") -> class or function
_GLOBAL_CUSTOM_NAMES = {}     # class or function -> registered name
_STATE = threading.local()    # .scopes: this thread's active custom_object_scope() dicts


def _scopes():
    """This thread's custom object scopes (as in Keras, a scope is seen by its own thread)."""
    scopes = getattr(_STATE, "scopes", None)
    if scopes is None:
        scopes = _STATE.scopes = []
    return scopes


def register_keras_serializable(package="Custom", name=None):
    """Register a class (or function) so that saved models find it by name when loading.

    >>> @register_keras_serializable(package="my_pkg")
    ... class Scale(lamina.layers.Layer):
    ...     ...
    >>> get_registered_name(Scale)
    'my_pkg>Scale'
    """
    def decorator(obj):
        key = f"{package}>{name or obj.__name__}"
        if isinstance(obj, type) and not hasattr(obj, "get_config"):
            raise ValueError(f"register_keras_serializable: {obj.__name__} must implement "
                             "get_config() to be serializable")
        _GLOBAL_CUSTOM_OBJECTS[key] = obj
        _GLOBAL_CUSTOM_NAMES[obj] = key
        return obj
    return decorator


def get_custom_objects():
    """The global registry (registered name -> object); entries added here are found by
    loaders too, as in Keras."""
    return _GLOBAL_CUSTOM_OBJECTS


def get_registered_name(obj):
    """The name ``obj`` is stored under: its registered name, else its own name."""
    return _GLOBAL_CUSTOM_NAMES.get(obj, getattr(obj, "__name__", None))


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The object registered or given under ``name``, or None.

    Looks in ``custom_objects``, then the active ``custom_object_scope``s, then the
    global registry, then ``module_objects``.
    """
    if name is None:
        return None
    for table in (custom_objects or {}, *reversed(_scopes()), _GLOBAL_CUSTOM_OBJECTS,
                  module_objects or {}):
        if name in table:
            return table[name]
    return None


def custom_objects_in_scope():
    """All custom objects currently given by scopes and registration, as one dict."""
    out = dict(_GLOBAL_CUSTOM_OBJECTS)
    out.update({key.split(">", 1)[-1]: obj for key, obj in _GLOBAL_CUSTOM_OBJECTS.items()})
    for scope in _scopes():
        out.update(scope)
    return out


@contextlib.contextmanager
def custom_object_scope(custom_objects):
    """Make ``custom_objects`` (name -> class or function) visible to every loader inside.

    >>> with custom_object_scope({"Scale": Scale}):
    ...     model = lamina.models.load_model("m.keras")
    """
    scopes = _scopes()
    scopes.append(dict(custom_objects or {}))
    try:
        yield
    finally:
        scopes.pop()


CustomObjectScope = custom_object_scope


# --- lamina's built-in classes -----------------------------------------------------------
# The modules whose namespaces hold every built-in class a config can name (aliases such as
# "Convolution2D" included), imported by name on first use, as Keras's object lookup does:
# this floor imports nothing above it, and a file loads right after ``import lamina``.
_BUILTIN_MODULES = ("lamina.layers", "lamina.models")
_BUILTIN_CLASSES = {}   # name a config stores ("Dense", "Sequential") -> class; filled once


def builtin_classes():
    """{name: class} for lamina's layer and model classes, as config files name them."""
    if not _BUILTIN_CLASSES:
        table = {}
        for module in _BUILTIN_MODULES:
            table.update({name: obj for name, obj in
                          vars(importlib.import_module(module)).items()
                          if isinstance(obj, type) and hasattr(obj, "get_config")})
        _BUILTIN_CLASSES.update(table)
    return _BUILTIN_CLASSES


def builtin_class(name):
    """lamina's built-in class stored under ``name`` ("Dense", "Sequential"), or None."""
    return builtin_classes().get(name) if isinstance(name, str) else None


# lamina's own functions a config may name with module "builtins" (how Keras 3 writes any
# function): activations, then loss functions. Tables read by name, as above.
_BUILTIN_FUNCTION_TABLES = (("lamina.activations", "ALL"), ("lamina.losses", "ALL_OBJECTS_DICT"))


def builtin_function(name):
    """lamina's own activation or loss function called ``name`` ("relu", "mse"), or None."""
    if not isinstance(name, str):
        return None
    for module, table in _BUILTIN_FUNCTION_TABLES:
        obj = getattr(importlib.import_module(module), table, {}).get(name)
        if obj is not None and not isinstance(obj, type) and callable(obj):
            return obj
    return None


def is_builtin_class(cls):
    """Whether ``cls`` is one of lamina's own classes (written as ``keras.*`` in configs)."""
    return builtin_class(getattr(cls, "__name__", None)) is cls


def is_instance_of_builtin(obj, name):
    """``isinstance(obj, <lamina's class called name>)``, the class found by name."""
    cls = builtin_class(name)
    return cls is not None and isinstance(obj, cls)
