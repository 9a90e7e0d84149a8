"""The architecture, kept: imports only go down the layers (README, "Architecture"), no module
imports one that imports it back, no import hides inside a function, and a production install
imports no simulator.

Read from the source with `ast`, so it sees every import, at the top of a module or not.
"""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Bottom first. A module may import its own package and the packages of lower floors.
LAYERS = [
    "panel",
    "simulator",
    "smmdash",
    "accounts",
    "providers",
    "rates",
    "scores",
    "compare",
    "orders",
    "shops",
    "spend",
    "alerts",
    "dashboard",
    "demo",
]
# The URL root and the servers' entry points wire every app together: they are the roof.
ROOF = {"smmdash.urls", "smmdash.wsgi", "smmdash.asgi"}


def project_modules():
    """{module name: parsed source} for every module of the layered packages, migrations left
    out (they name other apps' migrations as strings, and are history)."""
    found = {}
    for package in LAYERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = ast.parse(path.read_text(), filename=str(path))
    return found


MODULES = project_modules()


def imported_by(name, tree):
    """(imported module, line, inside a function's name or None) for each import in `tree`."""
    found = []

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            inner = (
                child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else None
            )
            if isinstance(child, ast.Import):
                found.extend((alias.name, child.lineno, function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                for alias in child.names:
                    # "from panel import client" imports panel.client, when that is a module.
                    full = f"{child.module}.{alias.name}"
                    found.append(
                        (full if full in MODULES else child.module, child.lineno, function)
                    )
            visit(child, inner or function)

    visit(tree, None)
    return [(module, line, function) for module, line, function in found if _ours(module)]


def _ours(module):
    return module.split(".")[0] in LAYERS


def layer_of(module):
    if module in ROOF:
        return len(LAYERS)
    return LAYERS.index(module.split(".")[0])


EDGES = {name: imported_by(name, tree) for name, tree in MODULES.items()}


def test_imports_only_go_down_the_layers():
    upward = [
        f"{name}:{line} imports {module} ({module.split('.')[0]} is above {name.split('.')[0]})"
        for name, imports in EDGES.items()
        for module, line, _ in imports
        if layer_of(module) > layer_of(name)
    ]
    assert upward == []


def test_no_import_hides_inside_a_function():
    # AppConfig.ready() is where Django wants signal receivers and checks registered.
    hidden = [
        f"{name}:{line} imports {module} inside {function}()"
        for name, imports in EDGES.items()
        for module, line, function in imports
        if function is not None and function != "ready"
    ]
    assert hidden == []


def test_no_module_imports_one_that_imports_it_back():
    graph = {
        name: {module for module, _, _ in imports if module in MODULES}
        for name, imports in EDGES.items()
    }
    cycles = []
    state = {}

    def walk(node, path):
        state[node] = "open"
        for target in sorted(graph.get(node, ())):
            if target == node or (target.startswith(node + ".") and target in graph.get(node, ())):
                continue  # a package importing its own modules (its __init__) is not a cycle
            if state.get(target) == "open":
                cycles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in state:
                walk(target, [*path, target])
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            walk(name, [name])
    assert cycles == []


@pytest.mark.parametrize("package", ["panel", "simulator"])
def test_the_bottom_floor_imports_no_django(package):
    offenders = [
        f"{name} imports {module}"
        for name, tree in MODULES.items()
        if name.split(".")[0] == package
        for module in _all_imports(tree)
        if module.split(".")[0] == "django"
    ]
    assert offenders == []


def _all_imports(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_a_production_install_imports_no_simulator():
    code = (
        "import sys, django; django.setup()\n"
        "import smmdash.urls, smmdash.celery\n"
        "from django.apps import apps\n"
        "from django.core.management import get_commands\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('simulator', 'demo')]\n"
        "print(loaded, 'runsimulator' in get_commands(), apps.is_installed('demo'))\n"
    )
    env = {
        **{key: value for key, value in os.environ.items() if key not in ("DEBUG", "DEMO")},
        "DJANGO_SETTINGS_MODULE": "smmdash.settings",
        "ENV_FILE": os.devnull,
        "DEBUG": "false",
        "SECRET_KEY": "layers-" + "x" * 50,
        "ALLOWED_HOSTS": "smmdash.example.com",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[] False False"


def test_every_module_says_what_it_is_for():
    silent = [
        name
        for name, tree in MODULES.items()
        if tree.body and not ast.get_docstring(tree) and name.rsplit(".", 1)[-1] != "commands"
    ]
    assert silent == []


def names_bound(tree):
    """The names a module binds at its top level: defined, assigned or imported."""
    bound = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            bound.update(t.id for t in targets if isinstance(t, ast.Name))
    return bound


def declared_all(tree):
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            return ast.literal_eval(node.value)
    return []


def test_every_name_a_package_exports_is_there():
    # A name in __all__ that the module no longer imports (a merge can drop the line) fails
    # only when a caller reaches for it, as a server error.
    missing = [
        f"{name}.{exported}"
        for name, tree in MODULES.items()
        for exported in declared_all(tree)
        if exported not in names_bound(tree)
    ]
    assert not missing
