"""Import rules that keep the layers apart: nothing in the ``supervision`` package builds the app
(the entry points beside it do: ``wsgi``, ``worker``), and a few back-pointing imports stay cut."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "supervision"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[str, str | None]]:
    """(module, name) for every import in the file, wherever it stands (functions included)."""
    out: list[tuple[str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module
            if node.level:  # relative: resolve against the file's package
                pkg = module_name(path).split(".")
                pkg = pkg if path.name == "__init__.py" else pkg[:-1]
                base = ".".join(pkg[:len(pkg) - node.level + 1] + [node.module])
            out += [(base, alias.name) for alias in node.names]
    return out


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def test_the_modules_are_found():
    assert {"supervision", "supervision.jobs.runners", "supervision.policies"} <= set(MODULES)


def uses_create_app(source: str) -> bool:
    """Imports ``create_app`` or names it (``supervision.create_app()``, a lazy import)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and any(a.name == "create_app" for a in node.names):
            return True
        if isinstance(node, ast.Attribute) and node.attr == "create_app":
            return True
        if isinstance(node, ast.Name) and node.id == "create_app":
            return True
    return False


def test_the_check_sees_the_ways_of_building_the_app():
    assert uses_create_app("def f():\n    from supervision import create_app\n    return create_app()")
    assert uses_create_app("import supervision\napp = supervision.create_app()")
    assert not uses_create_app("def create_app():\n    pass")


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_of_the_package_builds_the_app(name):
    assert not uses_create_app(MODULES[name].read_text(encoding="utf-8")), (
        f"{name} uses create_app: only the entry points beside the package (wsgi, worker) build the app")


def test_the_entry_points_beside_the_package_build_it():
    for entry in ("wsgi.py", "worker.py"):
        assert ("supervision", "create_app") in imports(ROOT / entry), entry


def direct_imports(name: str) -> set[str]:
    """The package modules ``name`` imports (``from pkg import mod`` counts as ``pkg.mod``)."""
    out = set()
    for mod, what in imports(MODULES[name]):
        if what and f"{mod}.{what}" in MODULES:
            out.add(f"{mod}.{what}")
        elif mod in MODULES:
            out.add(mod)
    return out


@pytest.mark.parametrize("importer, imported", [
    ("supervision.policies", "supervision.audit"),          # denials are recorded by the audit package
    ("supervision.documents.views", "supervision.cases.views"),
    ("supervision.registry.views", "supervision.cases.views"),
    ("supervision.jobs.periodic", "supervision.jobs.runners"),
    ("supervision.jobs.runners", "supervision.jobs.services"),
    ("supervision.jobs.execution", "supervision.jobs.runners"),
    ("supervision.jobs.execution", "supervision.jobs.services"),
])
def test_back_pointing_imports_stay_cut(importer, imported):
    found = {m for m in direct_imports(importer) if m == imported or m.startswith(imported + ".")}
    assert found == set(), f"{importer} imports {sorted(found)}"


def test_the_jobs_modules_import_each_other_without_a_cycle():
    jobs = {n for n in MODULES if n.startswith("supervision.jobs.")}
    graph = {n: direct_imports(n) & jobs for n in jobs}
    seen: dict[str, int] = {}

    def visit(node: str, path: tuple[str, ...]) -> None:
        assert node not in path, " -> ".join(path + (node,))
        if seen.get(node):
            return
        for nxt in graph[node]:
            visit(nxt, path + (node,))
        seen[node] = 1

    for node in sorted(graph):
        visit(node, ())
