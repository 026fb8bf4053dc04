"""Turning functions into config entries and back, safely."""


def serialize_callable(fn):
    """A config entry for a user's function: its module and name, and its source as text."""
    import inspect
    try:
        source = inspect.getsource(fn)
    except (OSError, TypeError):
        source = None
    return {"module": getattr(fn, "__module__", None), "class_name": "function",
            "config": getattr(fn, "__name__", repr(fn)), "registered_name": "function",
            "source": source}


def deserialize_callable(config, safe_mode=True, custom_objects=None):
    """The function named by ``config``: looked up in ``custom_objects`` or its module.

    Running code from a file is refused while ``safe_mode`` is True, as Keras does.
    """
    if callable(config):
        return config
    name = config.get("config") if isinstance(config, dict) else config
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if safe_mode:
        raise ValueError(
            f"Refusing to load the function {name!r}: deserializing code can run arbitrary "
            "code. If you trust the file, pass safe_mode=False, or give the function in "
            "custom_objects={name: function}.")
    import importlib
    module = config.get("module") if isinstance(config, dict) else None
    if module and module != "__main__" and name != "<lambda>":
        return getattr(importlib.import_module(module), name)
    source = config.get("source") if isinstance(config, dict) else None
    if not source:
        raise ValueError(f"Cannot rebuild the function {name!r}: no module or source saved")
    if name == "<lambda>":
        return _eval_lambda(source)
    scope = {}
    exec(compile(source, "<lamina-config>", "exec"), scope)
    return scope[name]


def _eval_lambda(source):
    """The first complete ``lambda`` expression in a line of source code."""
    text = source[source.index("lambda"):].strip()
    for end in range(len(text), 0, -1):
        try:
            return eval(compile(text[:end], "<lamina-config>", "eval"), {})
        except SyntaxError:
            continue
    raise ValueError(f"Cannot rebuild a lambda from its source {source!r}")


def object_config(obj, module, builtin=True):
    """Keras 3's config entry for an object with ``get_config``: ``{module, class_name,
    config, registered_name}``. A user's own class keeps its module and is registered
    under its class name, so loading it asks for ``custom_objects``."""
    cls = type(obj)
    return {"module": module if builtin else cls.__module__, "class_name": cls.__name__,
            "config": obj.get_config(), "registered_name": None if builtin else cls.__name__}


def function_config(module, name):
    """Keras 3's config entry for a named function (a loss or metric function)."""
    return {"module": module, "class_name": "function", "config": name,
            "registered_name": name}
