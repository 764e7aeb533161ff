"""Shared types of the adapters."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from cowork_data.errors import UnreadableSnapshot
from cowork_data.readers import cell_value as cell_text
from cowork_data.readers import sheet_from_records

__all__ = ["Dataset", "Distribution", "RawTable", "UnreadableSnapshot", "cell_text", "header_key", "json_document",
           "table_from_records"]

#: OpenDataSoft's labels of its own geographic fields, by the field name an export "with names" gives them.
_ODS_LABELS = {"geo_point": "geo_point_2d", "geo_shape": "geo_shape"}
_NOT_KEY = re.compile(r"[^0-9a-z]+")


def json_document(data: bytes, key: str) -> Any:
    """``data`` read as JSON (UTF-8, a byte-order mark allowed); bytes that are not JSON raise
    :class:`UnreadableSnapshot` with the catalogue message ``key`` (its ``detail``: what the parser said)."""
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise UnreadableSnapshot(key, detail=str(exc)[:200]) from exc


@lru_cache(maxsize=4096)  # a catalogue's sources share their headers: each is folded once
def header_key(name: str) -> str:
    """What two spellings of one column share: case, spaces, dashes and dots aside (``Numero postazioni`` and
    ``numero_postazioni``, as an OpenDataSoft export writes a field with labels and with names), and
    OpenDataSoft's label ``Geo Point`` is its field ``geo_point_2d``."""
    key = _NOT_KEY.sub("_", name.strip().casefold()).strip("_")
    return _ODS_LABELS.get(key, key)


@dataclass
class RawTable:
    """Records as published: a header, rows of text, and where each row is in the file (`row=5`, `feature=2`)."""

    header: list[str]
    rows: list[list[str]]
    locators: list[str]
    #: what the format says beyond cells (the readers' ``Sheet.meta``: ``crs``, ``geometry``)
    meta: dict[str, Any] = field(default_factory=dict)

    def records(self) -> list[dict[str, str]]:
        return [dict(zip(self.header, row, strict=False)) for row in self.rows]


@dataclass(frozen=True)
class Distribution:
    """A downloadable file found in a catalogue, with the licence the catalogue gives it.

    ``title`` and ``description`` are in Italian when the catalogue has them so (``titles`` keeps every language,
    ``""`` for untagged); ``dataset`` is the title of its dataset; ``download`` says the URL is a download URL, not
    an access URL (maybe a landing page); ``modified`` is the distribution's date, else its dataset's.
    """

    url: str
    format: str
    title: str = ""
    licence: dict[str, str] = field(default_factory=dict, hash=False)
    modified: str = ""
    iri: str = ""
    titles: dict[str, str] = field(default_factory=dict, hash=False)
    description: str = ""
    dataset: str = ""
    download: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "format": self.format, "title": self.title, "licence": dict(self.licence),
                "modified": self.modified}


@dataclass(frozen=True)
class Dataset:
    """A dataset of a catalogue (DCAT) or a portal (a CKAN package) with its distributions."""

    iri: str
    identifier: str
    title: str
    titles: dict[str, str] = field(default_factory=dict, hash=False)
    description: str = ""
    descriptions: dict[str, str] = field(default_factory=dict, hash=False)
    modified: str = ""
    licence: dict[str, str] = field(default_factory=dict, hash=False)
    distributions: list[Distribution] = field(default_factory=list, hash=False)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.identifier or self.iri, "title": self.title, "modified": self.modified,
                "licence": dict(self.licence), "distributions": [d.to_dict() for d in self.distributions]}


def table_from_records(records: list[dict[str, str]], locator: str) -> RawTable:
    """A table with the union of the records' keys as header, in order of first appearance (the readers' rule)."""
    sheet = sheet_from_records(records, locator)
    return RawTable(header=sheet.header_cells, rows=sheet.data_rows, locators=sheet.data_locators)
