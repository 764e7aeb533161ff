"""The shape of the package, read from its source: imports follow the layers of the data flow (docs/decisions.md
§21), no module imports another's private names, and no module is over 500 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import cowork_data

PACKAGE = Path(cowork_data.__file__).resolve().parent

#: The layers, lowest first: a module may import its own layer and the layers below it, never one above. A unit is a
#: top-level module or subpackage of ``cowork_data`` (``""`` is the package's own ``__init__``).
LAYERS: tuple[tuple[str, frozenset[str]], ...] = (
    ("base", frozenset({"", "errors", "i18n", "namespaces", "netsafety", "safety", "output", "atomic", "config",
                        "kept", "declaration", "table_schemas"})),
    ("reference", frozenset({"geo", "readers", "reference", "cities", "comune_names", "profiles"})),
    ("harvest", frozenset({"harvest"})),
    ("normalise", frozenset({"normalise"})),
    ("graph", frozenset({"graph"})),
    ("validate", frozenset({"validate", "privacy"})),
    ("publish", frozenset({"publish"})),
    ("build and applications", frozenset({"pipeline", "diff", "release", "template", "site", "serve"})),
    ("command line", frozenset({"cli", "cli_docs", "commands_assets", "commands_graph", "commands_harvest",
                                "commands_site", "__main__"})),
)
#: Imports against the layers (importing module → imported module), each with its reason.
ALLOWED_UPWARD = {
    ("cowork_data", "cowork_data.release"):
        "cowork_data.open(), the package's one-line entry point, opens a release (imported when called)",
    ("cowork_data.normalise.cget", "cowork_data.privacy"):
        "the CGET reader drops personal e-mails and person-named places as it reads, with the privacy scan's own "
        "tests of a person's name (one definition of who is a person)",
}
MAX_LINES = 500


def _layer(module: str) -> int:
    parts = module.split(".")
    unit = parts[1] if len(parts) > 1 else ""
    for rank, (_, units) in enumerate(LAYERS):
        if unit in units:
            return rank
    raise AssertionError(f"{module}: in no layer of LAYERS; add its unit ({unit!r}) to the layer it belongs to")


def _module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules(package: Path = PACKAGE) -> dict[str, tuple[Path, ast.Module]]:
    return {_module_name(p, package): (p, ast.parse(p.read_text(encoding="utf-8")))
            for p in sorted(package.rglob("*.py"))}


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def imports(modules: dict[str, tuple[Path, ast.Module]]) -> list[tuple[str, str, int]]:
    """Every import of a module of the package, as ``(importing module, imported module, line)``; ``from a import b``
    where ``a.b`` is a module counts as an import of ``a.b``, at module level or inside a function alike."""
    found = []
    for module, (path, tree) in modules.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                source = _absolute(node, module, path.name == "__init__.py")
                targets = [f"{source}.{a.name}" if f"{source}.{a.name}" in modules else source for a in node.names]
            else:
                continue
            found += [(module, target, node.lineno) for target in targets
                      if target.split(".")[0] == PACKAGE.name and target != module]
    return found


def backward_imports(modules: dict[str, tuple[Path, ast.Module]]) -> list[str]:
    return sorted(f"{importer}:{line} imports {imported} ({LAYERS[_layer(imported)][0]} is above "
                  f"{LAYERS[_layer(importer)][0]})"
                  for importer, imported, line in imports(modules)
                  if _layer(imported) > _layer(importer) and (importer, imported) not in ALLOWED_UPWARD)


def test_imports_follow_the_layers() -> None:
    modules = _modules()
    assert len(imports(modules)) > 300  # the scan sees the package's imports
    assert backward_imports(modules) == []


def test_every_allowed_exception_is_still_needed() -> None:
    used = {(importer, imported) for importer, imported, _ in imports(_modules())}
    assert set(ALLOWED_UPWARD) <= used, set(ALLOWED_UPWARD) - used


def private_uses(modules: dict[str, tuple[Path, ast.Module]]) -> list[str]:
    """``from a import _b``, ``import a._b`` and ``a._b`` (a module of the package imported under a name) in
    another module than the one that defines ``_b``. Dunder names (``__version__``) are public."""
    def private(name: str) -> bool:
        return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))

    found = []
    for module, (path, tree) in modules.items():
        aliases: dict[str, str] = {}  # local name → module of the package it stands for
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == PACKAGE.name:
                        if any(private(part) for part in alias.name.split(".")):
                            found.append(f"{module}:{node.lineno} import {alias.name}")
                        aliases[alias.asname or alias.name] = alias.name
            elif isinstance(node, ast.ImportFrom):
                source = _absolute(node, module, path.name == "__init__.py")
                if source.split(".")[0] != PACKAGE.name:
                    continue
                for alias in node.names:
                    if private(alias.name) and source != module:
                        found.append(f"{module}:{node.lineno} from {source} import {alias.name}")
                    if f"{source}.{alias.name}" in modules:
                        aliases[alias.asname or alias.name] = f"{source}.{alias.name}"
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and private(node.attr):
                owner = ast.unparse(node.value)
                if aliases.get(owner, module) != module:
                    found.append(f"{module}:{node.lineno} {owner}.{node.attr}")
    return sorted(found)


def test_no_module_uses_another_modules_private_names() -> None:
    assert private_uses(_modules()) == []


def test_no_module_is_over_500_lines() -> None:
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, (path, _) in _modules().items()}
    assert len(sizes) > 100
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}


# The detectors see each form, on a small package written for the purpose

@pytest.fixture
def toy(tmp_path: Path) -> Path:
    package = tmp_path / PACKAGE.name
    files = {
        "__init__.py": "",
        "errors.py": "def _secret(): ...\nclass Error(Exception): ...\n",
        "harvest/__init__.py": "from cowork_data.harvest import _own\n",
        "harvest/_own.py": "",
        "harvest/run.py": "from . import fetch\nfrom cowork_data.errors import Error\n"
                          "def f():\n    from cowork_data.normalise import tidy\n",
        "harvest/fetch.py": "import cowork_data.errors as errs\nerrs._secret()\nfrom ..errors import _secret\n",
        "normalise/__init__.py": "from cowork_data import errors\nerrors._secret()\nimport cowork_data.harvest._own\n",
        "normalise/tidy.py": "from cowork_data.harvest import run\nfrom cowork_data import __version__\n",
    }
    for name, text in files.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text, encoding="utf-8")
    return package


def test_the_layer_scan_sees_a_backward_import_inside_a_function(toy: Path) -> None:
    modules = _modules(toy)
    assert ("cowork_data.harvest.run", "cowork_data.harvest.fetch", 1) in imports(modules)  # relative, resolved
    assert backward_imports(modules) == [
        "cowork_data.harvest.run:4 imports cowork_data.normalise.tidy (normalise is above harvest)"]


def test_the_private_scan_sees_each_form(toy: Path) -> None:
    assert private_uses(_modules(toy)) == [
        "cowork_data.harvest.fetch:2 errs._secret",
        "cowork_data.harvest.fetch:3 from cowork_data.errors import _secret",
        "cowork_data.normalise:2 errors._secret",
        "cowork_data.normalise:3 import cowork_data.harvest._own",
    ]
