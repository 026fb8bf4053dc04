"""Turning functions into config entries and back, safely."""
import contextlib

_SAFE_MODE = [True]  # the innermost safe_mode_scope's value (loading a model sets it)


@contextlib.contextmanager
def safe_mode_scope(safe_mode=True):
    """Within this block, deserializing code follows ``safe_mode`` (refused when True)."""
    _SAFE_MODE.append(bool(safe_mode))
    try:
        yield
    finally:
        _SAFE_MODE.pop()


def in_safe_mode():
    return _SAFE_MODE[-1]


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


def deserialize_callable(config, safe_mode=None, custom_objects=None):
    """The function named by ``config``: looked up in ``custom_objects`` or its module.

    Running code from a file is refused while ``safe_mode`` is True, as Keras does
    (``None``: as the enclosing ``safe_mode_scope`` says, True outside any).
    """
    if callable(config):
        return config
    if safe_mode is None:
        safe_mode = in_safe_mode()
    name = config.get("config") if isinstance(config, dict) else config
    if isinstance(config, dict) and config.get("class_name") == "__lambda__":
        name = "<lambda>"  # Keras 3 stores a lambda as marshalled bytecode
    if not isinstance(name, str):
        name = repr(name)
    from lamina.utils.object_registration import get_registered_object
    found = get_registered_object(name, custom_objects)
    if found is None and isinstance(config, dict):
        found = get_registered_object(config.get("registered_name"), custom_objects)
    if found is not None:
        return found
    if safe_mode:
        raise ValueError(
            f"Refusing to load the function {name!r}: deserializing code can run arbitrary "
            "code. If you trust the file, pass safe_mode=False, or give the function in "
            "custom_objects={name: function}.")
    if isinstance(config, dict) and config.get("class_name") == "__lambda__":
        return _load_keras_lambda(config.get("config") or {})
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


def _load_keras_lambda(config):
    """A lambda Keras 3 saved as base64 marshalled bytecode (same Python version only)."""
    import base64
    import marshal
    import types
    try:
        code = marshal.loads(base64.b64decode(config["code"]))
    except (KeyError, ValueError, EOFError, TypeError) as e:
        raise ValueError(f"Cannot rebuild a Keras lambda: its bytecode does not load ({e}); "
                         "it was probably saved by another Python version") from e
    defaults = config.get("defaults")
    return types.FunctionType(code, {"__builtins__": __builtins__}, code.co_name,
                              tuple(defaults) if defaults else None)


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
