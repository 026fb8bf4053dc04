"""Turning functions into config entries and back, safely; the ``safe_mode`` in force.

``safe_mode`` is kept per thread: a trusted ``load_model(..., safe_mode=False)`` in one
thread never lets another thread's load run code stored in its file. Every thread starts
in safe mode.
"""
import contextlib
import threading

_STATE = threading.local()  # .safe_mode: this thread's stack of safe_mode_scope values


def _safe_mode_stack():
    stack = getattr(_STATE, "safe_mode", None)
    if stack is None:
        stack = _STATE.safe_mode = []
    return stack


@contextlib.contextmanager
def safe_mode_scope(safe_mode=True):
    """Within this block (in this thread), deserializing code follows ``safe_mode``
    (refused when True)."""
    stack = _safe_mode_stack()
    stack.append(bool(safe_mode))
    try:
        yield
    finally:
        stack.pop()


def in_safe_mode():
    """The innermost ``safe_mode_scope``'s value in this thread; True outside any."""
    stack = _safe_mode_stack()
    return stack[-1] if stack else True


def scoped_safe_mode():
    """The innermost ``safe_mode_scope``'s value in this thread, or None outside any."""
    stack = _safe_mode_stack()
    return stack[-1] if stack else None


def unknown_name(kind, name, valid):
    """The error for a name that is none of ``valid``: it names the close matches."""
    import difflib
    valid = sorted(set(valid))
    close = difflib.get_close_matches(str(name), valid, n=3, cutoff=0.6)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return ValueError(f"Unknown {kind} {name!r}.{hint} Valid names: {', '.join(valid)} (or "
                      "pass your own in custom_objects / register it with "
                      "@lamina.saving.register_keras_serializable())")


def refusal(what):
    """The error for code stored in a file while ``safe_mode`` is on."""
    return ValueError(
        f"Refusing to load {what}: deserializing code can run arbitrary code. If you trust "
        "the file, pass safe_mode=False, or give the function in custom_objects={name: "
        "function} (or register it with @lamina.saving.register_keras_serializable()).")


def serialize_callable(fn):
    """A config entry for a user's function: the name it is registered under
    (``"package>name"``, else its own name), its module, and its source as text."""
    import inspect

    from lamina.utils.object_registration import get_registered_name
    try:
        source = inspect.getsource(fn)
    except (OSError, TypeError):
        source = None
    name = get_registered_name(fn) or getattr(fn, "__name__", None) or repr(fn)
    return {"module": getattr(fn, "__module__", None), "class_name": "function",
            "config": name, "registered_name": "function", "source": source}


def deserialize_callable(config, safe_mode=None, custom_objects=None):
    """The function named by ``config``: looked up in ``custom_objects``, the active custom
    object scopes, the registry (``"package>name"``, or its bare name) or lamina's own
    functions; else rebuilt from the file.

    Rebuilding code from a file (a function's source, a Keras marshalled lambda) is refused
    while ``safe_mode`` is True, as Keras does (``None``: as this thread's enclosing
    ``safe_mode_scope`` says, True outside any).
    """
    if callable(config):
        return config
    if safe_mode is None:
        safe_mode = in_safe_mode()
    entry = config if isinstance(config, dict) else {"config": config}
    is_lambda = entry.get("class_name") == "__lambda__"
    name = "<lambda>" if is_lambda else entry.get("config")
    if not isinstance(name, str):
        name = repr(name)
    if not is_lambda:
        found = find_function(name, entry, custom_objects)
        if found is not None:
            return found
    if safe_mode:
        raise refusal("a lambda" if is_lambda else f"the function {name!r}")
    if is_lambda:
        return load_keras_lambda(entry.get("config") or {})
    import importlib
    module = entry.get("module")
    bare = bare_name(name)
    if module and module not in ("__main__", "builtins") and bare != "<lambda>":
        try:
            return getattr(importlib.import_module(module), bare)
        except (ImportError, AttributeError):
            if not entry.get("source"):
                raise
    source = entry.get("source")
    if not source:
        raise ValueError(f"Cannot rebuild the function {name!r}: no module or source saved")
    if bare == "<lambda>":
        return _eval_lambda(source)
    scope = {}
    exec(compile(source, "<lamina-config>", "exec"), scope)
    return scope[bare]


def find_function(name, entry=None, custom_objects=None, builtins=True):
    """A function stored under ``name`` without running anything from the file, or None:
    given in ``custom_objects``, a scope or the registry, else (``builtins``) lamina's own
    activation or loss function of that name when the entry names no user module."""
    from lamina.utils.object_registration import builtin_function, get_registered_object
    entry = entry or {}
    found = get_registered_object(name, custom_objects)
    if found is None and bare_name(name) != name:  # "package>name", given back as "name"
        found = get_registered_object(bare_name(name), custom_objects)
    registered = entry.get("registered_name")
    if found is None and registered not in (None, "function"):
        found = get_registered_object(registered, custom_objects)
    module = entry.get("module")
    if found is None and builtins and (module in (None, "builtins") or str(module).startswith(
            ("keras.", "lamina.")) or module in ("keras", "lamina")):
        found = builtin_function(name)
    return found


def bare_name(name):
    """``"package>name"`` without its package (``"<lambda>"`` stays as it is)."""
    return name if name.startswith("<") else name.split(">", 1)[-1]


def load_keras_lambda(config):
    """A lambda Keras saved as base64 marshalled bytecode (same Python version only):
    ``{"code", "defaults", "closure"}`` (a Lambda layer) or ``{"value": [code, defaults,
    closure]}`` (``serialize_keras_object``). Runs code: callers check ``safe_mode``."""
    import base64
    import marshal
    import types
    value = config.get("value") if isinstance(config, dict) else None
    if isinstance(value, (list, tuple)) and value:
        code, defaults, closure = (list(value) + [None, None])[:3]
    elif isinstance(config, dict):
        code, defaults, closure = config.get("code"), config.get("defaults"), config.get("closure")
    else:
        code = defaults = closure = None
    try:
        code = marshal.loads(base64.b64decode(code))
    except (ValueError, EOFError, TypeError) as e:
        raise ValueError(f"Cannot rebuild a Keras lambda: its bytecode does not load ({e}); "
                         "it was probably saved by another Python version") from e
    if not isinstance(code, types.CodeType):
        raise ValueError("Cannot rebuild a Keras lambda: its 'code' is not Python bytecode")
    cells = tuple(types.CellType(v) for v in closure) if closure else None
    return types.FunctionType(code, {"__builtins__": __builtins__}, code.co_name,
                              tuple(defaults) if defaults else None, cells)


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
    config, registered_name}``. A user's own class keeps its module and its registered
    name (its class name unless registered), so loading it asks for ``custom_objects``."""
    from lamina.utils.object_registration import get_registered_name
    cls = type(obj)
    return {"module": module if builtin else cls.__module__, "class_name": cls.__name__,
            "config": obj.get_config(),
            "registered_name": None if builtin else get_registered_name(cls)}


def function_config(module, name):
    """Keras 3's config entry for a named function (a loss or metric function)."""
    return {"module": module, "class_name": "function", "config": name,
            "registered_name": name}
