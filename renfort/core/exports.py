"""CSV and XLSX exports of tabular data (same rows for both formats, so figures always match)."""

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """A value as a spreadsheet cell: text that a spreadsheet would run as a formula (« =… »,
    « +… », « @… »; CSV/formula injection) is kept as text with a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


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
        sheet.append([cell(v) for v in row])
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(str(header)) + 2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_response(
    *, headers: Sequence[str], rows: Iterable[Sequence], filename: str, fmt: str, title: str = ""
) -> HttpResponse:
    """HTTP download of the rows as `fmt` ("csv" or "xlsx"); filename without extension."""
    rows = list(rows)
    if fmt == "xlsx":
        content, content_type = to_xlsx_bytes(headers, rows, title or filename), XLSX_TYPE
    elif fmt == "csv":
        content, content_type = to_csv_bytes(headers, rows), CSV_TYPE
    else:
        return HttpResponse("Format d'export inconnu (csv ou xlsx).", status=400)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
