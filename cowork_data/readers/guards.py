"""Bounds on what a reader does with a stranger's bytes, checked before any parser sees them (issue 9).

A zip container (XLSX, ODS, a ZIP of tables) is inflated once as a stream and refused when it inflates beyond
:data:`MAX_INFLATED_BYTES` (a zip bomb, whatever its headers declare), holds a DTD (XXE, entity expansion), or places
cells so far apart that the grid would exceed :data:`MAX_COLUMNS` columns or :data:`MAX_CELLS` cells; XML formats
with a DTD are refused (in UTF-16 too, where a byte search misses it); a table wider than :data:`MAX_COLUMNS` is
refused.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import NoReturn

from cowork_data import i18n
from cowork_data.errors import UnreadableFileError
from cowork_data.readers.decoding import utf16_variant
from cowork_data.readers.model import container, container_fix, subject_text

__all__ = ["ARCHIVE", "MAX_CELLS", "MAX_COLUMNS", "MAX_INFLATED_BYTES", "MAX_ZIP_MEMBERS", "SPREADSHEET",
           "check_spreadsheet", "check_width", "has_dtd", "inflate", "refuse", "zip_members"]

#: Widest table read: a list of spaces has a few dozen columns; 20,000 columns is an attack or an accident.
MAX_COLUMNS = 2_000
#: Largest grid of a sheet (rows × columns up to the farthest cell), checked before calamine allocates it.
MAX_CELLS = 2_000_000
#: Most bytes a zip may inflate to (all members together), measured while inflating.
MAX_INFLATED_BYTES = 128 * 1024 * 1024
MAX_ZIP_MEMBERS = 10_000
DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")
CELL_REF = re.compile(rb"<c\b[^>]{0,200}?\br=\"([A-Z]{1,3})([0-9]{1,7})\"")
ROW_REF = re.compile(rb"<row\b[^>]{0,200}?\br=\"([0-9]{1,7})\"")
#: What a refused container was expected to be, for :func:`refuse`: the catalogue says it
#: (``label.container.<what>``) and how to fix it (``label.container-fix.<what>``).
SPREADSHEET = "spreadsheet"
ARCHIVE = "archive"
_MB = 1024 * 1024


def refuse(name: str, reason: str, what: str = SPREADSHEET, *, fix: str = "", **params: object) -> NoReturn:
    """Refuse the file ``name``: it is not a readable ``what`` (:data:`SPREADSHEET`, :data:`ARCHIVE`) because of
    ``reason`` (the catalogue's ``label.refused.<reason>``, with ``params``); the hint: ``what``'s fix, or ``fix``'s."""
    raise UnreadableFileError("error.read-refused", subject=subject_text(name), what=container(what),
                              reason=i18n.Text.of(f"label.refused.{reason}", **params), fix=container_fix(fix or what))


def zip_members(data: bytes, name: str, what: str = SPREADSHEET) -> list[zipfile.ZipInfo]:
    """The members of a zip, refused when it is damaged, holds too many files or declares too many bytes."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        refuse(name, "zip-damaged", what, detail=exc)
    if len(members) > MAX_ZIP_MEMBERS:
        refuse(name, "zip-members", what, count=len(members))
    declared = sum(m.file_size for m in members if not m.is_dir())
    if declared > MAX_INFLATED_BYTES:
        _zip_bomb(name, declared, len(data))
    return members


def check_spreadsheet(data: bytes, name: str) -> None:
    """Inflate every member of an XLSX or ODS once, as a stream, and refuse bombs, DTDs and huge grids.

    The inflated size is counted on the deflate stream itself, so a member that declares a small size in its zip
    headers and inflates to hundreds of MB is caught too. Nothing inflated is kept.
    """
    inflated = 0
    for member in zip_members(data, name):
        sheet = member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")
        ods_grid = _OdsGrid() if member.filename == "content.xml" else None
        max_row = max_col = 0
        tail = b""
        for chunk in _chunks(data, member, name):
            inflated += len(chunk)
            if inflated > MAX_INFLATED_BYTES:
                _zip_bomb(name, inflated, len(data), at_least=True)
            window = tail + chunk
            if any(marker in window for marker in DTD_MARKERS):
                refuse(name, "dtd", fix="dtd", member=member.filename)
            if sheet:
                for match in CELL_REF.finditer(window):
                    max_col = max(max_col, _column_number(match.group(1)))
                    max_row = max(max_row, int(match.group(2)))
                for match in ROW_REF.finditer(window):
                    max_row = max(max_row, int(match.group(1)))
            if ods_grid is not None and ods_grid.feed(chunk) > MAX_CELLS:
                _too_many_cells(name, member.filename, "repeated", cells=ods_grid.cells)
            tail = chunk[-256:]
        if max_col > MAX_COLUMNS:
            _too_wide(name, max_col)
        if max_row * max_col > MAX_CELLS:
            _too_many_cells(name, member.filename, "grid", row=max_row, column=max_col, cells=max_row * max_col)


def inflate(data: bytes, member: zipfile.ZipInfo, name: str) -> bytes:
    """The bytes of one member of a zip, refused as a bomb beyond :data:`MAX_INFLATED_BYTES`."""
    parts, size = [], 0
    for chunk in _chunks(data, member, name, ARCHIVE):
        size += len(chunk)
        if size > MAX_INFLATED_BYTES:
            _zip_bomb(name, size, len(data), at_least=True)
        parts.append(chunk)
    return b"".join(parts)


def has_dtd(data: bytes) -> bool:
    """A DTD in an XML file, in UTF-8 or UTF-16 (where a byte search for ``<!ENTITY`` would miss it)."""
    if any(marker in data for marker in DTD_MARKERS):
        return True
    wide = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else utf16_variant(data)
    return bool(wide) and any(m.decode() in data.decode(wide, "ignore") for m in DTD_MARKERS)


def check_width(rows: list[list[str]], name: str) -> None:
    width = max((len(r) for r in rows), default=0)
    if width > MAX_COLUMNS:
        _too_wide(name, width)


class _OdsGrid:
    """Counts the cells an ODS ``content.xml`` expands to: rows-repeated × columns-repeated of cells with content.

    Empty cells are written self-closing (``<table:table-cell table:number-columns-repeated="16384"/>``, as
    LibreOffice pads every sheet) and calamine skips them, so only cells with content count.
    """

    TAG = re.compile(rb"<table:table-(row|cell)\b([^>]*?)(/?)>")
    REPEAT = re.compile(rb'number-(?:rows|columns)-repeated="([0-9]{1,10})"')

    def __init__(self) -> None:
        self.cells = 0
        self._repeat = 1
        self._carry = b""

    def feed(self, chunk: bytes) -> int:
        buffer = self._carry + chunk
        cut = buffer.rfind(b">") + 1
        self._carry = buffer[cut:][-65536:]
        for kind, attributes, closed in self.TAG.findall(buffer[:cut]):
            repeat = self.REPEAT.search(attributes)
            count = int(repeat.group(1)) if repeat else 1
            if kind == b"row":
                self._repeat = count
            elif not closed:
                self.cells += self._repeat * count
        return self.cells


def _chunks(data: bytes, member: zipfile.ZipInfo, name: str,
            what: str = SPREADSHEET) -> Iterator[bytes]:
    """The member's bytes in chunks of at most 1 MB, read from its local header on (declared sizes not trusted)."""
    start = member.header_offset
    if data[start:start + 4] != b"PK\x03\x04":
        refuse(name, "zip-header", what, member=member.filename)
    name_length, extra_length = struct.unpack_from("<HH", data, start + 26)
    offset = start + 30 + name_length + extra_length
    raw = data[offset:offset + member.compress_size]
    if member.compress_type == zipfile.ZIP_STORED:
        for i in range(0, len(raw), _MB):
            yield raw[i:i + _MB]
        return
    if member.compress_type != zipfile.ZIP_DEFLATED:
        refuse(name, "compression", what, member=member.filename)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        for i in range(0, len(raw), 1 << 16):
            yield inflater.decompress(raw[i:i + (1 << 16)], _MB)
            while inflater.unconsumed_tail:
                yield inflater.decompress(inflater.unconsumed_tail, _MB)
    except zlib.error as exc:
        refuse(name, "deflate", what, member=member.filename, detail=exc)


def _zip_bomb(name: str, size: int, compressed: int, *, at_least: bool = False) -> NoReturn:
    raise UnreadableFileError("error.read-zip-bomb", subject=subject_text(name),
                              inflates=i18n.Text.of("label.inflates.at-least" if at_least else "label.inflates.to"),
                              mb=size // _MB, ratio=size // max(compressed, 1), compressed=compressed,
                              limit=MAX_INFLATED_BYTES // _MB)


def _too_many_cells(name: str, member: str, extent: str, **params: object) -> NoReturn:
    """A sheet whose grid is larger than :data:`MAX_CELLS`; ``extent`` says how (``label.sheet-extent.<extent>``)."""
    raise UnreadableFileError("error.read-too-many-cells", member=member, limit=MAX_CELLS,
                              of=i18n.Text.of("label.sheet-of", name=name) if name else "",
                              extent=i18n.Text.of(f"label.sheet-extent.{extent}", **params))


def _too_wide(name: str, columns: int) -> NoReturn:
    raise UnreadableFileError("error.read-too-wide", subject=subject_text(name), columns=columns, limit=MAX_COLUMNS)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number
