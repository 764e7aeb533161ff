"""The Table Schemas in `schemas/` against the contract in `docs/tables.md` and against frictionless itself."""

import csv
import json
import re
import unicodedata
from pathlib import Path

import frictionless
import pytest

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"
DOC = ROOT / "docs" / "tables.md"

# Constraints the schemas add on purpose beyond docs/tables.md (see schemas/README.md).
EXTRA_CONSTRAINTS = {("funding", "currency"): {"enum": ["EUR"]}}

# Fields holding codes or identifiers; they must stay strings so that leading zeros survive.
CODE_FIELDS = {
    "postcode",
    "comune_istat",
    "comune_belfiore",
    "tax_code",
    "vat_number",
    "ateco_code",
    "ipa_code",
    "phone",
    "open_since",
    "as_of",
    "legal_form",
    "currency",
    "source_record",
}

DOC_TYPE_WORDS = {
    "date": "date",
    "dates": "date",
    "integer": "integer",
    "integers": "integer",
    "number": "number",
    "boolean": "boolean",
}


def _split_top_level(text):
    """Split `a (x, y), b` on the commas outside parentheses."""
    items, depth, current = [], 0, ""
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            items.append(current)
            current = ""
        else:
            current += char
    items.append(current)
    return [item.strip() for item in items if item.strip()]


def _parse_prose(body):
    """Fields of a prose section: `name (notes), name, name (notes)`; a note also covers the bare names before it."""
    fields, pending = {}, []
    for item in _split_top_level(" ".join(body.split()).rstrip(".")):
        name, _, notes = item.partition(" ")
        notes = notes.strip()
        if notes.startswith("(") and notes.endswith(")"):
            notes = notes[1:-1]
        first_word = re.sub(r"\W", "", notes.split(" ")[0]) if notes else ""
        doc_type = DOC_TYPE_WORDS.get(first_word, "string")
        fields[name] = {"type": doc_type, "notes": notes}
        if notes:
            for bare in pending:
                fields[bare] = {"type": doc_type, "notes": notes}
            pending = []
        else:
            pending.append(name)
    return fields


def _parse_table(body):
    """Fields of a markdown table section; notes are everything after the type cell (patterns may contain `|`)."""
    fields = {}
    for line in body.splitlines():
        if not line.startswith("|"):
            continue
        cells = line.split("|")
        names, doc_type, notes = cells[1].strip(), cells[2].strip(), "|".join(cells[3:]).rstrip(" |")
        if names == "field" or set(names) <= {"-"}:
            continue
        listed = [name.strip() for name in names.split(",")]
        mentioned = [name for name in listed if re.search(rf"\b{name}\b", notes)]
        for name in listed:
            field_notes = notes
            if len(listed) > 1 and mentioned and name not in mentioned:
                field_notes = re.sub(r"\brequired\b", "", notes)
            fields[name] = {"type": doc_type, "notes": field_notes}
    return fields


def parse_doc():
    """Tables of docs/tables.md as {table: {"primary_key": [...], "fields": {name: {"type", "notes"}}}}."""
    tables = {}
    for section in re.split(r"^## ", DOC.read_text(encoding="utf-8"), flags=re.M)[1:]:
        heading, _, body = section.partition("\n")
        match = re.match(r"(\w+) — primary key (.*)", heading)
        assert match, f"unexpected heading in {DOC.name}: {heading!r}"
        parse = _parse_table if body.lstrip().startswith("|") else _parse_prose
        tables[match[1]] = {"primary_key": re.findall(r"`(\w+)`", match[2]), "fields": parse(body)}
    return tables


DOC_TABLES = parse_doc()
TABLES = sorted(DOC_TABLES)
ALL_DOC_FIELDS = {name: spec for table in DOC_TABLES.values() for name, spec in table["fields"].items()}


def doc_constraints(table, name):
    """The constraints docs/tables.md states for one field, in Table Schema terms."""
    notes = DOC_TABLES[table]["fields"][name]["notes"]
    constraints = {}
    if re.search(r"\brequired\b", notes) or name in DOC_TABLES[table]["primary_key"]:
        constraints["required"] = True
    if re.search(r"\bunique\b", notes):
        constraints["unique"] = True
    if match := re.search(r"pattern `([^`]+)`", notes):
        constraints["pattern"] = match[1].replace("\\|", "|")  # markdown tables escape the pipe
    elif match := re.search(r"pattern as (\w+)", notes):
        constraints["pattern"] = re.search(r"pattern `([^`]+)`", ALL_DOC_FIELDS[match[1]]["notes"])[1]
    if match := re.search(r"enum ((?:`[^`]+`(?: \([^)]*\))?(?:, )?)+)", notes):
        constraints["enum"] = re.findall(r"`([^`]+)`", re.sub(r"\([^)]*\)", "", match[1]))
    if match := re.search(r"minimum (-?\d+(?:\.\d+)?)|≥ (\d+(?:\.\d+)?)|\b(\d+)–\d+", notes):
        constraints["minimum"] = float(next(group for group in match.groups() if group))
    if match := re.search(r"maximum (-?\d+(?:\.\d+)?)|\b\d+–(\d+)", notes):
        constraints["maximum"] = float(next(group for group in match.groups() if group))
    constraints.update(EXTRA_CONSTRAINTS.get((table, name), {}))
    return constraints


def load(table):
    return json.loads((SCHEMAS / f"{table}.json").read_text(encoding="utf-8"))


def fields_of(table):
    return {field["name"]: field for field in load(table)["fields"]}


def write_csv(path, descriptor, rows):
    names = [field["name"] for field in descriptor["fields"]]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        writer.writerows([row[name] for name in names] for row in rows)


def example_row(table):
    return {name: field["example"] for name, field in fields_of(table).items()}


def example_rows():
    """One row of examples per table, plus the umbrella call that the example measure's parent_id points to."""
    rows = {table: [example_row(table)] for table in TABLES}
    parent = dict(rows["calls"][0], id=rows["calls"][0]["parent_id"], parent_id="", type="programme")
    rows["calls"].append(parent)
    return rows


def validate_package(tmp_path, rows):
    resources = []
    for table in TABLES:
        descriptor = load(table)
        write_csv(tmp_path / f"{table}.csv", descriptor, rows[table])
        resources.append({"name": table, "path": f"{table}.csv", "schema": descriptor})
    package = frictionless.Package.from_descriptor(
        {"name": "cowork-data", "resources": resources}, basepath=str(tmp_path)
    )
    return package.validate()


def errors_of(report):
    return report.flatten(["taskNumber", "rowNumber", "fieldName", "type", "note"])


def normalise_header(text):
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def test_one_schema_file_per_doc_table():
    assert sorted(path.stem for path in SCHEMAS.glob("*.json")) == TABLES
    assert TABLES == ["admissions", "awards", "calls", "funding", "organisations", "outcomes", "spaces"]


@pytest.mark.parametrize("table", TABLES)
def test_descriptor_is_valid_table_schema(table):
    report = frictionless.Schema.validate_descriptor(load(table))
    assert report.valid, report.flatten(["type", "note"])
    schema = frictionless.Schema.from_descriptor(load(table))
    assert schema.field_names == list(fields_of(table))


@pytest.mark.parametrize("table", TABLES)
def test_top_level_metadata(table):
    descriptor = load(table)
    assert descriptor["name"] == table
    for key in ("title", "title_en", "description", "description_en"):
        assert isinstance(descriptor[key], str) and descriptor[key].strip(), key
    assert descriptor["version"] == "0.2.0"
    assert descriptor["homepage"] == "https://w3id.org/cowork-data/"
    assert descriptor["missingValues"] == [""]


@pytest.mark.parametrize("table", TABLES)
def test_every_field_is_documented_in_both_languages(table):
    for field in load(table)["fields"]:
        for key in ("title", "title_en", "description", "description_en", "example"):
            assert isinstance(field.get(key), str) and field[key].strip(), (field["name"], key)
        aliases = field.get("x-aliases", [])
        assert isinstance(aliases, list) and all(isinstance(a, str) and a.strip() for a in aliases), field["name"]


@pytest.mark.parametrize("table", TABLES)
def test_field_names_match_doc(table):
    assert list(fields_of(table)) == list(DOC_TABLES[table]["fields"])


@pytest.mark.parametrize("table", TABLES)
def test_field_types_match_doc(table):
    got = {name: field["type"] for name, field in fields_of(table).items()}
    assert got == {name: spec["type"] for name, spec in DOC_TABLES[table]["fields"].items()}


@pytest.mark.parametrize("table", TABLES)
def test_primary_key_matches_doc(table):
    assert load(table)["primaryKey"] == DOC_TABLES[table]["primary_key"]


@pytest.mark.parametrize("table", TABLES)
def test_constraints_match_doc(table):
    for name, field in fields_of(table).items():
        assert field.get("constraints", {}) == doc_constraints(table, name), name


@pytest.mark.parametrize("table", TABLES)
def test_formats_match_doc(table):
    for name, field in fields_of(table).items():
        match = re.search(r"format (uri|email)", DOC_TABLES[table]["fields"][name]["notes"])
        assert field.get("format") == (match[1] if match else None), name


@pytest.mark.parametrize("table", TABLES)
def test_foreign_keys_point_at_existing_fields(table):
    for key in load(table).get("foreignKeys", []):
        reference = key["reference"]
        assert key["fields"] in fields_of(table)
        assert reference["resource"] in TABLES
        assert reference["fields"] in load(reference["resource"])["primaryKey"]
        assert re.search(
            rf"FK → {reference['resource']}|FK {reference['resource']}",
            DOC_TABLES[table]["fields"][key["fields"]]["notes"],
        ), key


@pytest.mark.parametrize("table", TABLES)
def test_codes_and_identifiers_are_strings(table):
    for name, field in fields_of(table).items():
        constraints = field.get("constraints", {})
        if name == "id" or name.endswith("_id") or name in CODE_FIELDS or "enum" in constraints:
            assert field["type"] == "string", name


@pytest.mark.parametrize("table", TABLES)
def test_enum_codes_are_explained_in_both_languages(table):
    for field in load(table)["fields"]:
        for code in field.get("constraints", {}).get("enum", []):
            assert f"`{code}`" in field["description"], (field["name"], code)
            assert f"`{code}`" in field["description_en"], (field["name"], code)


@pytest.mark.parametrize("table", TABLES)
def test_aliases_point_at_one_field_only(table):
    owner = {}
    for field in load(table)["fields"]:
        for alias in {normalise_header(a) for a in field.get("x-aliases", [])}:
            assert owner.setdefault(alias, field["name"]) == field["name"], (alias, owner[alias], field["name"])
    for name in fields_of(table):
        assert owner.get(normalise_header(name), name) == name, name


@pytest.mark.parametrize("table", TABLES)
def test_examples_are_valid_against_their_own_schema(tmp_path, table):
    descriptor = load(table)
    descriptor["foreignKeys"] = []  # checked across tables in test_examples_form_a_valid_package
    write_csv(tmp_path / f"{table}.csv", descriptor, [example_row(table)])
    resource = frictionless.Resource(
        path=f"{table}.csv", basepath=str(tmp_path), schema=frictionless.Schema.from_descriptor(descriptor)
    )
    report = resource.validate()
    assert report.valid, errors_of(report)
    assert report.tasks[0].stats["rows"] == 1


def test_examples_form_a_valid_package(tmp_path):
    report = validate_package(tmp_path, example_rows())
    assert report.valid, errors_of(report)


def test_package_check_finds_a_broken_foreign_key(tmp_path):
    rows = example_rows()
    rows["spaces"][0]["operator_id"] = "00000000000"
    report = validate_package(tmp_path, rows)
    spaces_task = TABLES.index("spaces") + 1
    assert [e[:4] for e in errors_of(report)] == [[spaces_task, 2, None, "foreign-key"]]


def test_example_check_finds_a_constraint_violation(tmp_path):
    rows = example_rows()
    rows["spaces"][0] = dict(rows["spaces"][0], postcode="2015", workstations="0")
    report = validate_package(tmp_path, rows)
    assert sorted(e[2:4] for e in errors_of(report)) == [
        ["postcode", "constraint-error"],
        ["workstations", "constraint-error"],
    ]


MILANO_COWORKING_HEADERS = {
    "spazio": "name",
    "nominativo": "name",
    "sede": "street_address",
    "indirizzo": "street_address",
    "cap": "postcode",
    "e_mail": "email",
    "telefono_1": "phone",
    "tel": "phone",
    "web": "website",
    "aperto_da": "open_since",
    "orario_di_apertura": "opening_hours_note",
    "numero_postazioni": "workstations",
    "accessibilita": "wheelchair",
    "servizi": "services",
    "descrizione_breve": "description",
    "lat_y_4326": "latitude",
    "long_x_4326": "longitude",
}


def test_milano_open_data_headers_are_aliases_of_spaces_fields():
    owners = {alias: name for name, field in fields_of("spaces").items() for alias in field["x-aliases"]}
    assert {header: owners.get(header) for header in MILANO_COWORKING_HEADERS} == MILANO_COWORKING_HEADERS
