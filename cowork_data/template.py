"""A spreadsheet template generated from a Table Schema, for a clerk to fill in (``cowork-data template``).

Headers are the fields' Italian titles, each with a note (cell comment) holding its description and an example;
coded fields get a drop-down list (the enum, or the ISTAT comuni from a hidden sheet); numbers, whole numbers and
dates get data validation; code columns are formatted as text so that leading zeros survive.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cowork_data.errors import UsageError
from cowork_data.profiles import ITALY
from cowork_data.table_schemas import DERIVED_FIELDS, schema_descriptor

__all__ = ["SHEET_NAMES", "TemplateInfo", "write_template"]

SHEET_NAMES = {"spaces": "Spazi", "organisations": "Organizzazioni", "calls": "Bandi", "funding": "Finanziamenti",
               "admissions": "Ammissioni", "awards": "Contributi", "outcomes": "Esiti"}
COMUNI_SHEET = "comuni"
DATA_ROWS = 1000


@dataclass
class TemplateInfo:
    """What was written: the file, the data sheet, its columns (field names) and the validated columns."""

    path: Path
    sheet: str
    fields: list[str]
    dropdowns: list[str]
    validated: list[str]


def write_template(output: Path | str, *, table: str = "spaces", root: Path | None = None) -> TemplateInfo:
    """Write an XLSX template for ``table`` to ``output``."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    output = Path(output)
    if output.suffix.lower() != ".xlsx":
        raise UsageError("error.template-format")
    descriptor = schema_descriptor(table, root)
    # an Italian list: the coordinates bounded by Italy (the schema's bounds hold every country with a profile)
    fields = [ITALY.bounded(f) for f in descriptor["fields"] if f["name"] not in DERIVED_FIELDS]
    workbook = Workbook()
    ws = workbook.active
    ws.title = SHEET_NAMES[table]
    last = DATA_ROWS + 1
    dropdowns: list[str] = []
    validated: list[str] = []
    comuni_range = _comuni_sheet(workbook) if any(f["name"] == "comune_name" for f in fields) else ""
    for col, spec in enumerate(fields, start=1):
        letter = get_column_letter(col)
        cell = ws.cell(row=1, column=col, value=spec.get("title", spec["name"]))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.comment = Comment(_note(spec), "cowork-data", width=360, height=200)
        ws.column_dimensions[letter].width = max(14, min(40, len(cell.value) + 4))
        area = f"{letter}2:{letter}{last}"
        validation = _validation(spec, comuni_range)
        if validation is not None:
            ws.add_data_validation(validation)
            validation.add(area)
            (dropdowns if validation.type == "list" else validated).append(spec["name"])
        if spec.get("type", "string") == "string":
            for row in range(2, last + 1):
                ws.cell(row=row, column=col).number_format = "@"
        elif spec.get("type") == "date":
            for row in range(2, last + 1):
                ws.cell(row=row, column=col).number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    workbook.save(output)
    return TemplateInfo(path=output, sheet=ws.title, fields=[f["name"] for f in fields], dropdowns=dropdowns,
                        validated=validated)


def _note(spec: dict[str, Any]) -> str:
    required = spec.get("constraints", {}).get("required")
    lines = [spec.get("description", "")]
    if spec.get("example"):
        lines.append(f"Esempio: {spec['example']}")
    lines.append("Obbligatorio." if required else "Facoltativo.")
    lines.append(f"({spec.get('title_en', '')}: {spec.get('description_en', '')})")
    return "\n".join(lines)


def _validation(spec: dict[str, Any], comuni_range: str):  # noqa: ANN202 - DataValidation | None
    from openpyxl.worksheet.datavalidation import DataValidation

    constraints = spec.get("constraints", {})
    kind = spec.get("type", "string")
    title = spec.get("title", spec["name"])[:32]
    if constraints.get("enum"):
        dv = DataValidation(type="list", formula1='"' + ",".join(constraints["enum"]) + '"', allow_blank=True)
        dv.error = f"Scegli uno dei valori: {', '.join(constraints['enum'])}."
    elif spec["name"] == "comune_name" and comuni_range:
        dv = DataValidation(type="list", formula1=comuni_range, allow_blank=True)
        dv.error = "Scegli il comune dall'elenco ISTAT."
    elif kind in ("integer", "number"):
        low, high = constraints.get("minimum"), constraints.get("maximum")
        dv_type = "whole" if kind == "integer" else "decimal"
        if low is not None and high is not None:
            dv = DataValidation(type=dv_type, operator="between", formula1=str(low), formula2=str(high))
        elif low is not None:
            dv = DataValidation(type=dv_type, operator="greaterThanOrEqual", formula1=str(low))
        else:
            dv = DataValidation(type=dv_type, operator="greaterThanOrEqual", formula1="-1E+300")
        dv.error = "Scrivi un numero intero." if kind == "integer" else "Scrivi un numero con il punto decimale."
        if low is not None or high is not None:
            dv.error += f" Valori ammessi: {low if low is not None else '…'} – {high if high is not None else '…'}."
    elif kind == "date":
        dv = DataValidation(type="date", operator="greaterThan", formula1="1")
        dv.error = "Scrivi una data (AAAA-MM-GG)."
    else:
        return None
    dv.errorTitle = title
    dv.showErrorMessage = True
    dv.promptTitle = title
    dv.prompt = spec.get("description", "")[:250]
    dv.showInputMessage = True
    return dv


def _comuni_sheet(workbook: Any) -> str:
    """A hidden sheet with the ISTAT comuni names in column A; the range for a list validation."""
    from cowork_data.reference import load_comuni

    sheet = workbook.create_sheet(COMUNI_SHEET)
    names = sorted({c.name for c in load_comuni()})
    sheet.cell(row=1, column=1, value="Comune")
    for row, name in enumerate(names, start=2):
        sheet.cell(row=row, column=1, value=name)
    sheet.sheet_state = "hidden"
    return f"{COMUNI_SHEET}!$A$2:$A${len(names) + 1}"
