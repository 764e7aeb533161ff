"""The one declaration of the tables and their RDF mapping (``mapping/tables.toml``).

- adding a field to ``spaces`` touches its Table Schema and the declaration (and, to carry data, the source that
  has the column): a build of a copy of the project so changed publishes the field in the CSV, the package's schema
  and the graph, with no code changed;
- everything derived from the declaration agrees with it (table list, fields, inverse paths, feature codes);
- a broken declaration is a clear bilingual error naming the file and the place.
"""

from __future__ import annotations

import filecmp
import json
import os
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from cowork_data.declaration import codes, declaration, declaration_file, inverse_paths, scheme_of, tables
from cowork_data.errors import ConfigError
from tests.conftest import ROOT, WITHOUT_FRANCE, copy_project

LOCN = "http://www.w3.org/ns/locn#"


def _changed(copy: Path) -> set[str]:
    """Files of the copy that differ from the repository or are new (the published output excluded)."""
    out = set()
    for path in copy.rglob("*"):
        rel = path.relative_to(copy)
        if path.is_dir() or rel.parts[0] in ("out", "ids") or "__pycache__" in rel.parts:
            continue
        original = ROOT / rel
        if not original.exists() or not filecmp.cmp(path, original, shallow=False):
            out.add(str(rel))
    return out


def test_adding_a_field_to_spaces_needs_the_schema_and_the_declaration(tmp_path: Path) -> None:
    from cowork_data.pipeline import build

    root = copy_project(tmp_path / "project", without=WITHOUT_FRANCE)  # a Milan field: the Italian sources suffice
    schema_path = root / "schemas" / "spaces.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    at = [f["name"] for f in schema["fields"]].index("comune_name") + 1
    schema["fields"].insert(at, {"name": "district", "type": "string", "title": "Municipio",
                                 "title_en": "City district", "description": "Municipio della città.",
                                 "description_en": "District of the city.", "example": "1",
                                 "x-aliases": ["Municipio", "District"]})
    schema_path.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    mapping = root / "mapping" / "tables.toml"
    text = mapping.read_text(encoding="utf-8")
    anchor = """  'clv:postCode "{postcode}"',\n"""
    assert text.count(anchor) == 1
    mapping.write_text(text.replace(anchor, anchor + """  'locn:adminUnitL2 "Municipio {district}"',\n"""),
                       encoding="utf-8")
    source = root / "sources" / "milano-coworking.toml"  # Milan's file has the column: map it to the field
    source.write_text(source.read_text(encoding="utf-8").replace('CAP = "postcode"\n',
                                                                 'CAP = "postcode"\nMUNICIPIO = "district"\n'),
                      encoding="utf-8")
    assert _changed(root) == {"schemas/spaces.json", "mapping/tables.toml", "sources/milano-coworking.toml"}

    out = root / "out"
    build(root=root, output=out)
    header = (out / "data" / "spaces.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[at] == "district"
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    spaces = next(r for r in package["resources"] if r["name"] == "spaces")
    assert spaces["schema"]["fields"][at]["name"] == "district"
    graph = Graph().parse(out / "data" / "graph" / "cowork-data.nt", format="nt")
    districts = {str(o) for o in graph.objects(None, URIRef(f"{LOCN}adminUnitL2"))}
    assert districts and all(d.startswith("Municipio ") and d[10:].isdigit() for d in districts)
    assert inverse_paths("spaces", root)[f"{LOCN}adminUnitL2"] == "district"


def test_the_table_list_comes_from_the_declaration() -> None:
    from cowork_data.normalise.tables import FIELDS
    from cowork_data.site.data import TABLE_NAMES
    from cowork_data.validate.schemas import TABLES

    assert tables() == TABLES == TABLE_NAMES == tuple(FIELDS)
    assert tables()[0] == "organisations" and len(set(tables())) == 7
    for name in tables():
        spec = declaration().table[name]
        schema = json.loads((ROOT / "schemas" / f"{name}.json").read_text(encoding="utf-8"))
        assert spec.fields == FIELDS[name] == tuple(f["name"] for f in schema["fields"])


def test_feature_codes_are_the_concept_scheme() -> None:
    from bench.generate import FEATURES as GENERATED
    from cowork_data.normalise.fields import FEATURES
    from cowork_data.site.data import FEATURES as LABELS
    from cowork_data.validate.checks import FEATURE_CODES

    graph = Graph().parse(ROOT / "vocab" / "features.ttl")
    notations = {str(o) for o in graph.objects(None, URIRef("http://www.w3.org/2004/02/skos/core#notation"))}
    assert scheme_of("spaces", "features") == "features"
    assert set(codes("features")) == notations == set(FEATURES) == set(LABELS) == FEATURE_CODES
    assert set(GENERATED) | {"workstations"} == notations and FEATURES[0] == "workstations"


def test_inverse_paths_put_results_on_the_field_they_come_from() -> None:
    paths = inverse_paths("spaces")
    schema, clv, wgs = "http://schema.org/", "https://w3id.org/italia/onto/CLV/", "http://www.w3.org/2003/01/geo/wgs84_pos#"
    assert paths[f"{schema}name"] == "name"  # the record's own triple before the feature's schema:name
    assert paths[f"{clv}postCode"] == "postcode" and paths[f"{clv}hasCity"] == "comune_istat"
    assert paths[f"{wgs}lat"] == "latitude" and paths[f"{wgs}long"] == "longitude"
    assert paths["http://www.opengis.net/ont/geosparql#hasGeometry"] == "latitude"
    assert paths[f"{schema}amenityFeature"] == "features" and paths[f"{schema}value"] == "workstations"
    assert paths[f"{schema}telephone"] == "phone" and paths[f"{schema}url"] == "website"
    assert paths[f"{clv}fullAddress"] == "street_address"  # a computed value names the first field it joins
    assert "http://www.w3.org/1999/02/22-rdf-syntax-ns#type" not in paths


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    root = tmp_path / "p"
    (root / "mapping").mkdir(parents=True)
    os.symlink(ROOT / "schemas", root / "schemas")
    text = (ROOT / "mapping" / "tables.toml").read_text(encoding="utf-8")
    assert old in text
    (root / "mapping" / "tables.toml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


@pytest.mark.parametrize(("old", "new", "said"), [
    ("""'schema:name "{name}"'""", """'schema:name "{nome}"'""", "nome"),
    ("""'cw:wheelchair "{wheelchair}"',\n""", "", "wheelchair"),
    ("dct:type space-types:{type}", "dc:type space-types:{type}", "dc:type"),
    ("dct:created year_or_date(open_since)", "dct:created anno(open_since)", "anno"),
    ('when = "amount"', 'when = "amount ==="', "amount ==="),
    ('tables = ["organisations"', 'tables = ["organizzazioni", "organisations"', "[table.*]"),
])
def test_a_broken_declaration_is_a_clear_error(tmp_path: Path, old: str, new: str, said: str) -> None:
    root = _broken(tmp_path, old, new)
    with pytest.raises(ConfigError) as caught:
        declaration(root)
    error = caught.value
    assert said in error.message_it and said in error.message_en
    assert "mapping/tables.toml" in error.message_en and error.hint_it and error.hint_en


def test_the_declaration_is_read_again_when_it_changes(tmp_path: Path) -> None:
    root = _broken(tmp_path, """'cw:wheelchair "{wheelchair}"'""", """'cw:wheelchair "{wheelchair}"'""")
    first = declaration(root)
    path = declaration_file(root)
    path.write_text(path.read_text(encoding="utf-8").replace('"{wheelchair}"', '"{wheelchair!}"'), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10_000_000))
    assert declaration(root) is not first


def test_a_feature_outside_the_scheme_is_reported_by_both_engines() -> None:
    """The shapes take the feature codes from vocab/features.ttl (loaded with the data), not from a list of their own.
    INVENTED DATA: one made-up space."""
    from cowork_data.graph import build_graph
    from cowork_data.validate import fastshacl
    from cowork_data.validate.shacl import validate_graph

    space = {"id": "f205/spazio-prova", "name": "Spazio Prova", "type": "coworking", "comune_istat": "015146",
             "comune_name": "Milano", "features": "wifi sauna", "source_id": "prova", "source_record": "row=2"}
    graph = build_graph({"spaces": [space]}, sources={})
    expected = {("https://w3id.org/cowork-data/data/workspace/f205/spazio-prova#feature-sauna",
                 "https://w3id.org/cowork-data/vocab/features/sauna")}
    for engine in (validate_graph, fastshacl.validate_graph):
        found = {(f.focus_node, f.value) for f in engine(graph, layers=("core",)) if f.code == "feature-unknown"}
        assert found == expected, engine
