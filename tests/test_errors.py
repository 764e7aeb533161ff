"""One exception tree: every exception class of the package derives from ``CoworkDataError`` and is drawn in the
``errors.py`` docstring, and domain code raises no bare built-in exception."""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import pkgutil
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
