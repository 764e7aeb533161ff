"""A generated project directory for the build benchmark: a national catalogue of sources in the real formats.

INVENTED DATA: every space, operator, call and amount is made up (real ISTAT comuni, valid check digits); the
sources are labelled as fixtures. ``write_project(directory, spaces=N)`` writes:

- ``sources/spazi-{istat}.toml`` — one source per comune (7,904 comuni: about 8,000 sources at any size), the list
  of its spaces as the comune publishes it, read by the ``milano-csv`` normaliser: a ``;`` CSV with the Comune di
  Milano's quirks (unquoted commas, the ``LONG_X_4326;LAT_Y_4326;Location`` block, phones stored as numbers, a
  BOM), an XLSX sheet, a GeoJSON FeatureCollection, or the CSV of a CKAN package, in turn; each comune's list is
  its registry (every space admitted to the comune's call);
- ``sources/gestori-{region}.toml`` and ``sources/bandi-{region}.toml`` — curated CSVs per region: the operators;
  the comuni (public bodies), their registry calls, a regional grant with its funding, awards and outcome;
- ``schemas/``, ``mapping/``, ``shapes/``, ``vocab/``, ``publisher.toml`` copied from the repository;
- ``bench-project.json`` — what was generated, and the defects planted in a known share of the spaces, each planted
  row named (kinds the build repairs or warns about, so that the project builds): mojibake, swapped coordinates,
  phones that lost their leading 0, rows without coordinates, a postcode that lost a digit.

The same arguments give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import shutil
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

from bench.generate import FEATURES, vat
from cowork_data.normalise.ids import slugify

ROOT = Path(__file__).resolve().parents[1]
RETRIEVED = "2026-01-30T00:00:00Z"
FORMATS = ("csv", "xlsx", "geojson", "ckan")
DEFECTS = ("mojibake", "swapped-coordinates", "phone-as-number", "no-coordinates", "short-postcode")
COLUMNS = ("SPAZIO", "TIPOLOGIA", "SEDE", "E_MAIL", "TELEFONO_1", "TELEFONO_2", "WEB", "APERTO_DA",
           "ORARIO_DI_APERTURA", "NUMERO_POSTAZIONI", "ACCESSIBILITA", "SERVIZI", "DESCRIZIONE_BREVE", "ID", "CAP",
           "PIVA_GESTORE", "LONG_X_4326", "LAT_Y_4326", "Location")
COLUMN_MAP = {"SPAZIO": "name", "TIPOLOGIA": "type", "SEDE": "address", "E_MAIL": "email", "TELEFONO_1": "phone",
              "TELEFONO_2": "phone_alt", "WEB": "website", "APERTO_DA": "open_since",
              "ORARIO_DI_APERTURA": "opening_hours_note", "NUMERO_POSTAZIONI": "workstations",
              "ACCESSIBILITA": "wheelchair", "SERVIZI": "services", "DESCRIZIONE_BREVE": "description",
              "ID": "record_id", "CAP": "postcode", "PIVA_GESTORE": "operator_id", "LONG_X_4326": "longitude",
              "LAT_Y_4326": "latitude", "Location": "location"}
SERVICE_WORDS = {"wifi": "wi-fi", "meeting-room": "sala riunioni", "3d-printer": "stampante 3D",
                 "laser-cutter": "taglio laser", "cnc-machine": "fresa CNC", "event-space": "spazio eventi",
                 "kitchen": "angolo cottura", "lockers": "armadietti", "printer": "stampante"}
TYPES = ("Coworking", "FabLab", "Makerspace", "Hackerspace")
STREETS = ("Via Roma", "Corso Italia", "Via Garibaldi", "Piazza Duomo", "Via Mazzini", "Viale Europa", "Via Dante")
LICENCE = {"id": "CC0-1.0", "url": "https://creativecommons.org/publicdomain/zero/1.0/",
           "note": "Invented rows generated for the benchmark."}
NOTE_IT = "Righe INVENTATE generate per il benchmark: nessuno spazio, ente o importo è reale."
NOTE_EN = "INVENTED rows generated for the benchmark: no space, body or amount is real."


def write_project(directory: Path, *, spaces: int, seed: int = 1, defects: float = 0.005) -> dict[str, Any]:
    """Write a project with ``spaces`` spaces into ``directory`` (replaced); returns what ``bench-project.json``
    records."""
    from cowork_data.reference import load_comuni

    rnd = random.Random(seed)
    if directory.exists():
        shutil.rmtree(directory)
    for name in ("schemas", "mapping", "shapes", "vocab"):
        shutil.copytree(ROOT / name, directory / name)
    shutil.copy2(ROOT / "publisher.toml", directory / "publisher.toml")
    (directory / "sources" / "snapshots").mkdir(parents=True)
    (directory / "ids").mkdir()
    comuni = sorted(load_comuni(), key=lambda c: c.istat)
    by_comune: dict[int, list[int]] = {}
    for i in range(spaces):
        by_comune.setdefault(i % len(comuni), []).append(i)
    n_orgs = max(2, spaces // 2)
    planted = {kind: 0 for kind in DEFECTS}
    planted_rows: list[dict[str, str]] = []
    regions: dict[str, dict[str, list[Any]]] = {}
    home: dict[str, str] = {}  # an operator is described once, by the region of the first space it runs
    for index, numbers in sorted(by_comune.items()):
        comune = comuni[index]
        region = regions.setdefault(comune.region, {"comuni": [], "spaces": [], "operators": []})
        region["comuni"].append(comune)
        rows = []
        for i in numbers:
            row, defect = _space(i, comune, rnd, n_orgs, defects)
            if defect:
                planted[defect] += 1
                planted_rows.append({"space": space_id(i, comune.belfiore), "source": f"spazi-{comune.istat}",
                                     "defect": defect})
            rows.append(row)
            region["spaces"].append((i, comune, row["PIVA_GESTORE"]))
            if row["PIVA_GESTORE"] and home.setdefault(row["PIVA_GESTORE"], comune.region) == comune.region:
                region["operators"].append(row["PIVA_GESTORE"])
        _spaces_source(directory, comune, rows, FORMATS[index % len(FORMATS)])
    for name, region in sorted(regions.items()):
        _regional_sources(directory, name, region)
    record = {"spaces": spaces, "seed": seed, "defect_share": defects, "planted": planted,
              "sources": len(by_comune) + 2 * len(regions), "comuni": len(by_comune), "regions": len(regions),
              "formats": {fmt: sum(1 for i in by_comune if FORMATS[i % len(FORMATS)] == fmt) for fmt in FORMATS},
              "planted_rows": planted_rows, "note": "INVENTED DATA generated by bench/project.py"}
    (directory / "bench-project.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return record


def space_id(i: int, belfiore: str) -> str:
    """The id the build gives space ``i`` (the crosswalk mints ``{belfiore}/{slug of the name}``)."""
    return f"{belfiore.lower()}/{slugify(f'Spazio Esempio {i}')}"


def _space(i: int, comune: Any, rnd: random.Random, n_orgs: int, share: float) -> tuple[dict[str, str], str]:
    codes = sorted({FEATURES[(k + i) % len(FEATURES)] for k in rnd.sample(range(8), 3)})
    lat, lon = 38 + (i % 900) / 100, 8 + (i % 1000) / 100
    row = {
        "SPAZIO": f"Spazio Esempio {i}", "TIPOLOGIA": TYPES[i % 4], "SEDE": f"{STREETS[i % 7]}, {i % 120 + 1}",
        "E_MAIL": f"info{i}@example.org", "TELEFONO_1": f"02{i % 100_000_000:08d}", "TELEFONO_2": "",
        "WEB": f"www.spazio{i}.example.org", "APERTO_DA": str(2000 + i % 24), "ORARIO_DI_APERTURA": "lun-ven 9-18",
        "NUMERO_POSTAZIONI": str(i % 60 + 1), "ACCESSIBILITA": "SI",
        "SERVIZI": ", ".join(SERVICE_WORDS[c] for c in codes), "DESCRIZIONE_BREVE": f"Spazio inventato numero {i}.",
        "ID": f"S{i:07d}", "CAP": f"{(i * 13) % 90000 + 10000:05d}",
        "PIVA_GESTORE": vat((i * 3) % n_orgs) if i % 10 else "",
        "LONG_X_4326": f"{lon:.7f}", "LAT_Y_4326": f"{lat:.7f}", "Location": f"({lat:.7f}, {lon:.7f})",
    }
    defect = ""
    if rnd.random() < share:
        defect = DEFECTS[rnd.randrange(len(DEFECTS))]
        if defect == "mojibake":
            row["DESCRIZIONE_BREVE"] = "Caffè e attività per il quartiere.".encode().decode("latin-1")
        elif defect == "swapped-coordinates":
            row["LONG_X_4326"], row["LAT_Y_4326"] = row["LAT_Y_4326"], row["LONG_X_4326"]
        elif defect == "phone-as-number":
            row["TELEFONO_1"] = row["TELEFONO_1"].lstrip("0")
        elif defect == "no-coordinates":
            row["LONG_X_4326"] = row["LAT_Y_4326"] = row["Location"] = ""
        elif defect == "short-postcode":
            row["CAP"] = row["CAP"][1:]
    return row, defect


def _snapshot(directory: Path, source_id: str, name: str, data: bytes, url: str) -> str:
    folder = directory / "sources" / "snapshots" / source_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    provenance = {"source_id": source_id, "url": url, "final_url": url, "retrieved_at": RETRIEVED, "status": 200,
                  "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "licence": LICENCE,
                  "fixture": True, "note": NOTE_EN}
    (folder / f"{name}.provenance.json").write_text(json.dumps(provenance, indent=2) + "\n", encoding="utf-8")
    return f"sources/snapshots/{source_id}/{name}"


def _toml(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _write_source(directory: Path, source_id: str, body: list[str]) -> None:
    (directory / "sources" / f"{source_id}.toml").write_text("\n".join(body) + "\n", encoding="utf-8")


def _common(source_id: str, title: str, publisher: str, url: str, snapshots: Sequence[str],
            tables: Sequence[str], adapter: str, fmt: str, extra: Sequence[str] = ()) -> list[str]:
    return [f"id = {_toml(source_id)}", f"title = {_toml(title)}", f"publisher = {_toml(publisher)}",
            f"url = {_toml(url)}", f"adapter = {_toml(adapter)}", f"format = {_toml(fmt)}",
            f"tables = {_toml(list(tables))}",
            f"snapshot = {_toml(list(snapshots) if len(snapshots) > 1 else snapshots[0])}", "fixture = true",
            *extra, "",
            "[fixture_note]", f"it = {_toml(NOTE_IT)}", f"en = {_toml(NOTE_EN)}", "", "[licence]",
            *(f"{k} = {_toml(v)}" for k, v in LICENCE.items()), ""]


def _spaces_source(directory: Path, comune: Any, rows: list[dict[str, str]], fmt: str) -> None:
    source_id = f"spazi-{comune.istat}"
    url = f"https://dati.example.org/{comune.belfiore.lower()}/spazi"
    columns = dict(COLUMN_MAP)
    if fmt == "xlsx":
        name, data = "spazi.xlsx", _xlsx(COLUMNS, rows)
    elif fmt == "geojson":
        name, data = "spazi.geojson", _geojson(rows)
        columns.pop("LONG_X_4326"), columns.pop("LAT_Y_4326"), columns.pop("Location")
        columns["geometry.lon"], columns["geometry.lat"] = "longitude", "latitude"
    else:
        name, data = "spazi.csv", _milan_csv(rows)
    snapshot = _snapshot(directory, source_id, name, data, url)
    body = _common(source_id, f"Comune di {comune.name} — spazi di lavoro condiviso (righe inventate)",
                   f"Comune di {comune.name}", url, [snapshot], ["spaces", "admissions"],
                   "ckan" if fmt == "ckan" else "local", "milano-csv",
                   [f"comune = {_toml(comune.istat)}", 'space_type = "coworking"',
                    f"admissions_call = {_toml(registry_call(comune))}"])
    body += ["[columns]", *(f"{_toml(k)} = {_toml(v)}" for k, v in columns.items())]
    if fmt == "ckan":
        package = f"spazi-{comune.belfiore.lower()}"
        body += ["", "[ckan]", 'base_url = "https://dati.example.org"', f"dataset_id = {_toml(package)}",
                 f"resource_id = {_toml(package + '-csv')}", f"download_url = {_toml(url + '.csv')}"]
    _write_source(directory, source_id, body)


def registry_call(comune: Any) -> str:
    return f"{comune.belfiore.lower()}/2020-elenco-spazi"


def _milan_csv(rows: list[dict[str, str]]) -> bytes:
    lines = [";".join(COLUMNS)] + [";".join(row[c] for c in COLUMNS) for row in rows]
    return "\ufeff".encode() + ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _geojson(rows: list[dict[str, str]]) -> bytes:
    features = []
    for row in rows:
        props = {c: row[c] for c in COLUMNS if c not in ("LONG_X_4326", "LAT_Y_4326", "Location")}
        geometry = None
        if row["LONG_X_4326"] and row["LAT_Y_4326"]:
            geometry = {"type": "Point", "coordinates": [float(row["LONG_X_4326"]), float(row["LAT_Y_4326"])]}
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode("utf-8")


def _xlsx(columns: Sequence[str], rows: list[dict[str, str]]) -> bytes:
    """A one-sheet workbook with inline strings (phones as numbers, as spreadsheets store them), fixed dates."""
    def cell(ref: str, value: str, numeric: bool) -> str:
        if numeric and value.isdigit():
            return f'<c r="{ref}"><v>{value}</v></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'

    sheet = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxml'
             'formats.org/spreadsheetml/2006/main"><sheetData>']
    grid = [list(columns)] + [[row[c] for c in columns] for row in rows]
    for r, values in enumerate(grid, 1):
        cells = "".join(cell(f"{get_column_letter(c)}{r}", v, r > 1 and columns[c - 1].startswith("TELEFONO"))
                        for c, v in enumerate(values, 1) if v)
        sheet.append(f'<row r="{r}">{cells}</row>')
    sheet.append("</sheetData></worksheet>")
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://sch'
        'emas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
        'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadshee'
        'tml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlfo'
        'rmats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schem'
        'as.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlform'
        'ats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schem'
        'as.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships"><sheets><sheet name="Spazi" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmln'
        's="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://sche'
        'mas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '</Relationships>',
        "xl/worksheets/sheet1.xml": "".join(sheet),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def _csv(header: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _regional_sources(directory: Path, region: str, data: dict[str, list[Any]]) -> None:
    slug = slugify(region)
    url = f"https://dati.example.org/regioni/{slug}"
    operators = sorted(set(data["operators"]))
    orgs = [[code, f"Impresa Esempio {code}", "operator", code, code, "srl", "68.20", "", f"https://{code}.example.org",
             "", url] for code in operators]
    source_id = f"gestori-{slug}"
    header = ["id", "legal_name", "kind", "tax_code", "vat_number", "legal_form", "ateco_code", "ipa_code", "website",
              "comune_istat", "source_url"]
    snapshot = _snapshot(directory, source_id, "organisations.csv", _csv(header, orgs), url)
    _write_source(directory, source_id, _common(source_id, f"Gestori di spazi — {region} (righe inventate)",
                                                f"Regione {region}", url, [snapshot], ["organisations"], "curated",
                                                "curated-csv"))
    source_id = f"bandi-{slug}"
    bodies = [[f"ipa-c_{c.belfiore.lower()}", f"Comune di {c.name}", "public-body", "", "", "comune", "",
               f"c_{c.belfiore.lower()}", "", c.istat, url] for c in data["comuni"]]
    capital = data["comuni"][0]
    grant = f"{capital.belfiore.lower()}/2021-contributi-spazi-{slug}"
    calls = [[registry_call(c), f"ipa-c_{c.belfiore.lower()}", f"Elenco degli spazi di {c.name}", "registry", "",
              "2020-01-15", "2020-02-01", "2020-12-31", "", "", f"Delibera n. {n}", url, "Elenco inventato."]
             for n, c in enumerate(data["comuni"], 1)]
    calls.append([grant, f"ipa-c_{capital.belfiore.lower()}", f"Contributi agli spazi — {region}", "operator-grant",
                  "", "2021-01-10", "2021-02-01", "2021-12-31", "5000", "0.5", "Decreto n. 1", url, "Bando inventato."])
    awards = []
    for n, (i, comune, operator) in enumerate(data["spaces"][::4], 1):
        kind = "organisation" if operator and i % 2 else "person"  # a person is never named (privacy)
        awards.append([grant, str(n), kind, operator if kind == "organisation" else "", space_id(i, comune.belfiore),
                       str(500 + i % 4000), "granted", "2021-06-01", url])
    funding = [[grant, f"ipa-c_{capital.belfiore.lower()}", str(5000 * (len(awards) + 1)), "EUR", "", url]]
    outcomes = [[grant, "2022", str(len(awards) + 10), str(len(awards)), "5", "5", "false", "", url]]
    files = {
        "organisations.csv": _csv(header, bodies),
        "calls.csv": _csv(["id", "publisher_id", "title", "type", "parent_id", "announced_date", "opening_date",
                           "closing_date", "award_cap", "award_cap_share", "legal_act", "url", "description"],
                          calls),
        "funding.csv": _csv(["call_id", "funder_id", "amount", "currency", "note", "source_url"], funding),
        "awards.csv": _csv(["call_id", "number", "beneficiary_kind", "beneficiary_id", "space_id", "amount", "status",
                            "date_granted", "source_url"], awards),
        "outcomes.csv": _csv(["call_id", "as_of", "applications", "admitted", "rejected", "pending", "approximate",
                              "note", "source_url"], outcomes),
    }
    snapshots = [_snapshot(directory, source_id, name, data_, url) for name, data_ in files.items()]
    _write_source(directory, source_id, _common(source_id, f"Bandi per gli spazi — {region} (righe inventate)",
                                                f"Regione {region}", url, snapshots,
                                                ["organisations", "calls", "funding", "awards", "outcomes"],
                                                "curated", "curated-csv"))
