"""One exception tree: every exception class of the package derives from ``CoworkDataError`` and is drawn in the
``errors.py`` docstring, and domain code raises no bare built-in exception."""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import cowork_data
from cowork_data import errors

PACKAGE = Path(cowork_data.__file__).resolve().parent

#: Exception classes outside the tree, each with its reason.
OUTSIDE_THE_TREE = {
    "cowork_data.cli.CliError": "Click's own exception type: it shows a CoworkDataError at the command line",
}
#: Built-in exceptions domain code may raise, each with its reason: programming errors, not a user's.
BUILTIN_RAISES = {
    ("errors.py", "TypeError"): "a CoworkDataError built with the wrong arguments is a bug in the caller",
    ("i18n.py", "KeyError"): "a message key missing from every language is a bug (the catalogue test finds it)",
    ("validate/checks/base.py", "NotImplementedError"): "the hooks every Check subclass implements",
    ("harvest/__init__.py", "AttributeError"): "a module's __getattr__ must raise it for a name it does not have",
    ("graph/__init__.py", "AttributeError"): "a module's __getattr__ must raise it for a name it does not have",
    ("site/data.py", "KeyError"): "a Mapping's __getitem__ must raise it for a code it does not have",
    ("release.py", "KeyError"): "a Mapping's __getitem__ must raise it for a table it does not have",
    ("output.py", "TypeError"): "json_text raises json.dumps' own error for data json cannot write (a caller's bug)",
    ("output.py", "ValueError"): "json_text raises json.dumps' own error for a container inside itself",
}
BUILTINS = {name for name, obj in vars(builtins).items() if isinstance(obj, type) and issubclass(obj, BaseException)}


def _modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix="cowork_data."):
        if info.name != "cowork_data.__main__":
            names.append(info.name)
    return sorted(names)


def _exception_classes() -> dict[str, type]:
    found = {}
    for name in _modules():
        module = importlib.import_module(name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, BaseException) and obj.__module__ == name:
                found[f"{name}.{obj.__qualname__}"] = obj
    return found


def test_every_exception_class_is_in_the_tree() -> None:
    classes = _exception_classes()
    assert len(classes) >= 14
    outside = {name for name, cls in classes.items() if not issubclass(cls, errors.CoworkDataError)}
    assert outside == set(OUTSIDE_THE_TREE)


def test_the_tree_is_drawn_in_the_errors_docstring() -> None:
    doc = errors.__doc__ or ""
    for name, cls in _exception_classes().items():
        if issubclass(cls, errors.CoworkDataError):
            assert f"── {cls.__name__} " in doc or doc.lstrip().startswith(cls.__name__) or \
                f"    {cls.__name__} " in doc, name


def test_domain_code_raises_no_bare_builtin_exception() -> None:
    found = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and node.exc is not None:
                target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                if isinstance(target, ast.Name) and target.id in BUILTINS:
                    found.add((path.relative_to(PACKAGE).as_posix(), target.id))
    assert found == set(BUILTIN_RAISES)


@pytest.mark.parametrize("error", [errors.QueryTimeout(2.0), errors.Unsupported("sh:target"),
                                   errors.UnreadableSnapshot("illeggibile", "unreadable"),
                                   errors.ShapeError("empty", "file vuoto", "empty file"),
                                   errors.PublishError("error.publish-incomplete", item="data/")])
def test_domain_errors_speak_both_languages(error: errors.CoworkDataError) -> None:
    assert isinstance(error, errors.CoworkDataError)
    assert error.message_it and error.message_en and error.message_it != error.message_en
    assert error.message_it in error.bilingual() and error.message_en in error.bilingual()


def test_an_unknown_message_key_fails_where_it_is_raised() -> None:
    with pytest.raises(KeyError):
        errors.UsageError("error.no-such-error")


# Messages come from the catalogue

#: Places that still build a message from an Italian and an English literal (``Error("…", "…", hint_it=…)``, or a
#: helper taking ``it`` and ``en``), per file, at most: the count may only go down. A new message is a key in
#: ``cowork_data/locales/{it,en}.toml`` raised as ``Error("error.<key>", **params)``.
TWO_TEXT_SITES = {
    "i18n.py": 2,  # the catalogue's own errors (a broken locale file): it cannot render them from itself
}


CODE = re.compile(r"^[a-z][a-z0-9-]*(?:\.[a-z0-9-]+)*$")


def _is_text(node: ast.AST) -> bool:
    """A string literal, an f-string, or an expression built from one (``"…" + x``, ``"…".replace(…)``)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_text(node.left) or _is_text(node.right)
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and _is_text(node.func.value)


def _is_code(node: ast.AST) -> bool:
    """A cause code or a catalogue key (``"truncated"``, ``"too-large"``, ``"error.fetch"``): a name, not a sentence
    (a message of one lower-case word would pass for one)."""
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.match(node.value) is not None


def two_text_sites(trees: dict[Path, ast.Module]) -> dict[str, list[int]]:
    """Per file (relative to the package), the lines of calls that pass an Italian and an English literal to an
    exception of the tree (or a subclass defined anywhere in the package) or to a helper of the same file taking
    ``it`` and ``en``."""
    errors_ = set(errors.__all__)
    grown = True
    while grown:
        grown = False
        for tree in trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in errors_ and any(
                        getattr(base, "id", getattr(base, "attr", None)) in errors_ for base in node.bases):
                    errors_.add(node.name)
                    grown = True
    found: dict[str, list[int]] = {}
    for path, tree in trees.items():
        helpers = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                   and {"it", "en"} <= {a.arg for a in node.args.args + node.args.kwonlyargs}}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            args = node.args[1:] if node.args and _is_code(node.args[0]) else node.args  # a cause code, or a key
            texts = sum(1 for a in args if _is_text(a))
            hints = {k.arg for k in node.keywords} & {"hint_it", "hint_en"}
            if (name in errors_ and (texts >= 2 or hints)) or (name in helpers and texts >= 2):
                found.setdefault(path.relative_to(PACKAGE).as_posix(), []).append(node.lineno)
    return found


def test_no_new_message_is_written_as_two_literals() -> None:
    trees = {p: ast.parse(p.read_text(encoding="utf-8")) for p in sorted(PACKAGE.rglob("*.py"))}
    grown = {name: sorted(lines) for name, lines in two_text_sites(trees).items()
             if len(lines) > TWO_TEXT_SITES.get(name, 0)}
    assert not grown, ("messages written as an Italian and an English literal instead of a catalogue key "
                       f"(file: lines): {grown}; add the key to cowork_data/locales/{{it,en}}.toml and raise "
                       "Error('error.<key>', **params)")


def test_the_two_text_detector_sees_each_form() -> None:
    code = '''
from cowork_data.errors import ConfigError, UsageError
class Mine(UsageError): ...
def _reply(status, it, en): ...
raise UsageError(f"{x} non va", f"{x} is wrong")
raise ConfigError("error.source-toml", file=x, hint_it="…")
raise Mine("uno " + x, "one " + x)
_reply(400, "Errore", "Error")
raise UsageError("error.release-missing", root=x, descriptor=y)
raise ShapeError("no-rows", "file vuoto", "empty file")
class Fetch(UsageError): ...
raise Fetch("too-large", url, f"> {limit} byte")
'''
    found = two_text_sites({PACKAGE / "example.py": ast.parse(code)})
    assert found == {"example.py": [5, 6, 7, 8, 10]}
