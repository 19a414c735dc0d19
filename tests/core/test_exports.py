import io

from openpyxl import load_workbook

from renfort.core.exports import export_response, to_csv_bytes


def test_csv_has_bom_semicolons_and_blank_for_none():
    data = to_csv_bytes(["Nom", "Nombre"], [["Lacaune", 3], ["Zoé; « test »", None]])
    text = data.decode("utf-8")
    assert text.startswith("\ufeffNom;Nombre")
    assert '"Zoé; « test »";' in text


def test_xlsx_and_csv_hold_the_same_rows():
    rows = [["Tarn", 12], ["Landes", 7]]
    xlsx = export_response(
        headers=["Département", "Volontaires"], rows=rows, filename="x", fmt="xlsx"
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        ["Département", "Volontaires"],
        *rows,
    ]
    assert xlsx["Content-Disposition"] == 'attachment; filename="x.xlsx"'


def test_unknown_format_is_a_400():
    assert export_response(headers=["a"], rows=[], filename="x", fmt="pdf").status_code == 400


def test_text_a_spreadsheet_would_run_stays_text():
    rows = [['=HYPERLINK("https://example.org/x","Voir")', "+1", "@SUM(A1)", -3, "Lacaune"]]
    xlsx = export_response(headers=list("abcde"), rows=rows, filename="x", fmt="xlsx")
    cells = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(min_row=2))[0]
    assert all(c.data_type != "f" for c in cells)
    assert [c.value for c in cells] == [
        '\'=HYPERLINK("https://example.org/x","Voir")',
        "'+1",
        "'@SUM(A1)",
        -3,
        "Lacaune",
    ]
    text = to_csv_bytes(list("abcde"), rows).decode("utf-8")
    assert ";'+1;'@SUM(A1);-3;Lacaune" in text
