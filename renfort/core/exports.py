"""CSV and XLSX exports of tabular data (same rows for both formats, so figures always match)."""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Dates (days, not moments) are real dates in XLSX, which a spreadsheet sorts and filters as
# dates, and French text in CSV.
CSV_DATE, XLSX_DATE = "%d/%m/%Y", "DD/MM/YYYY"


def cell(value):
    """A value as a CSV cell: text that a spreadsheet would run as a formula (« =… », « +… »,
    « @… »; CSV/formula injection) is kept as text with a leading apostrophe."""
    if value is None:
        return ""
    if type(value) is date:
        return value.strftime(CSV_DATE)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _xlsx_cell(sheet, value):
    """A value as an XLSX cell. Text is stored as text, never as a formula, and unchanged (no
    visible apostrophe): a string cell, marked « quote prefix » so that a spreadsheet keeps it
    as text when it is edited. Characters XML cannot hold are dropped."""
    if value is None:
        return ""
    if type(value) is date:
        result = WriteOnlyCell(sheet, value=value)
        result.number_format = XLSX_DATE
        return result
    if not isinstance(value, str):
        return value
    result = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    if result.value.startswith(FORMULA_STARTS):
        result.data_type = "s"
        result.quotePrefix = True
    return result


def to_csv_bytes(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    # Semicolon + BOM: opens correctly in French spreadsheet software.
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence], title: str = "Export") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(list(headers))
    for row in rows:
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(str(header)) + 2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_name(kind: str, scope: str) -> str:
    """« lieux-d-accueil-region-occitanie-2026-12-07 »: what, for which territory, exported
    which day, so that an agent downloading several files tells them apart."""
    return f"{kind}-{slugify(scope)}-{timezone.localdate():%Y-%m-%d}"


def export_response(
    request,
    *,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    filename: str,
    fmt: str,
    title: str = "",
) -> HttpResponse:
    """HTTP download of the rows as `fmt` ("csv" or "xlsx"); filename without extension. Another
    format gets the site's « Requête invalide » page (400) saying why."""
    if fmt not in ("csv", "xlsx"):
        return render(
            request,
            "400.html",
            {"reason": "Format d'export inconnu : choisissez CSV ou XLSX."},
            status=400,
        )
    rows = list(rows)
    if fmt == "xlsx":
        content, content_type = to_xlsx_bytes(headers, rows, title or filename), XLSX_TYPE
    else:
        content, content_type = to_csv_bytes(headers, rows), CSV_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
