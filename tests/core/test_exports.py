import io
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse
from openpyxl import load_workbook

from renfort.core.exports import export_response, to_csv_bytes
from tests.factories import UserFactory


def get_request():
    request = RequestFactory().get("/export/")
    request.user = AnonymousUser()
    return request


def test_csv_has_bom_semicolons_and_blank_for_none():
    data = to_csv_bytes(["Nom", "Nombre"], [["Lacaune", 3], ["Zoé; « test »", None]])
    text = data.decode("utf-8")
    assert text.startswith("\ufeffNom;Nombre")
    assert '"Zoé; « test »";' in text


def test_xlsx_and_csv_hold_the_same_rows():
    rows = [["Tarn", 12], ["Landes", 7]]
    xlsx = export_response(
        get_request(), headers=["Département", "Volontaires"], rows=rows, filename="x", fmt="xlsx"
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        ["Département", "Volontaires"],
        *rows,
    ]
    assert xlsx["Content-Disposition"] == 'attachment; filename="x.xlsx"'


def test_dates_are_dates_in_xlsx_and_french_text_in_csv():
    rows = [[date(2027, 2, 8), 3], [date(2027, 1, 25), None]]
    csv_text = to_csv_bytes(["Date", "Missions"], rows).decode("utf-8-sig")
    assert csv_text.splitlines()[1:] == ["08/02/2027;3", "25/01/2027;"]
    xlsx = export_response(
        get_request(), headers=["Date", "Missions"], rows=rows, filename="x", fmt="xlsx"
    )
    first = load_workbook(io.BytesIO(xlsx.content)).active["A2"]
    assert first.is_date and first.value.date() == date(2027, 2, 8)
    assert first.number_format == "DD/MM/YYYY"


def test_unknown_format_is_a_400_on_the_french_error_page():
    response = export_response(get_request(), headers=["a"], rows=[], filename="x", fmt="pdf")
    page = response.content.decode()
    assert response.status_code == 400
    assert "<h1>Requête invalide</h1>" in page and 'lang="fr"' in page
    assert "Format d'export inconnu : choisissez CSV ou XLSX." in page.replace("&#x27;", "'")


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["doctors:export", "sites:export"])
def test_the_exports_answer_an_unknown_format_with_the_french_error_page(client, url_name):
    client.force_login(UserFactory(ars=True))
    response = client.get(reverse(url_name), {"format": "pdf"})
    page = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert "<h1>Requête invalide</h1>" in page and "Format d'export inconnu" in page
    assert "Se déconnecter" in page  # the site's header, with the user logged in


def test_text_a_spreadsheet_would_run_stays_text():
    rows = [['=HYPERLINK("https://example.org/x","Voir")', "+1", "@SUM(A1)", -3, "Lacaune"]]
    xlsx = export_response(
        get_request(), headers=list("abcde"), rows=rows, filename="x", fmt="xlsx"
    )
    cells = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(min_row=2))[0]
    # XLSX: the text unchanged, in string cells (never formulas), marked as text for editing.
    assert [c.value for c in cells] == rows[0]
    assert [c.data_type for c in cells] == ["s", "s", "s", "n", "s"]
    assert [c.quotePrefix for c in cells] == [True, True, True, False, False]
    # CSV has no cell types: the leading apostrophe protects it.
    text = to_csv_bytes(list("abcde"), rows).decode("utf-8")
    assert ";'+1;'@SUM(A1);-3;Lacaune" in text
    assert text.splitlines()[1].startswith("\"'=HYPERLINK")


def test_xlsx_drops_the_characters_xml_cannot_hold():
    xlsx = export_response(
        get_request(), headers=["a"], rows=[["Lieu\x00\x0b fictif"]], filename="x", fmt="xlsx"
    )
    assert load_workbook(io.BytesIO(xlsx.content)).active["A2"].value == "Lieu fictif"
