"""The shape of the code: which module may import which, no cycles, one command registry.

Imports are read from the source (every import statement, those inside functions
included), so a lazy import that breaks a rule fails here as surely as one at the
top of a module.
"""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import dltrack
from dltrack.cli import COMMANDS, load

SRC = Path(dltrack.__file__).parent

# Where each module sits, by the longest matching prefix of its name.
LAYERS = {
    "dltrack": "base",
    "dltrack.__main__": "cli",
    "dltrack.errors": "base",
    "dltrack.text": "base",
    "dltrack.files": "base",
    "dltrack.paths": "base",
    "dltrack.hosts": "base",
    "dltrack.store": "store",
    "dltrack.linkcheck": "library",
    "dltrack.linkcheck.http11": "http11",
    "dltrack.importer": "library",
    "dltrack.learner": "core",
    "dltrack.group": "core",
    "dltrack.catalogue": "core",
    "dltrack.links": "core",
    "dltrack.session": "session",
    "dltrack.render": "render",
    "dltrack.cli": "cli",
}
# What each layer may import of dltrack (a library may always import itself).
MAY_IMPORT = {
    "base": {"dltrack.errors", "dltrack.lang"},  # lang imports nothing of dltrack
    "store": {"dltrack.errors", "dltrack.lang", "dltrack.store"},
    "library": {"dltrack.errors", "dltrack.text", "dltrack.hosts"},
    "http11": {"dltrack.linkcheck.http11", "dltrack.hosts"},  # our own HTTP/1.1 client
    "core": {"base", "store", "library", "http11", "core"},
    "session": {"base", "store", "core"},
    "render": {"base", "library", "core", "render"},
    "cli": {"base", "store", "library", "http11", "core", "session", "render", "cli"},
}
# Third-party libraries and the layers (or modules) allowed to use them.
THIRD_PARTY = {
    "typer": {"cli"},
    "rich": {"cli", "render"},
    "pydantic": {"dltrack.catalogue"},
    "pydantic_core": {"dltrack.catalogue"},
    "sqlmodel": {"dltrack.store.schema"},
    "sqlalchemy": {"dltrack.store.schema"},
    "httpx": {"dltrack.linkcheck.http"},  # one place owns HTTP
    "certifi": {"dltrack.linkcheck.http"},  # and the CA bundle of its connections
    # The study group's server: one module connects, one holds its schema.
    "psycopg": {"dltrack.group.server"},
}
THIRD_PARTY["sqlalchemy"] |= {
    "dltrack.group.server",
    "dltrack.group.serverschema",
    "dltrack.group.exchange",
}


def module_names() -> dict[str, Path]:
    """Every module of the package by dotted name."""
    found = {}
    for path in SRC.rglob("*.py"):
        parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = module_names()


def imports_of(path: Path) -> Iterator[tuple[str, int]]:
    """(imported module, line) for every import statement in a file, nested ones too."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}:{node.lineno}: relative import"
            if node.module is None or node.module == "__future__":
                continue
            yield node.module, node.lineno
            for alias in node.names:
                # `from dltrack.render import curator` imports the module dltrack.render.curator.
                if f"{node.module}.{alias.name}" in MODULES:
                    yield f"{node.module}.{alias.name}", node.lineno


def layer_of(module: str) -> str:
    """The layer of a dltrack module: the entry with the longest prefix of its name."""
    best = max(
        (prefix for prefix in LAYERS if module == prefix or module.startswith(prefix + ".")),
        key=len,
    )
    return LAYERS[best]


def within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def package_of(module: str) -> str:
    """The top package under dltrack: dltrack.linkcheck.http11.wire -> dltrack.linkcheck."""
    return ".".join(module.split(".")[:2])


def allowed(importer: str, imported: str) -> bool:
    layer = layer_of(importer)
    if layer == "library" and package_of(imported) == package_of(importer):
        return True
    rules = MAY_IMPORT[layer]
    return layer_of(imported) in rules or any(within(imported, r) for r in rules)


EDGES = [
    (name, imported, line) for name, path in MODULES.items() for imported, line in imports_of(path)
]


def test_every_module_has_a_layer() -> None:
    for name in MODULES:
        assert layer_of(name) in MAY_IMPORT, name


def test_dependencies_point_one_way() -> None:
    broken = [
        f"{importer} (line {line}) imports {imported}"
        for importer, imported, line in EDGES
        if imported.startswith("dltrack") and not allowed(importer, imported)
    ]
    assert broken == []


def test_third_party_libraries_stay_in_their_layers() -> None:
    broken = []
    for importer, imported, line in EDGES:
        top = imported.split(".")[0]
        if top in THIRD_PARTY:
            where = THIRD_PARTY[top]
            if layer_of(importer) not in where and not any(within(importer, w) for w in where):
                broken.append(f"{importer} (line {line}) imports {imported}")
    assert broken == []


def test_no_import_cycles() -> None:
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for importer, imported, _ in EDGES:
        if imported in MODULES and imported != importer:
            graph[importer].add(imported)
    # A cycle is a strongly connected component of more than one module (Tarjan).
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    assert cycles == []


def test_the_contract_test_sees_a_broken_rule(tmp_path: Path) -> None:
    """The checks above are not vacuous: a store module importing the renderer is caught."""
    assert not allowed("dltrack.store.db", "dltrack.render")
    assert not allowed("dltrack.linkcheck.engine", "dltrack.learner.status")
    assert not allowed("dltrack.learner.items", "dltrack.cli.common")
    assert not allowed("dltrack.linkcheck.http11.pool", "dltrack.linkcheck.verdicts")
    assert allowed("dltrack.linkcheck.engine", "dltrack.linkcheck.rules")
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from dltrack.render import emit\n", encoding="utf-8")
    assert list(imports_of(bad)) == [("dltrack.render", 2)]


def test_nothing_in_the_package_prints() -> None:
    calls = [
        f"{name}:{node.lineno}"
        for name, path in MODULES.items()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "print"
    ]
    assert calls == []


def test_modules_stay_small() -> None:
    sizes = {
        name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in MODULES.items()
    }
    assert {name: n for name, n in sizes.items() if n > 450} == {}


def test_type_names_are_unique() -> None:
    """One name, one thing: no two classes of the package share a name."""
    seen: dict[str, list[str]] = {}
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                seen.setdefault(node.name, []).append(name)
    assert {k: v for k, v in seen.items() if len(v) > 1} == {}


# ---------------------------------------------------------------- the command registry


# The cli modules that hold no commands: what they share, click's words in Chinese, and
# what zsh and fish are told on Tab.
_NOT_COMMANDS = ("dltrack.cli.common", "dltrack.cli.click_words", "dltrack.cli.shells")


def command_functions() -> dict[str, object]:
    """Every public function defined in a command module of dltrack.cli."""
    found = {}
    for name in MODULES:
        if not name.startswith("dltrack.cli.") or name in _NOT_COMMANDS:
            continue
        module = __import__(name, fromlist=["_"])
        for attr, value in vars(module).items():
            if inspect.isfunction(value) and value.__module__ == name and not attr.startswith("_"):
                found[f"{name.removeprefix('dltrack.cli.')}:{attr}"] = value
    return found


def registered_functions() -> list[str]:
    """COMMANDS' entries, a sub-app (typer.Typer) standing for the commands registered on it."""
    import typer

    found = []
    for name, entry in COMMANDS.items():
        target = load(name)
        if isinstance(target, typer.Typer):
            module = entry.split(":")[0]
            found += [
                f"{module}:{c.callback.__name__}" for c in target.registered_commands if c.callback
            ]
        else:
            found.append(entry)
    return found


def test_every_command_function_is_registered_once() -> None:
    registered = registered_functions()
    assert len(set(registered)) == len(registered)
    assert sorted(command_functions()) == sorted(registered)


def test_every_command_has_help_in_the_listing() -> None:
    listing = subprocess.run(
        [sys.executable, "-m", "dltrack", "--help"], capture_output=True, text=True, timeout=60
    ).stdout
    positions = []
    for name in COMMANDS:
        doc = load(name).__doc__
        assert doc and doc.strip(), name
        line = next((ln for ln in listing.splitlines() if ln.strip().startswith(f"{name} ")), None)
        assert line is not None, f"{name} is missing from dltrack --help"
        positions.append(listing.index(line))
    assert positions == sorted(positions), "--help lists the commands in COMMANDS order"


@pytest.mark.parametrize("name", list(COMMANDS))
def test_command_help(run, name: str) -> None:
    result = run(name, "--help")
    assert result.code == 0, name
    assert f"Usage: dltrack {name}" in result.out
    first = (load(name).__doc__ or "").strip().splitlines()[0].rstrip(".")
    assert first in " ".join(result.out.split())
