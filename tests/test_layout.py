"""The layout shows the pipeline: imports point forward only, no cycles, no private names across
modules, and only the package xltools/cli/ imports click (ARCHITECTURE.md)."""

import ast
import importlib
import pkgutil
from pathlib import Path

import xltools

ROOT = Path(xltools.__file__).parent
# Each stage may import the stages of lower rank; summary and score both read what collect wrote
# and stand side by side (neither imports the other). The public API, the
# command line (cli/, whose modules share one rank) and __main__ last.
RANK = {
    "core": 0,
    "plan": 1,
    "master": 2,
    "distribute": 3,
    "collect": 4,
    "summary": 5,
    "score": 5,
    "demo": 6,
    "__init__": 7,
    "cli": 8,
    "__main__": 9,
}
# Inside cli/ too: what every command shares, the year at a glance, one module per stage's
# commands (which never import each other), and the group that adds them all.
CLI_RANK = {"base": 0, "year": 1, "plan": 2, "rounds": 2, "reports": 2, "demo": 2, "__init__": 3}


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(path: Path) -> list[tuple[str, list[str], bool]]:
    """(module imported, names taken from it, at module level) for each import of ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, [], id(node) in top) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.module, [a.name for a in node.names], id(node) in top))
    return out


def stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_module_imports():
    names = [m.name for m in pkgutil.walk_packages(xltools.__path__, "xltools.")]
    assert set(names) | {"xltools"} == set(modules())
    for name in names:
        importlib.import_module(name)


def test_imports_point_forward_only():
    backward = []
    for name, path in modules().items():
        here = stage(name)
        for target, _, _ in imports(path):
            if not target.startswith("xltools.") or target == "xltools.__main__":
                continue
            there = stage(target)
            if there == here:
                continue
            if RANK[there] >= RANK[here]:
                backward.append(f"{name} imports {target}")
    assert backward == []


def test_the_command_line_reads_as_the_pipeline():
    def rank(module: str) -> int:
        parts = module.split(".")
        return CLI_RANK[parts[2] if len(parts) > 2 else "__init__"]

    known = modules()
    backward = []
    for name, path in known.items():
        if stage(name) != "cli":
            continue
        for target, taken, _ in imports(path):
            # `from xltools.cli import plan` imports the module xltools.cli.plan
            targets = [f"{target}.{t}" for t in taken if f"{target}.{t}" in known] or [target]
            backward += [
                f"{name} imports {t}"
                for t in targets
                if stage(t) == "cli" and rank(t) >= rank(name)
            ]
    assert backward == []


def test_no_import_cycle_between_modules():
    graph = {name: set() for name in modules()}
    for name, path in modules().items():
        for target, taken, _ in imports(path):
            if target in graph and target != name:
                graph[name].add(target)
            # `from xltools.collect import round` imports the module xltools.collect.round
            graph[name] |= {f"{target}.{t}" for t in taken if f"{target}.{t}" in graph}
    for name in graph:
        graph[name].discard("xltools")  # the package itself: re-exports, imported by nothing inside
    cycles = []

    def visit(node, path, done):
        for nxt in sorted(graph[node]):
            if nxt in path:
                cycles.append(" -> ".join([*path[path.index(nxt) :], nxt]))
            elif nxt not in done:
                done.add(nxt)
                visit(nxt, [*path, nxt], done)

    done: set[str] = set()
    for name in sorted(graph):
        if name not in done:
            done.add(name)
            visit(name, [name], done)
    assert cycles == []


def test_no_private_name_imported_across_modules():
    private = [
        f"{name}: {target}.{t}"
        for name, path in modules().items()
        for target, taken, _ in imports(path)
        if target.startswith("xltools")
        for t in taken
        if t.startswith("_") and not t.startswith("__") and t != "_"  # _: gettext's, by convention
    ]
    assert private == []


def test_only_cli_imports_click():
    users = [
        name
        for name, path in modules().items()
        if any(t == "click" or t.startswith("click.") for t, _, _ in imports(path))
    ]
    assert users and {stage(name) for name in users} == {"cli"}
