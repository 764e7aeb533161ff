"""The ids of the records (``ids/crosswalk.csv``) and the links between them (``ids/same-as.csv``) are frozen
together, and only by a build that published (issue 13: the links used to be written before validation, the
crosswalk after publishing, so a failed build left links naming ids that were never kept)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from cowork_data.errors import ValidationFailed
from cowork_data.normalise.linking import SAME_AS_FILE, load_links
from cowork_data.pipeline import build
from tests.conftest import WITHOUT_FRANCE, copy_project

CROSSWALK = Path("ids") / "crosswalk.csv"


def _break_the_schema(root: Path) -> str:
    path = root / "schemas" / "spaces.json"
    text = path.read_text(encoding="utf-8")
    schema = json.loads(text)
    for field in schema["fields"]:
        if field["name"] == "workstations":
            field.setdefault("constraints", {})["minimum"] = 100_000  # no shipped space is that large
    path.write_text(json.dumps(schema), encoding="utf-8")
    return text


def _build(root: Path, out: Path) -> None:
    from cowork_data import table_schemas

    table_schemas.forget()  # the schemas are read once per process
    try:
        build(root=root, output=out, store=False)
    finally:
        table_schemas.forget()


def test_a_failed_build_freezes_neither_ids_nor_links_and_a_published_one_freezes_both(tmp_path: Path) -> None:
    # the Italian sources suffice: the shipped link is between two of them (what is frozen does not depend on size)
    root = copy_project(tmp_path / "root", without=WITHOUT_FRANCE)
    assert load_links(root / SAME_AS_FILE), "the shipped sources link at least one space across two sources"
    (root / SAME_AS_FILE).unlink()  # every link and every id is new to this build
    (root / CROSSWALK).unlink()
    schema = _break_the_schema(root)
    with pytest.raises(ValidationFailed):
        _build(root, tmp_path / "out")
    assert not (root / SAME_AS_FILE).exists() and not (root / CROSSWALK).exists()

    (root / "schemas" / "spaces.json").write_text(schema, encoding="utf-8")
    _build(root, tmp_path / "out")
    links = load_links(root / SAME_AS_FILE)
    with (root / CROSSWALK).open(encoding="utf-8", newline="") as fh:
        ids = {row["id"] for row in csv.DictReader(fh)}
    assert links and {name for link in links for name in (link.id, link.same_as)} <= ids
