"""The import graph of ``src/lamina``: cycles among module-level imports.

Usage: ``python tools/import_graph.py`` prints every cycle (as the strongly connected
components of the graph) and exits 1 if there is one; ``--floors`` also prints which
packages each package imports; ``--edges`` lists the edges inside each cycle. Every
import counts, also one inside a function: a lazy import does not remove a cycle between
two modules, it only hides it until the function runs, and the floors of
``docs/design.md`` only hold if nothing reaches upward at all.
Imports under ``if TYPE_CHECKING:`` are not edges. ``tests/test_house.py`` runs the check.
"""
import ast
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"


def module_files(src=SRC):
    """{dotted module name: path} for every module under src/lamina."""
    out = {}
    for path in sorted((src / "lamina").rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports(tree):
    """Every import node, wherever it stands, except under ``if TYPE_CHECKING:``."""
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for b in node.body for n in ast.walk(b))
    return [n for n in ast.walk(tree)
            if isinstance(n, (ast.Import, ast.ImportFrom)) and id(n) not in skip]


def _with_parents(name, modules):
    """Importing a.b.c runs a, a.b and a.b.c."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)
            if ".".join(parts[:i]) in modules]


def import_graph(src=SRC):
    """{module: set of lamina modules it imports}."""
    modules = module_files(src)
    graph = {}
    for name, path in modules.items():
        is_pkg = path.name == "__init__.py"
        package = name if is_pkg else name.rpartition(".")[0]
        edges, direct = set(), set()
        for node in _imports(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                if node.level:
                    base = package.split(".")
                    base = base[:len(base) - node.level + 1]
                    mod = ".".join(base + ([node.module] if node.module else []))
                else:
                    mod = node.module
                subs = [f"{mod}.{a.name}" for a in node.names if f"{mod}.{a.name}" in modules]
                # names that are not submodules come from the package's __init__ itself
                targets = subs + ([mod] if len(subs) < len(node.names) else [])
            for t in targets:
                if t and t.startswith("lamina"):
                    edges.update(_with_parents(t, modules))
                    direct.add(t)
        edges.discard(name)
        # the packages above a module are already loading when it runs, so passing
        # through them to a sibling is no cycle; taking a name from one of them is
        edges -= set(_with_parents(name, modules)) - direct
        graph[name] = edges
    return graph


def cycles(graph):
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            node, it = work[-1]
            for nxt in it:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter[0]
                    counter[0] += 1
                    stack.append(nxt)
                    on.add(nxt)
                    work.append((nxt, iter(sorted(graph.get(nxt, ())))))
                    break
                if nxt in on:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    comp = []
                    while True:
                        m = stack.pop()
                        on.discard(m)
                        comp.append(m)
                        if m == node:
                            break
                    if len(comp) > 1:
                        out.append(sorted(comp))
    return out


def main(argv):
    graph = import_graph()
    if "--floors" in argv:
        pkg = lambda m: ".".join(m.split(".")[:2])
        floors = {}
        for m, edges in graph.items():
            floors.setdefault(pkg(m), set()).update(pkg(e) for e in edges if pkg(e) != pkg(m))
        for p in sorted(floors):
            print(f"{p}: {', '.join(sorted(floors[p])) or '-'}")
    found = cycles(graph)
    for comp in found:
        print(f"import cycle ({len(comp)} modules): " + ", ".join(comp))
        if "--edges" in argv:
            inside = set(comp)
            for m in comp:
                for e in sorted(graph[m] & inside):
                    print(f"    {m} -> {e}")
    if not found:
        print(f"no import cycle among {len(graph)} modules")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
