"""The house rules of docs/design.md, checked: no import cycle, no module over 800 lines,
and every public import path recorded in tests/fixtures/public_api.txt still importable."""
import importlib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import import_graph  # noqa: E402

MAX_LINES = 800


def test_no_import_cycle():
    found = import_graph.cycles(import_graph.import_graph(ROOT / "src"))
    assert not found, "import cycles (run tools/import_graph.py --edges):\n" + "\n".join(
        ", ".join(c) for c in found)


def test_no_module_over_800_lines():
    long = {str(p.relative_to(ROOT)): n for p in sorted((ROOT / "src" / "lamina").rglob("*.py"))
            if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def _recorded():
    lines = (ROOT / "tests" / "fixtures" / "public_api.txt").read_text().split()
    return [line.split(":") for line in lines if line]


@pytest.mark.parametrize("module", sorted({m for m, _ in _recorded()}))
def test_public_import_paths_kept(module):
    mod = importlib.import_module(module)
    missing = [n for m, n in _recorded() if m == module and not hasattr(mod, n)]
    assert not missing, f"{module} lost public names: {missing}"


def test_cycle_finder_finds_a_cycle(tmp_path):
    pkg = tmp_path / "lamina"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def f():\n    from lamina import b\n")
    (pkg / "b.py").write_text("from lamina.a import f\n")
    (pkg / "c.py").write_text("from lamina import a\n")
    (pkg / "sub").mkdir()
    (pkg / "sub" / "__init__.py").write_text("from lamina.sub.x import g\n\ndef h():\n    pass\n")
    (pkg / "sub" / "x.py").write_text("def g():\n    from lamina.sub import h\n")
    (pkg / "sub" / "y.py").write_text("from lamina.sub.x import g\n")  # through the package: fine
    assert import_graph.cycles(import_graph.import_graph(tmp_path)) == [
        ["lamina.a", "lamina.b"], ["lamina.sub", "lamina.sub.x"]]
