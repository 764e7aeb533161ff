"""A scan of published files for personal data of natural persons (GDPR minimisation).

Published data name organisations, never people (DESIGN §3). The scan looks for three kinds of personal data:

- personal *codici fiscali* (16 characters with a valid check character; organisations have 11 digits);
- personal e-mail addresses: a local part made of a person's first name (``mario.rossi@…``, ``giulia@…``);
- names of people: an Italian first name followed by a capitalised surname (``Mario Rossi``), except where
  the name is part of a place or an institution named after a person (``Via Giuseppe Verdi``,
  ``Fondazione Giangiacomo Feltrinelli``).

First names come from the ``gender-guesser`` name dictionary (names used in Italy). The scan reads CSV cells,
JSON strings and RDF literals; findings name the file, the row (or line) and the column or predicate.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from stdnum.it import codicefiscale

from cowork_data.validate.checks.codes import PERSONAL_TAX_CODE
from cowork_data.validate.report import Finding

PERSONAL_CF = re.compile(rf"\b{PERSONAL_TAX_CODE}\b", re.IGNORECASE)
EMAIL = re.compile(r"\b([A-Za-z0-9._%+-]+)@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")
WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ']+")
#: Words after which a person's name names a place or an institution, not a person.
NAMED_AFTER = frozenset(
    "via viale piazza piazzale corso largo vicolo strada ponte galleria alzaia ripa lungo san santa santo sant "
    "fondazione istituto scuola liceo teatro museo ospedale biblioteca università politecnico parco premio "
    "centro stazione aeroporto comune città provincia regione municipio unione".split()
)
#: Ordinary Italian words that the name dictionary also lists as first names.
COMMON_WORDS = frozenset(
    "italia isola rosa stella luce aurora marina serena vera sole fiore gemma gioia speranza fortuna viola ambra "
    "perla bianca celeste chiara franca grazia pace alba bruna costa piazza lucia sara oriente europa america "
    "natale pasqua domenica primo massimo bella dolce felice fedele sereno valentino".split()
)
PARTICLES = frozenset("di de del della dei degli delle da dal e ed d".split())
#: Fields and predicates that hold addresses or links, where names of people are names of streets.
SKIP_FIELDS = frozenset({"street_address", "house_number", "website", "url", "source_url", "path", "homepage",
                         "email", "$schema"})
SKIP_PREDICATES = ("thoroughfare", "fullAddress", "#address", "url", "homepage")


@cache
def _detector():
    import gender_guesser.detector as gender

    return gender.Detector(case_sensitive=False)


@cache
def _place_names() -> frozenset[str]:
    """Every two adjacent words of a comune's or a region's name (``settimo torinese``, ``rocca barbena`` of
    Castelvecchio di Rocca Barbena, ``emilia romagna``): places, not people."""
    from cowork_data.reference import load_comuni

    out = set()
    for comune in load_comuni():
        for name in (comune.name, comune.region):
            words = WORD.findall(name)
            out.update(f"{a} {b}".lower() for a, b in zip(words, words[1:], strict=False))
    return frozenset(out)


def is_first_name(word: str) -> bool:
    """A first name used in Italy, written as a name (``Mario`` or ``MARIO``), that is not an ordinary word."""
    if len(word) < 3 or not (word.istitle() or (word.isupper() and len(word) >= 4)):
        return False
    if word.lower() in COMMON_WORDS:
        return False
    return _detector().get_gender(word.capitalize(), "italy") in ("male", "female")


def person_names(text: str) -> list[str]:
    """``Firstname Surname`` pairs in ``text`` that are not part of a place or institution name."""
    words = WORD.findall(text)
    found = []
    for i, word in enumerate(words[:-1]):
        if not is_first_name(word):
            continue
        previous = words[i - 1].lower().strip("'") if i else ""
        if previous in NAMED_AFTER or (i > 1 and previous in PARTICLES and words[i - 2].lower() in NAMED_AFTER):
            continue
        following = words[i + 1]
        surname = following.istitle() or (word.isupper() and following.isupper())
        if surname and following.lower() not in PARTICLES and len(following) > 1 \
                and f"{word} {following}".lower() not in _place_names():
            found.append(f"{word} {following}")
    return found


def personal_emails(text: str) -> list[str]:
    found = []
    for local, _domain in EMAIL.findall(text):
        tokens = [t for t in re.split(r"[._+-]", local) if t.isalpha()]
        if tokens and any(is_first_name(t.capitalize()) for t in tokens):
            found.append(f"{local}@{_domain}")
    return found


def personal_tax_codes(text: str) -> list[str]:
    return [m.group(0) for m in PERSONAL_CF.finditer(text) if codicefiscale.is_valid(m.group(0).upper())]


def scan_text(text: str, *, where: dict) -> Iterator[Finding]:
    checks = (("privacy-tax-code", personal_tax_codes), ("privacy-email", personal_emails),
              ("privacy-person-name", person_names))
    for code, find in checks:
        if code == "privacy-person-name" and where.get("field") in SKIP_FIELDS:
            continue
        for value in find(text):
            yield Finding.of(code, {"value": value}, value=value, **where)


def scan_csv(path: Path) -> Iterator[Finding]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        for row_number, row in enumerate(reader, start=2):
            for col, cell in enumerate(row, start=1):
                if cell:
                    name = header[col - 1] if col <= len(header) else ""
                    yield from scan_text(cell, where={"file": str(path), "row": row_number, "column": col,
                                                      "field": name})


def _json_strings(data: object, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _json_strings(v, k)
    elif isinstance(data, list):
        for v in data:
            yield from _json_strings(v, key)
    elif isinstance(data, str):
        yield key, data


def _field(name: str) -> str:
    """A predicate or JSON-LD key as a field name; address and link properties count as ``url`` (not scanned)."""
    return "url" if any(k in name for k in SKIP_PREDICATES) else name


def scan_json(path: Path) -> Iterator[Finding]:
    data = json.loads(path.read_text(encoding="utf-8"))
    for key, text in _json_strings(data):
        yield from scan_text(text, where={"file": str(path), "field": _field(key)})


def scan_ntriples(path: Path) -> Iterator[Finding]:
    with path.open(encoding="utf-8") as fh:
        for line_number, line in enumerate(fh, start=1):
            parts = line.split(" ", 2)
            if len(parts) < 3 or not parts[2].startswith('"'):
                continue
            field = _field(parts[1].strip("<>"))
            literal = json.loads(parts[2].rsplit('"', 1)[0] + '"') if parts[2].count('"') >= 2 else parts[2]
            yield from scan_text(literal, where={"file": str(path), "row": line_number, "field": field})


def scan_rdf(path: Path) -> Iterator[Finding]:
    """Literals of a Turtle, TriG or N-Quads file (the catalogue, the named-graph files)."""
    from rdflib import Dataset, Literal

    formats = {".ttl": "turtle", ".trig": "trig", ".nq": "nquads"}
    dataset = Dataset()
    dataset.parse(path, format=formats[path.suffix])
    for s, p, o, _g in dataset.quads((None, None, None, None)):
        if isinstance(o, Literal):
            yield from scan_text(str(o), where={"file": str(path), "field": _field(str(p)), "focus_node": str(s)})


def scan_paths(paths: Iterable[Path]) -> list[Finding]:
    """Scan published files: CSV, JSON and JSON-LD, N-Triples, Turtle, TriG and N-Quads; others are not read."""
    findings: list[Finding] = []
    for path in sorted(paths):
        if path.suffix == ".csv":
            findings.extend(scan_csv(path))
        elif path.suffix in (".json", ".jsonld"):
            findings.extend(scan_json(path))
        elif path.suffix == ".nt":
            findings.extend(scan_ntriples(path))
        elif path.suffix in (".ttl", ".trig", ".nq"):
            findings.extend(scan_rdf(path))
    return findings


def scan_release(output: Path) -> list[Finding]:
    """Scan every published file of a release (``datapackage.json`` and ``data/``)."""
    return scan_paths([output / "datapackage.json", *(p for p in (output / "data").rglob("*") if p.is_file())])
