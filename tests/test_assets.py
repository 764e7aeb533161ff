"""``assets/``: the shared schema as a national semantic asset (issue 15), checked by what the Italian National Data
Catalog checks and by independent validators, on the committed tree:

- it equals a fresh generation from schemas/, vocab/, mapping/tables.toml, publisher.toml (``cowork-data assets``);
- the layout rules of schema.gov.it's repository hooks (teamdigitale/dati-semantic-tools: repository structure,
  file and directory names, file name = its main URI, mandatory files, version directories, ``latest/`` equal to
  the newest version, UTF-8), implemented here from their descriptions;
- NDC's ``rules.shacl`` on every controlled vocabulary (pySHACL with advanced features), AgID's DCAT-AP_IT rules and
  the DCAT-AP 3.0.1 shapes on every asset's metadata;
- every OAS3 schema with openapi-spec-validator, its ``x-jsonld-context`` against the graph the mapping writes;
- every vocabulary's data package with frictionless and the Data Package v2 profiles, its context against the SKOS;
- the valid example of each table is valid, the invalid one gives exactly the errors listed beside it.
Each check has a test that breaks an asset and sees it fail.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections import Counter
from functools import cache
from importlib.metadata import version as package_version
from pathlib import Path

import frictionless
import pytest
import yaml
from click.testing import CliRunner
from openapi_spec_validator import validate as validate_openapi
from pyshacl import validate as shacl_validate
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, SKOS

from cowork_data.cli import cli
from cowork_data.graph import build_graph
from cowork_data.publish.assets import changelog, stale_assets, write_assets
from cowork_data.validate.schemas import TABLES, schema_descriptor
from tests.conftest import ROOT, copy_project, figures
from tests.dcat_checks import agid_findings, dcat_ap_results, violations
from tests.ndc_layout import layout_errors
from tests.test_datapackage_v2 import package_errors

ASSETS = ROOT / "assets"
NDC_RULES = Path(__file__).parent / "reference" / "ontopia-ndc" / "VocabolariControllati.rules.shacl"
NDC_ONTOLOGY_RULES = NDC_RULES.with_name("Ontologie.rules.shacl")
DCATAPIT_DATASET = URIRef("http://dati.gov.it/onto/dcatapit#Dataset")
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")


def _files(folder: Path = ASSETS) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _vocabularies(folder: Path = ASSETS) -> list[Path]:
    return sorted((folder / "controlled-vocabularies").glob("*/*.ttl"))


# Generated from the sources


def test_committed_assets_equal_a_fresh_generation() -> None:
    assert stale_assets(ROOT) == [], "run `cowork-data assets` and commit assets/"
    result = CliRunner().invoke(cli, ["assets", "--check", "--json"])
    assert result.exit_code == 0 and json.loads(result.output) == {"stale": []}, result.output


def _version(table: str) -> str:
    return str(schema_descriptor(table)["version"])


def _next(version: str) -> str:
    major, minor, _patch = (int(x) for x in version.split("."))
    return f"{major}.{minor + 1}.0"


def _release(log: Path, heading: str) -> None:
    """Put ``## {heading}`` on top of the changelog's releases."""
    text = log.read_text(encoding="utf-8")
    log.write_text(text.replace("\n## ", f"\n## {heading}\n\n- A change.\n\n## ", 1), encoding="utf-8")


def test_a_changed_source_or_asset_is_stale(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "root")
    shutil.copytree(ASSETS, root / "assets", dirs_exist_ok=True)  # copy_project leaves out every datapackage.json
    assert stale_assets(root) == []
    current = f"v{_version('spaces')}"
    spaces = root / "schemas" / "spaces.json"
    spaces.write_text(spaces.read_text(encoding="utf-8").replace("Denominazione", "Nome", 1), encoding="utf-8")
    edited = root / "assets" / "controlled-vocabularies" / "features" / "features.csv"
    edited.write_text(edited.read_text(encoding="utf-8") + "x,,,,\n", encoding="utf-8")
    (root / "assets" / "schemas" / "spaces" / "latest" / "leftover.txt").write_text("?", encoding="utf-8")
    stale = stale_assets(root)
    assert "controlled-vocabularies/features/features.csv" in stale
    assert f"schemas/spaces/{current}/spaces.oas3.yaml" in stale and "schemas/spaces/latest/leftover.txt" in stale
    # the schema changed under a published version: refused, nothing written, until the version is raised
    result = CliRunner().invoke(cli, ["assets"], env={"COWORK_DATA_ROOT": str(root)})
    assert result.exit_code != 0 and current[1:] in result.output and "Traceback" not in result.output
    assert edited.read_text(encoding="utf-8").endswith("x,,,,\n")
    shutil.rmtree(root / "assets" / "schemas" / "spaces" / current)  # as the message says, if it never went out
    result = write_assets(root)
    assert "schemas/spaces/latest/leftover.txt" in result.removed and stale_assets(root) == []
    assert f"schemas/spaces/{current}/spaces.json" in result.written


def test_an_older_version_is_kept_and_an_unreleased_one_refused(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "root")
    shutil.copytree(ASSETS, root / "assets", dirs_exist_ok=True)  # copy_project leaves out every datapackage.json
    current, new = _version("spaces"), _next(_version("spaces"))
    spaces = root / "assets" / "schemas" / "spaces"
    shutil.copytree(spaces / f"v{current}", spaces / "v0.0.9")  # as if published earlier
    assert stale_assets(root) == [] and write_assets(root).removed == [] and (spaces / "v0.0.9").is_dir()
    schema = root / "schemas" / "spaces.json"
    schema.write_text(schema.read_text(encoding="utf-8").replace(f'"version": "{current}"', f'"version": "{new}"', 1),
                      encoding="utf-8")
    result = CliRunner().invoke(cli, ["assets"], env={"COWORK_DATA_ROOT": str(root)})
    assert result.exit_code != 0 and "CHANGELOG" in result.output and "Traceback" not in result.output
    log = root / "schemas" / "CHANGELOG.md"
    text = log.read_text(encoding="utf-8")
    _release(log, f"{new} (2099-12-01): spaces, nowhere")
    result = CliRunner().invoke(cli, ["assets"], env={"COWORK_DATA_ROOT": str(root)})
    assert result.exit_code != 0 and "nowhere" in result.output and "Traceback" not in result.output
    log.write_text(text, encoding="utf-8")
    _release(log, f"{new} (2099-12-01): spaces")
    before = (spaces / f"v{current}" / "index.ttl").read_bytes()
    written = write_assets(root).written
    assert f"schemas/spaces/v{new}/spaces.oas3.yaml" in written
    assert (spaces / f"v{current}" / "index.ttl").read_bytes() == before and (spaces / "v0.0.9").is_dir()
    assert not any(p.startswith("schemas/calls/") for p in written)  # the other tables keep their version
    assert f'"{new}"' in (spaces / "latest" / "spaces.json").read_text(encoding="utf-8")
    assert "2099-12-01" in (spaces / "latest" / "index.ttl").read_text(encoding="utf-8")
    assert not any(layout_errors(root / "assets").values()) and stale_assets(root) == []
    # the ontology likewise: a new term under a published version is refused, then released as a new version
    cw = root / "vocab" / "cw.ttl"
    text = cw.read_text(encoding="utf-8")
    version = re.search(r'owl:versionInfo "([0-9.]+)"', text).group(1)
    term = '\ncw:extra a owl:DatatypeProperty ; rdfs:label "extra"@en .\n'
    cw.write_text(text + term, encoding="utf-8")
    result = CliRunner().invoke(cli, ["assets"], env={"COWORK_DATA_ROOT": str(root)})
    assert result.exit_code != 0 and "owl:versionInfo" in result.output and "Traceback" not in result.output
    cw.write_text(text.replace(f'owl:versionInfo "{version}"', f'owl:versionInfo "{_next(version)}"') + term,
                  encoding="utf-8")
    _release(log, f"{_next(version)} (2099-12-02): vocab")
    written = write_assets(root).written
    assert written == ["README.md", "ontologies/vocab/latest/vocab.ttl",
                       f"ontologies/vocab/v{_next(version)}/vocab.ttl"]
    assert (root / "assets" / "ontologies" / "vocab" / f"v{version}" / "vocab.ttl").is_file()
    first = min(date for (name, _v), date in changelog(root).items() if name == "vocab")
    assert f'dct:issued "{first}"^^xsd:date' in (root / "assets" / "ontologies" / "vocab" / "latest" /
                                                 "vocab.ttl").read_text(encoding="utf-8")


def test_every_schema_has_a_released_semantic_version() -> None:
    releases = changelog(ROOT)
    for table in TABLES:
        version = schema_descriptor(table)["version"]
        assert SEMVER.match(version) and (table, version) in releases, table
        folder = ASSETS / "schemas" / table
        assert (folder / f"v{version}").is_dir() and (folder / "latest").is_dir()


# The layout rules of schema.gov.it


def test_layout_rules_of_the_national_catalog(tmp_path: Path) -> None:
    found = layout_errors(ASSETS)
    figures("assets-layout", {"files": len(_files()), "hooks": len(found),
                              "errors": sum(len(e) for e in found.values())})
    assert found == {hook: [] for hook in found}
    broken = tmp_path / "assets"
    shutil.copytree(ASSETS, broken)
    calls, awards = f"v{_version('calls')}", f"v{_version('awards')}"
    (broken / "schemas" / "calls" / calls / "calls.oas3.yaml").unlink()
    (broken / "schemas" / "spaces" / "latest" / "spaces.example.csv").write_text("changed\n", encoding="utf-8")
    vocabulary = broken / "controlled-vocabularies" / "features"
    (vocabulary / "features.csv").rename(vocabulary / "dotazioni.csv")
    (vocabulary / "features.ttl").rename(vocabulary / "Features.ttl")
    shutil.copytree(broken / "schemas" / "awards" / awards, broken / "schemas" / "awards" / "0.2")
    ontology = next((broken / "ontologies" / "vocab").glob("v*"))
    (ontology / "vocab.ttl").rename(ontology / "cw.ttl")
    (broken / "other").mkdir()
    found = layout_errors(broken)
    assert any(f"calls/{calls}" in e and "calls.oas3.yaml" in e for e in found["check-filenames-match-uri"])
    assert any("cw.ttl" in e for e in found["check-filenames-match-uri"])
    assert any("spaces: latest/" in e for e in found["latest-is-newest"])
    assert any("dotazioni.csv" in e for e in found["check-filenames-match-directories"])
    assert any("Features.ttl" in e for e in found["check-filename-format"])
    assert any("awards" in e for e in found["check-versioning-pattern"])
    assert "unexpected folder other/" in found["check-repo-structure"]
    shutil.rmtree(broken / "ontologies")
    assert "directory ontologies/ does not exist" in layout_errors(broken)["check-repo-structure"]


# NDC's rules, AgID's rules and DCAT-AP on the metadata


@cache
def _ndc_rules() -> Graph:
    return Graph().parse(NDC_RULES, format="turtle")


def ndc_errors(graph: Graph) -> str:
    conforms, _results, text = shacl_validate(graph, shacl_graph=_ndc_rules(), advanced=True, inference="none")
    return "" if conforms else text


def _metadata_files() -> list[Path]:
    return [*_vocabularies(), *sorted(ASSETS.glob("schemas/*/v*/index.ttl"))]


def test_ndc_rules_on_every_controlled_vocabulary() -> None:
    checked, failing = 0, []
    for path in _vocabularies():
        graph = Graph().parse(path, format="turtle")
        assert (None, RDF.type, SKOS.ConceptScheme) in graph and (None, RDF.type, DCATAPIT_DATASET) in graph
        if ndc_errors(graph):
            failing.append(f"{path.name}: {ndc_errors(graph)}")
        checked += 1
    figures("assets-ndc-rules", {"vocabularies": checked, "not_conforming": len(failing)})
    assert failing == [] and checked == 5
    graph = Graph().parse(_vocabularies()[0], format="turtle")
    graph.remove((None, URIRef("https://w3id.org/italia/onto/NDC/keyConcept"), None))
    assert "keyConcept" in ndc_errors(graph)


def test_ndc_rules_on_the_ontology() -> None:
    rules = Graph().parse(NDC_ONTOLOGY_RULES, format="turtle")
    files = sorted(ASSETS.glob("ontologies/*/*/*.ttl"))
    failing = []
    for path in files:
        graph = Graph().parse(path, format="turtle")
        assert (None, RDF.type, OWL.Ontology) in graph
        conforms, _results, text = shacl_validate(graph, shacl_graph=rules, advanced=True, inference="none")
        if not conforms:
            failing.append(f"{path.name}: {text}")
    figures("assets-ndc-ontology-rules", {"files": len(files), "not_conforming": len(failing)})
    assert failing == [] and len(files) >= 2  # a version and latest/
    graph = Graph().parse(files[0], format="turtle")
    graph.remove((None, OWL.versionIRI, None))
    assert not shacl_validate(graph, shacl_graph=rules, advanced=True, inference="none")[0]


#: AgID's rule 112 asks a document for its dcatapit:Catalog: an asset's file describes one dataset, and the catalogue
#: that lists it is the harvester's (schema.gov.it's own vocabularies have none either).
CATALOGUE_ONLY = {"rule-112.rq"}


def test_agid_rules_and_dcat_ap_on_every_asset_s_metadata() -> None:
    errors, dcat, files = [], [], _metadata_files()
    warnings = Counter()
    for path in files:
        graph = Graph().parse(path, format="turtle")
        errors += [(path.name, *f) for f in agid_findings(graph) if f[1] == "error" and f[0] not in CATALOGUE_ONLY]
        warnings.update(f[0] for f in agid_findings(graph) if f[1] == "warning")
        dcat += [(path.name, *v) for v in violations(dcat_ap_results(graph))]
    figures("assets-metadata", {"files": len(files), "agid_rules_error_rows": len(errors),
                                "agid_warning_rows": sum(warnings.values()), "dcat_ap_violations": len(dcat)})
    assert len(files) == 5 + len(list(ASSETS.glob("schemas/*/v*/index.ttl"))) >= 5 + len(TABLES)
    assert errors == [] and dcat == []
    broken = Graph().parse(files[0], format="turtle")
    broken.remove((None, URIRef("http://purl.org/dc/terms/accrualPeriodicity"), None))
    assert any(f[1] == "error" for f in agid_findings(broken))


# OAS3 schemas and their JSON-LD context


def _oas(table: str) -> dict:
    return yaml.safe_load((ASSETS / "schemas" / table / "latest" / f"{table}.oas3.yaml").read_text(encoding="utf-8"))


def test_every_oas3_schema_is_valid_openapi() -> None:
    for table in TABLES:
        document = _oas(table)
        validate_openapi(document)  # raises on the first error
        component = document["components"]["schemas"][table]
        assert component["x-jsonld-type"].startswith("http") and component["x-jsonld-context"]
        assert set(component["properties"]) == {f["name"] for f in schema_descriptor(table)["fields"]}
    validator = f"openapi-spec-validator {package_version('openapi-spec-validator')}"
    figures("assets-openapi", {"validator": validator, "schemas": len(TABLES), "invalid": 0})
    broken = _oas("spaces")
    broken["components"]["schemas"]["spaces"]["properties"]["name"]["type"] = "strin"
    with pytest.raises(Exception, match="strin"):
        validate_openapi(broken)


def context_triples(table: str, row: dict[str, str], component: dict) -> Graph:
    """The triples the ``x-jsonld-context`` gives a row (typed with ``x-jsonld-type``)."""
    document = {"@context": component["x-jsonld-context"], "@type": component["x-jsonld-type"], **row}
    return Graph().parse(data=json.dumps(document), format="json-ld")


def _record(graph: Graph, cls: str) -> URIRef:
    (record,) = set(graph.subjects(RDF.type, URIRef(cls))) or {None}
    return record


def context_disagreements(table: str, component: dict) -> list[str]:
    """What the context says of the example row that the graph writer does not."""
    text = (ASSETS / "schemas" / table / "latest" / f"{table}.example.csv").read_text(encoding="utf-8")
    header, values = list(csv.reader(io.StringIO(text)))
    row = {k: v for k, v in zip(header, values, strict=True) if v}
    ours = context_triples(table, row, component)
    mapped = build_graph({table: [row]}, sources={})
    cls = component["x-jsonld-type"]
    subject, record = _record(ours, cls), _record(mapped, cls)
    said = {(p, o) for p, o in ours.predicate_objects(subject)}
    written = {(p, o) for p, o in mapped.predicate_objects(record)}
    problems = [f"{p} {o}" for p, o in sorted(said - written)]
    if "@base" in component["x-jsonld-context"] and subject != record:
        problems.append(f"record {subject} is {record} in the graph")
    return problems


def test_jsonld_context_says_what_the_graph_says() -> None:
    linked = 0
    for table in TABLES:
        component = _oas(table)["components"]["schemas"][table]
        assert context_disagreements(table, component) == [], table
        linked += len(component["x-jsonld-context"]) - 1
    figures("assets-jsonld", {"schemas": len(TABLES), "fields_linked": linked})
    component = _oas("spaces")["components"]["schemas"]["spaces"]
    component["x-jsonld-context"]["name"] = "http://schema.org/alternateName"
    assert context_disagreements("spaces", component)


# Controlled vocabularies as data packages


def test_vocabulary_packages_are_valid_and_their_context_gives_the_skos() -> None:
    for folder in sorted((ASSETS / "controlled-vocabularies").iterdir()):
        descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        assert package_errors(descriptor)[0] == []
        report = frictionless.Package(str(folder / "datapackage.json")).validate()
        assert report.valid, report.flatten(["type", "note"])
        resource = descriptor["resources"][0]
        # the catalogue's validate-csv hook (json-semantic-playground): frictionless, and these field names
        assert all(re.fullmatch(r"[a-zA-Z0-9_]{2,64}", f["name"]) for f in resource["schema"]["fields"])
        rows = list(csv.DictReader(io.StringIO((folder / resource["path"]).read_text(encoding="utf-8"))))
        document = {"@context": resource["schema"]["x-jsonld-context"], "@graph": rows}
        said = Graph().parse(data=json.dumps(document), format="json-ld")
        skos = Graph().parse(folder / f"{folder.name}.ttl", format="turtle")
        assert len(said) > 0 and all(t in skos for t in said), folder.name


# Examples


def _validate_example(table: str, text: str) -> list[list]:
    descriptor = schema_descriptor(table)
    descriptor.pop("foreignKeys", None)  # one table alone: its references are checked in the package
    resource = frictionless.Resource(text.encode("utf-8"), format="csv",
                                     schema=frictionless.Schema.from_descriptor(descriptor))
    return resource.validate().flatten(["rowNumber", "fieldName", "type"])


def test_valid_and_invalid_examples_of_every_table() -> None:
    invalid_rows = 0
    for table in TABLES:
        folder = ASSETS / "schemas" / table / "latest"
        assert _validate_example(table, (folder / f"{table}.example.csv").read_text(encoding="utf-8")) == []
        expected = json.loads((folder / f"{table}.example-invalid.json").read_text(encoding="utf-8"))
        text = (folder / f"{table}.example-invalid.csv").read_text(encoding="utf-8")
        assert _validate_example(table, text) == [[e["row"], e["field"], e["type"]] for e in expected], table
        invalid_rows += len({e["row"] for e in expected})
    figures("schema-examples", {"tables": len(TABLES), "valid_examples": len(TABLES), "invalid_rows": invalid_rows})
    # an invalid example whose broken cell is repaired no longer gives its error
    folder = ASSETS / "schemas" / "spaces" / "latest"
    rows = list(csv.reader(io.StringIO((folder / "spaces.example-invalid.csv").read_text(encoding="utf-8"))))
    rows[1] = list(csv.reader(io.StringIO((folder / "spaces.example.csv").read_text(encoding="utf-8"))))[1]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    expected = json.loads((folder / "spaces.example-invalid.json").read_text(encoding="utf-8"))
    assert _validate_example("spaces", buffer.getvalue()) != [[e["row"], e["field"], e["type"]] for e in expected]
