"""The repository checks the Italian National Data Catalog runs on a publisher's ``assets/`` before harvesting it.

Written here from the hooks of teamdigitale/dati-semantic-cookiecutter (``.pre-commit-hooks.yaml`` and
``scripts/check_*.py``, read at commit 00e70476): each function is one hook, run on the three root folders the
hooks are given (``controlled-vocabularies/``, ``ontologies/``, ``schemas/``) and returning what it would print as
errors. Two checks of ours are added: ``latest/`` holds the same bytes as the newest version folder, and no other
folder sits beside the three.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, SKOS

ROOTS = ("controlled-vocabularies", "ontologies", "schemas")
DCATAPIT_DATASET = URIRef("http://dati.gov.it/onto/dcatapit#Dataset")
#: check-filename-format: names of folders, and of .ttl, .rdf, .csv and .yaml files without their last suffix.
NAME = re.compile(r"^[\\.a-z0-9 _-]{1,64}$")
NAMED_SUFFIXES = (".ttl", ".rdf", ".csv", ".yaml")
#: check-filenames-match-directories: what needs not be named after one of its three enclosing folders.
EXCLUDED_NAMES = ("index", "datapackage", "context-short", "rules")
EXCLUDED_EXTENSIONS = (".oas3.yaml", ".md", ".shacl", ".frame.yamlld", ".ld.yaml")
VERSION = re.compile(r"(latest|v?\d+(\.\d+){0,2})$")
HAS_DIGIT = re.compile(r"(latest|\b(?:\D*\d\D*)+\b)")


def repo_structure(folder: Path) -> list[str]:
    """check-repo-structure: the three root folders exist (and, ours, nothing else is beside them)."""
    errors = [f"directory {name}/ does not exist" for name in ROOTS if not (folder / name).is_dir()]
    errors += [f"unexpected folder {p.name}/" for p in folder.iterdir() if p.is_dir() and p.name not in ROOTS]
    return errors


def filename_format(root: Path) -> list[str]:
    errors = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in filenames:
            stem, suffix = os.path.splitext(name)
            if suffix in NAMED_SUFFIXES and not NAME.match(stem):
                errors.append(f"filename {name!r} in {dirpath} does not match the required format")
        errors += [f"directory name {d!r} in {dirpath} does not match the required format"
                   for d in dirnames if not NAME.match(d)]
    return errors


def _split(name: str) -> tuple[str, str]:
    parts = name.split(".")
    if len(parts) > 2:
        return ".".join(parts[:-2]), "." + ".".join(parts[-2:])
    return os.path.splitext(name)


def filenames_match_directories(root: Path) -> list[str]:
    errors = []
    for dirpath, _dirs, filenames in os.walk(root):
        here = Path(dirpath)
        enclosing = {here.name, here.parent.name, here.parent.parent.name}
        for name in filenames:
            stem, extension = _split(name)
            if stem not in enclosing and stem not in EXCLUDED_NAMES and extension not in EXCLUDED_EXTENSIONS:
                errors.append(f"filename {name!r} in {dirpath} does not match its containing directory name")
    return errors


def supported_files(root: Path) -> list[str]:
    """check-supported-files: every leaf folder holds a Turtle file, in UTF-8."""
    errors = []
    for dirpath, dirnames, filenames in os.walk(root):
        if dirnames or Path(dirpath) == root:
            continue
        turtle = [n for n in filenames if n.endswith(".ttl")]
        if not turtle:
            errors.append(f"no .ttl files found in directory {dirpath}")
        for name in turtle:
            try:
                (Path(dirpath) / name).read_bytes().decode("utf-8")
            except UnicodeDecodeError:
                errors.append(f"{dirpath}/{name} is not encoded in UTF-8")
    return errors


def versioning_pattern(root: Path) -> list[str]:
    errors = []
    for dirpath, dirnames, _files in os.walk(root):
        if dirnames:
            continue
        parent = Path(dirpath).parent
        versions = {d for d in os.listdir(parent) if HAS_DIGIT.match(d)} - {"latest"}
        same_form = all(re.match(r"v\d", v) for v in versions) or all(v[0].isdigit() for v in versions)
        if not same_form or not all(VERSION.match(v) for v in versions):
            errors.append(f"inconsistent versioning pattern in {parent}: {sorted(versions)}")
    return sorted(set(errors))


def _main_uri(graph: Graph, ontologies: bool) -> URIRef | None:
    if ontologies:
        found = sorted(graph.subjects(RDF.type, OWL.Ontology))
        if found:
            return found[0]
    found = sorted(set(graph.subjects(RDF.type, DCATAPIT_DATASET)) | set(graph.subjects(RDF.type, SKOS.ConceptScheme)))
    return found[0] if len(found) == 1 else None


def filename_match_uri(root: Path) -> list[str]:
    """check-filenames-match-uri: a Turtle file is named by the end of its main URI; under schemas/, that end names
    the schema file beside it."""
    errors = []
    for path in sorted(root.rglob("*.ttl")):
        uri = _main_uri(Graph().parse(path, format="turtle"), "onto" in root.name)
        if uri is None:
            errors.append(f"{path}: no main URI (one dcatapit:Dataset or skos:ConceptScheme, or the owl:Ontology)")
            continue
        last = str(uri).rstrip("/").rsplit("/", 1)[-1]
        if "schema" in root.name:
            if not (path.parent / last).is_file():
                errors.append(f"{path}: no file {last!r} beside it, the end of its URI {uri}")
        elif path.stem != last:
            errors.append(f"{path}: its URI {uri} does not end with the file name")
    return errors


def latest_is_newest(root: Path) -> list[str]:
    """Ours: ``{asset}/latest/`` holds the files of its newest ``v{version}`` folder, byte for byte."""
    errors = []
    for asset in sorted(p for p in root.iterdir() if p.is_dir()):
        versions = sorted((p for p in asset.iterdir() if p.is_dir() and re.fullmatch(r"v\d+\.\d+\.\d+", p.name)),
                          key=lambda p: tuple(int(x) for x in p.name[1:].split(".")))
        if not versions and not (asset / "latest").exists():
            continue
        latest = {p.name: p.read_bytes() for p in (asset / "latest").iterdir()} if (asset / "latest").is_dir() else {}
        if not versions or latest != {p.name: p.read_bytes() for p in versions[-1].iterdir()}:
            errors.append(f"{asset.relative_to(root.parent)}: latest/ is not the newest version")
    return errors


HOOKS = {"check-filename-format": filename_format, "check-filenames-match-uri": filename_match_uri,
         "check-filenames-match-directories": filenames_match_directories, "check-supported-files": supported_files,
         "check-versioning-pattern": versioning_pattern, "latest-is-newest": latest_is_newest}


def layout_errors(folder: Path) -> dict[str, list[str]]:
    """Hook → its errors on the assets tree ``folder`` (empty lists when it passes)."""
    out = {"check-repo-structure": repo_structure(folder)}
    for hook, check in HOOKS.items():
        out[hook] = [e for name in ROOTS if (folder / name).is_dir() for e in check(folder / name)]
    return out
