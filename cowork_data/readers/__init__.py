"""Readers: from the bytes of a file to sheets of text cells, the one way every part of the toolkit reads a file.

The harvest adapters, the build, ``validate``, ``fix`` and ``/valida`` all read through :func:`read`: the format is
sniffed from the content (CSV and other delimited text, XLSX, ODS, XLS, GeoJSON, JSON records, KML, web pages with
tables, PDF tables, and a ZIP archive holding one of them); text is decoded by :func:`decode` (byte-order marks,
UTF-8, UTF-16 without a BOM, double-encoded UTF-8, the Western and Central European code pages, see
:mod:`.decoding`); the CSV dialect is sniffed once (:mod:`.delimited`); stranger's bytes are bounded before a parser
sees them (:mod:`.guards`: zip bombs, XXE, huge grids). Nothing is set for the whole process, so readers may run in
threads.

    >>> book = read("Nome;Comune\\nSpazio Prova;Forlì\\n".encode("cp1252"), name="elenco.csv")
    >>> book.encoding, book.delimiter, book.sheets[0].rows
    ('cp1252', ';', [['Nome', 'Comune'], ['Spazio Prova', 'Forlì']])
"""

from __future__ import annotations

from cowork_data.readers.decoding import CANDIDATES, Decoded, decode, repair
from cowork_data.readers.guards import MAX_CELLS, MAX_COLUMNS, MAX_INFLATED_BYTES, MAX_ZIP_MEMBERS
from cowork_data.readers.model import Sheet, Workbook
from cowork_data.readers.reading import parse_csv, read, read_file
from cowork_data.readers.records import cell_value, sheet_from_records
from cowork_data.readers.sniff import FORMATS, SUFFIXES

__all__ = ["CANDIDATES", "Decoded", "FORMATS", "MAX_CELLS", "MAX_COLUMNS", "MAX_INFLATED_BYTES", "MAX_ZIP_MEMBERS",
           "SUFFIXES", "Sheet", "Workbook", "cell_value", "decode", "parse_csv", "read", "read_file", "repair",
           "sheet_from_records"]
