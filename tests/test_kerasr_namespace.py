"""docs/kerasr.md maps every kerasR export to lamina.kerasr; every name it lists imports."""
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "docs" / "kerasr.md"
NAMESPACE = ROOT / "tests" / "fixtures" / "kerasr_namespace.txt"
ROW = re.compile(r"^\|\s*`(?P<r>[A-Za-z_][A-Za-z0-9_.]*)`\s*\|\s*(?P<py>[^|]*?)\s*\|")


def _namespace():
    lines = NAMESPACE.read_text().splitlines()
    return [s.strip() for s in lines if s.strip() and not s.startswith("#")]


def _rows():
    """(kerasR name, lamina.kerasr cell) for each table row of docs/kerasr.md."""
    rows = []
    for line in TABLE.read_text().splitlines():
        m = ROW.match(line)
        if m:
            rows.append((m["r"], m["py"].strip("` ")))
    return rows


def test_the_table_covers_kerasr_namespace_exactly():
    names = [r for r, _ in _rows()]
    assert len(names) == len(set(names)), "a kerasR name has two rows"
    exports = _namespace()
    assert len(exports) == len(set(exports)) == 118
    assert sorted(set(exports) - set(names)) == [], "kerasR exports missing from the table"
    assert sorted(set(names) - set(exports)) == [], "table rows that kerasR does not export"


@pytest.mark.parametrize("r_name, target", _rows())
def test_every_listed_name_imports_and_is_callable(r_name, target):
    module_name, _, attr = target.rpartition(".")
    assert module_name == "lamina.kerasr", f"{r_name}: second column must be lamina.kerasr.X"
    assert attr == r_name, f"{r_name}: lamina.kerasr keeps kerasR's name"
    obj = getattr(importlib.import_module(module_name), attr)
    assert callable(obj)


def test_star_import_gives_every_kerasr_name():
    scope = {}
    exec("from lamina.kerasr import *", scope)
    assert set(_namespace()) <= set(scope)
