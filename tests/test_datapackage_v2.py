"""The data package against the official Data Package v2.0 JSON Schemas (issue 15), independently of frictionless-py.

The profiles are copied into tests/reference/datapackage-v2-profiles (public domain, SOURCE.md there) and run with
python-jsonschema: the descriptor against ``datapackage.json``, every resource against ``dataresource.json``, every
Table Schema (the published ones and the sources in ``schemas/``) against ``tableschema.json`` and every dialect
against ``tabledialect.json``. Checked on the committed ``datapackage.json`` and on a fresh build.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from jsonschema.exceptions import best_match

from cowork_data.validate.schemas import TABLES
from tests.conftest import ROOT, figures

PROFILES = Path(__file__).parent / "reference" / "datapackage-v2-profiles"


def _validator(profile: str) -> Draft7Validator:
    schema = json.loads((PROFILES / f"{profile}.json").read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


def _errors(validator: Draft7Validator, instance: Any, where: str) -> list[str]:
    """``where/json/path: message``; for ``oneOf``/``anyOf`` the message of the branch that fits best."""
    found = []
    for error in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path))):
        best = best_match(error.context) if error.context else error
        found.append(f"{where}/{'/'.join(map(str, best.absolute_path))}: {best.message[:200]}")
    return found


def package_errors(package: dict[str, Any]) -> tuple[list[str], dict[str, int]]:
    """Every finding of the four v2 profiles on a descriptor, and how many objects each profile checked."""
    package_v, resource_v, schema_v, dialect_v = (_validator(p) for p in
                                                  ("datapackage", "dataresource", "tableschema", "tabledialect"))
    errors = _errors(package_v, package, "datapackage.json")
    checked = {"packages": 1, "resources": 0, "table_schemas": 0, "dialects": 0}
    for n, resource in enumerate(package.get("resources", [])):
        where = f"resources/{n}"
        errors += _errors(resource_v, resource, where)
        checked["resources"] += 1
        if isinstance(resource.get("schema"), dict):
            errors += _errors(schema_v, resource["schema"], f"{where}/schema")
            checked["table_schemas"] += 1
        if isinstance(resource.get("dialect"), dict):
            errors += _errors(dialect_v, resource["dialect"], f"{where}/dialect")
            checked["dialects"] += 1
    return errors, checked


def _committed() -> dict[str, Any]:
    return json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))


def test_committed_package_is_valid_data_package_v2() -> None:
    package = _committed()
    assert package["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    errors, checked = package_errors(package)
    schema_errors = []
    for table in TABLES:
        source = json.loads((ROOT / "schemas" / f"{table}.json").read_text(encoding="utf-8"))
        schema_errors += _errors(_validator("tableschema"), source, f"schemas/{table}.json")
    figures("datapackage-v2", {"profiles": 4, **checked, "schema_files": len(TABLES),
                               "errors": len(errors) + len(schema_errors)})
    assert errors == []
    assert schema_errors == []
    assert checked["resources"] == len(package["resources"]) >= len(TABLES)
    assert checked["table_schemas"] == len(TABLES)


def test_fresh_build_is_valid_data_package_v2(release) -> None:
    package = json.loads((release.output / "datapackage.json").read_text(encoding="utf-8"))
    errors, _checked = package_errors(package)
    assert errors == []


def _set_empty_foreign_keys(p: dict) -> None:
    p["resources"][0]["schema"]["foreignKeys"] = []


def _drop_path(p: dict) -> None:
    del p["resources"][1]["path"]


def _bad_field_type(p: dict) -> None:
    p["resources"][0]["schema"]["fields"][0]["type"] = "text"


def _bad_dialect(p: dict) -> None:
    p["resources"][0]["dialect"] = {"header": "yes"}


def _no_resources(p: dict) -> None:
    p["resources"] = []


@pytest.mark.parametrize(("mutate", "expected"), [
    (_set_empty_foreign_keys, "[] should be non-empty"),
    (_drop_path, "'data' is a required property"),
    (_bad_field_type, "'text' is not one of ['string']"),
    (_bad_dialect, "'yes' is not of type 'boolean'"),
    (_no_resources, "[] should be non-empty"),
])
def test_a_broken_descriptor_fails_the_profiles(mutate, expected: str) -> None:
    package = copy.deepcopy(_committed())
    mutate(package)
    errors, _checked = package_errors(package)
    assert any(expected in e for e in errors), errors
