"""Licences as catalogues write them, normalised to the Italian licence vocabulary.

A catalogue names a licence in many ways: the licence document's IRI (``https://creativecommons.org/licenses/by/4.0/``,
with or without the trailing slash, ``deed.it``, ``legalcode``, ``http``), a concept of the Italian vocabulary
(``https://w3id.org/italia/controlled-vocabulary/licences/A21_CCBY40``), an EU authority code
(``http://publications.europa.eu/resource/authority/licence/CC_BY_4_0``), a CKAN ``license_id`` (``cc-by-4.0``,
``iodl-v2.0``, ``odc-odbl``) or a name (``CC BY 3.0 IT``). :func:`normalise_licence` reads any of them into the
concept of the vocabulary (``reference/licences/licences.csv``, from the vocabulary ckanext-dcatapit loads), with the
text the document gave kept as ``url`` when it is an IRI.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = ["Licence", "licence_key", "normalise_licence", "vocabulary"]

VOCABULARY = "https://w3id.org/italia/controlled-vocabulary/licences"
_FILE = Path(__file__).resolve().parent.parent.parent / "reference" / "licences" / "licences.csv"
_CC_URL = re.compile(r"creativecommons\.org/(?:licen[sc]es|licenze)/([a-z-]+)/(\d(?:\.\d)?)(?:/([a-z]{2})(?=/|$))?")
_CC0 = re.compile(r"publicdomain/zero|\bcc0\b|\bcc[ -]?zero\b")
_VERSION = re.compile(r"(?<![\d.])v?(\d)(?:[._ ]?(\d))?(?![\d])")
#: the Creative Commons families, longest first (so "by-nc-sa" is not read as "by")
_FAMILIES = ("by-nc-nd", "by-nd-nc", "by-nc-sa", "by-nc", "by-nd", "by-sa", "by")
#: other licences by a word of their name or IRI → the family key
_OTHERS = (("odbl", "odbl"), ("open database", "odbl"), ("pddl", "pddl"), ("odc-by", "odc-by"), ("odc by", "odc-by"),
           ("odc_by", "odc-by"), ("iodl", "iodl"), ("italian open data", "iodl"), ("gfdl", "gfdl"),
           ("free documentation", "gfdl"), ("against drm", "adrm"))
#: family key → notation of its broader concept, for a licence named without a version ("cc-by")
_BROADER = {"by": "A.2", "by-sa": "A.3", "by-nc": "B.1", "by-nc-sa": "B.1", "by-nd": "B.2", "by-nc-nd": "B.2",
            "by-nd-nc": "B.2", "odc-by": "A.2.10", "odbl": "A.3.10", "pddl": "A.1.2", "gfdl": "A.3.11",
            "adrm": "A.4.1", "cc0": "A.1.1"}


@dataclass(frozen=True)
class Licence:
    """One concept of the Italian licence vocabulary."""

    iri: str
    notation: str
    id: str
    document: str
    label_it: str
    label_en: str


@cache
def vocabulary() -> tuple[Licence, ...]:
    """The concepts of the vocabulary, in the order of their notation."""
    with _FILE.open(encoding="utf-8", newline="") as fh:
        return tuple(Licence(**row) for row in csv.DictReader(fh))


def licence_key(text: str) -> str:
    """A key two names of the same licence share: ``cc-by-4.0``, ``cc-by-sa-3.0-it``, ``iodl-2.0``, ``cc-by`` (no
    version given), ``""`` when the text names no licence this module knows."""
    t = text.strip().lower().replace("\u2013", "-")
    if not t:
        return ""
    if _CC0.search(t) or "cc_0" in t:
        return "cc0-1.0"
    match = _CC_URL.search(t)
    if match:
        family, version, country = match.groups()
        version = version if "." in version else f"{version}.0"
        return "-".join(["cc", family, version, *([country] if country else [])])
    eu = re.search(r"/authority/licen[cs]e/([a-z0-9_]+)", t)
    if eu:
        t = eu.group(1).replace("bync", "by-nc").replace("bysa", "by-sa").replace("bynd", "by-nd")
        t = t.replace("ncsa", "nc-sa").replace("ncnd", "nc-nd")
    words = re.sub(r"[\s_/]+", " ", t)
    family = _family(words)
    if not family:
        return ""
    version = _VERSION.search(words)
    number = f"{version.group(1)}.{version.group(2) or '0'}" if version else ""
    italy = bool(re.search(r"(?<![a-z])(it|ita|italia|italy)(?![a-z])", words)) and family.startswith("by")
    return "-".join([*([] if family in ("odbl", "pddl", "odc-by", "iodl", "gfdl", "adrm") else ["cc"]), family,
                     *([number] if number else []), *(["it"] if italy and number else [])])


def _family(words: str) -> str:
    for needle, family in _OTHERS:
        if needle in words:
            return family
    spaced = words.replace("-", " ")
    if not re.search(r"\bcc\b|creative ?commons|\battribu", spaced) and not spaced.startswith("by"):
        return ""
    names = {"by nc nd": "by-nc-nd", "by nd nc": "by-nd-nc", "by nc sa": "by-nc-sa", "by nc": "by-nc",
             "by nd": "by-nd", "by sa": "by-sa", "by": "by"}
    plain = " " + re.sub(r"[^a-z0-9.]+", " ", spaced) + " "
    for name in sorted(names, key=len, reverse=True):
        if f" {name} " in plain:
            return names[name]
    long_names = (("non ?commerciale?.*condivid|noncommercial.*sharealike", "by-nc-sa"),
                  ("non ?commerciale?.*(?:opere derivate|noderiv)|noncommercial.*noderiv", "by-nc-nd"),
                  ("non ?commerciale?|noncommercial", "by-nc"), ("opere derivate|noderiv", "by-nd"),
                  ("condivid|sharealike|share alike", "by-sa"), ("attribu", "by"))
    for pattern, family in long_names:
        if re.search(pattern, spaced):
            return family
    return ""


@cache
def _index() -> dict[str, Licence]:
    index: dict[str, Licence] = {}
    for licence in vocabulary():
        if licence.document:
            index.setdefault(_document_key(licence.document), licence)
        for text in (licence.id, licence.label_en):
            key = licence_key(text)
            if key and licence.id:
                index.setdefault(key, licence)
    by_notation = {licence.notation: licence for licence in vocabulary()}
    for family, notation in _BROADER.items():
        key = family if family in ("odbl", "pddl", "odc-by", "gfdl", "adrm", "cc0") else f"cc-{family}"
        index.setdefault(key, by_notation[notation])
    return index


def _concept(text: str) -> Licence | None:
    t = text.strip()
    if t.startswith(VOCABULARY + "/"):
        return next((lic for lic in vocabulary() if lic.iri == t.rstrip("/")), None)
    index = _index()
    return index.get(_document_key(t)) or index.get(licence_key(t))


def _document_key(iri: str) -> str:
    return "doc:" + re.sub(r"^[a-z]+://(www\.)?", "", iri.strip().lower()).rstrip("/")


def normalise_licence(*names: str) -> dict[str, str]:
    """The licence named by the first of `names` that names one (an IRI, an id, a title), as a licence record:
    ``id`` (SPDX where it has one, else the vocabulary's), ``url`` (the IRI the document gave, kept as written, else
    the licence document's), ``note`` (the English label), ``concept`` (the IRI in the Italian vocabulary), ``title_it``
    and ``title_en``. A name no concept matches is kept as it is: ``id`` is its last path segment (a trailing slash
    does not make it empty), ``concept`` empty."""
    given = [n.strip() for n in names if n and n.strip()]
    for name in given:
        concept = _concept(name)
        if concept is not None:
            iri = next((n for n in given if _is_iri(n) and not n.startswith(VOCABULARY)), "")
            label = next((n for n in given if not _is_iri(n)), "")
            return {"id": concept.id or label or _last_segment(iri or concept.iri),
                    "url": iri or concept.document or concept.iri,
                    "note": concept.label_en, "concept": concept.iri, "title_it": concept.label_it,
                    "title_en": concept.label_en}
    if not given:
        return {}
    first = given[0]
    label = next((n for n in given if not _is_iri(n)), "")
    return {"id": _last_segment(first) if _is_iri(first) else first, "url": first if _is_iri(first) else "",
            "note": label, "concept": "", "title_it": "", "title_en": ""}


def _is_iri(text: str) -> bool:
    return bool(re.match(r"^[a-z][a-z0-9+.-]*://", text, re.I))


def _last_segment(iri: str) -> str:
    parts = [p for p in re.split(r"[/#]", iri.split("?", 1)[0]) if p]
    return parts[-1] if parts else iri
