from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone

PARIS = ZoneInfo("Europe/Paris")


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_the_first_of_a_month_is_written_1er():
    assert render('{{ d|date_fr:"l j F Y" }}', d=date(2026, 12, 1)) == "mardi 1er décembre 2026"
    assert render('{{ d|date_fr:"D j b" }}', d=date(2026, 12, 1)) == "mar. 1er déc."


def test_other_days_and_escaped_letters_are_left_alone():
    assert render('{{ d|date_fr:"l j F Y" }}', d=date(2026, 12, 2)) == "mercredi 2 décembre 2026"
    assert render('{{ d|date_fr:"j F \\à G" }}', d=datetime(2026, 12, 2, 9, 5, tzinfo=PARIS)) == (
        "2 décembre à 9"
    )
    assert render('{{ d|date_fr:"d/m/Y" }}', d=date(2026, 12, 1)) == "01/12/2026"
    assert render('{{ d|date_fr:"j F" }}', d=None) == ""


@pytest.mark.parametrize(
    "day, said",
    [
        (date(2027, 1, 14), "la nuit du 13 au 14 janvier"),
        (date(2027, 2, 1), "la nuit du 31 janvier au 1er février"),
        (date(2027, 1, 1), "la nuit du 31 décembre au 1er janvier"),
        (date(2027, 3, 2), "la nuit du 1er au 2 mars"),
    ],
)
def test_the_night_of_a_housed_mission_is_the_night_before_its_day(day, said):
    """One helper for emails (filter) and refusals (Python): the bed is for the eve."""
    from renfort.core.templatetags.french import night

    assert night(day) == said
    assert render("{{ d|night }}", d=day) == said


def test_days_and_months_are_abbreviated_the_french_way():
    """« janv. », « juin », « juil. », not Django's « jan », « jui » (June and July alike)."""
    source = '{{ d|date_fr:"D j b" }}'
    assert render(source, d=date(2027, 1, 27)) == "mer. 27 janv."
    assert render(source, d=date(2027, 6, 3)) == "jeu. 3 juin"
    assert render(source, d=date(2027, 7, 3)) == "sam. 3 juil."
    assert render('{{ d|date_fr:"N M" }}', d=date(2027, 2, 3)) == "févr. févr."
    assert render('{{ d|date_fr:"\\D\\b l" }}', d=date(2027, 2, 3)) == "Db mercredi"


def test_times_are_written_9_h_40_with_non_breaking_spaces():
    from renfort.core import text

    assert text.hour(time(9, 40)) == "9\u00a0h\u00a040"
    assert text.hour(datetime(2027, 1, 6, 14, 0, tzinfo=PARIS)) == "14\u00a0h\u00a000"
    assert text.hours_span(time(8, 30), time(12, 30)) == "8\u00a0h\u00a030\u00a0– 12\u00a0h\u00a030"
    # The filter writes a datetime in the current time zone.
    moment = datetime(2027, 1, 6, 8, 5, tzinfo=UTC)
    with timezone.override("Europe/Paris"):
        assert render("{{ d|hour }}", d=moment) == "9\u00a0h\u00a005"
        assert render("{{ a|hours_span:b }}", a=time(9), b=moment) == (
            "9\u00a0h\u00a000\u00a0– 9\u00a0h\u00a005"
        )
    assert render("{{ d|hour }}", d=None) == ""


def test_the_day_is_the_local_one():
    # 30 November 23:30 UTC is 1 December 00:30 in Paris.
    moment = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    with timezone.override("Europe/Paris"):
        assert render('{{ d|date_fr:"j F" }}', d=moment) == "1er décembre"


def test_counts_take_the_singular_at_zero_and_one():
    source = '{{ n|count:"zone couverte,zones couvertes" }}'
    assert [render(source, n=n) for n in (0, 1, 2)] == [
        "0 zone couverte",
        "1 zone couverte",
        "2 zones couvertes",
    ]


def test_every_model_is_named_in_french_in_singular_and_plural():
    """The administration lists them: no « créneaus », no « Task Results »."""
    from django.apps import apps

    for model in apps.get_models():
        if not model.__module__.startswith("renfort"):
            continue
        assert "verbose_name" in model._meta.original_attrs, model._meta.label
        assert "verbose_name_plural" in model._meta.original_attrs, model._meta.label


@pytest.mark.django_db
def test_the_administration_index_speaks_french(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(role="admin", is_staff=True, is_superuser=True))
    page = client.get("/admin/").content.decode()
    assert "Créneaux" in page and "Tâches en arrière-plan" in page
    assert "Résultats de tâches" in page
    for english in ("Créneaus", "Task Results", "Tasks Database Backend", "attente)s"):
        assert english not in page


# Field names that are French words already (their automatic label is right).
FRENCH_FIELD_NAMES = {
    "source",
    "note",
    "zone",
    "mission",
    "action",
    "date",
    "latitude",
    "longitude",
}


def test_the_administration_labels_every_field_in_french():
    from django.contrib import admin

    for model in admin.site._registry:
        if not model.__module__.startswith("renfort"):
            continue
        for field in model._meta.get_fields():
            if not getattr(field, "concrete", False) or field.auto_created:
                continue
            if field.name in FRENCH_FIELD_NAMES:
                continue
            automatic = field.name.replace("_", " ")
            assert field.verbose_name != automatic, f"{model._meta.label}.{field.name}"
