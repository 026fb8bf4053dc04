"""List lamina's public import paths: one line per importable ``module:name``.

Usage: ``python tools/public_api.py > tests/fixtures/public_api.txt`` records the listing;
``tests/test_house.py`` checks that every line recorded there is still importable, so a
move inside the package never breaks a user's import.

Public means: every module under ``src/lamina`` whose dotted path has no part starting
with ``_``, and in it every name not starting with ``_`` that is not a module and is
either defined in lamina (its ``__module__`` starts with ``lamina``) or a plain value
(a constant such as a number, string, tuple or dict).
"""
import importlib
import inspect
import sys
import types
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"


def public_modules(src=SRC):
    names = []
    for path in sorted((src / "lamina").rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if any(p.startswith("_") for p in parts) or parts[-1] == "__main__":
            continue
        names.append(".".join(parts))
    return names


def _is_public_value(value):
    if isinstance(value, types.ModuleType):
        return False
    if callable(value) or inspect.isclass(value):
        return (getattr(value, "__module__", None) or "").startswith("lamina")
    return isinstance(value, (bool, int, float, str, tuple, frozenset, dict, list, set))


def listing(modules=None):
    lines = []
    for mod_name in modules or public_modules():
        mod = importlib.import_module(mod_name)
        names = getattr(mod, "__all__", None) or [n for n in vars(mod) if not n.startswith("_")]
        lazy = getattr(mod, "_LAZY", None) or {}
        for name in sorted(set(names) | set(n for n in lazy if not n.startswith("_"))):
            if name in lazy or _is_public_value(getattr(mod, name, None)):
                lines.append(f"{mod_name}:{name}")
    return lines


if __name__ == "__main__":
    sys.path.insert(0, str(SRC))
    print("\n".join(listing()))
