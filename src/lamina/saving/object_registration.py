"""Finding classes by the names config files store: custom objects and registration.

A user's class is written into a config under its registered name (``"Custom>MyLayer"``,
as Keras 3 writes it); loading finds it through ``custom_objects``, an active
``custom_object_scope`` or ``register_keras_serializable``.
"""
import contextlib

_GLOBAL_CUSTOM_OBJECTS = {}   # registered name ("package>name") -> class or function
_GLOBAL_CUSTOM_NAMES = {}     # class or function -> registered name
_SCOPES = []                  # dicts of custom objects from active custom_object_scope()s


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
    for table in (custom_objects or {}, *reversed(_SCOPES), _GLOBAL_CUSTOM_OBJECTS,
                  module_objects or {}):
        if name in table:
            return table[name]
    return None


def custom_objects_in_scope():
    """All custom objects currently given by scopes and registration, as one dict."""
    out = dict(_GLOBAL_CUSTOM_OBJECTS)
    out.update({key.split(">", 1)[-1]: obj for key, obj in _GLOBAL_CUSTOM_OBJECTS.items()})
    for scope in _SCOPES:
        out.update(scope)
    return out


@contextlib.contextmanager
def custom_object_scope(custom_objects):
    """Make ``custom_objects`` (name -> class or function) visible to every loader inside.

    >>> with custom_object_scope({"Scale": Scale}):
    ...     model = lamina.models.load_model("m.keras")
    """
    _SCOPES.append(dict(custom_objects or {}))
    try:
        yield
    finally:
        _SCOPES.pop()


CustomObjectScope = custom_object_scope
