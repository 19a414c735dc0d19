"""The administration's lists join only what their columns show: without list_select_related,
Django joins every foreign key of the row, and theirs (31 joins for a slot, ~1 s a page at
national scale)."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.booking.factories import book, mission_with_slots, slots_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def foreign_key_columns(model, model_admin) -> list[str]:
    names = []
    for name in model_admin.list_display:
        try:
            field = model._meta.get_field(name)
        except Exception:  # a method or a property
            continue
        if field.many_to_one or field.one_to_one:
            names.append(name)
    return names


def test_every_list_with_a_foreign_key_column_names_what_it_joins():
    for model, model_admin in admin.site._registry.items():
        columns = foreign_key_columns(model, model_admin)
        if not model.__module__.startswith("renfort.") or not columns:
            continue
        joined = model_admin.list_select_related
        assert isinstance(joined, list | tuple), model
        for column in columns:
            assert any(path.split("__")[0] == column for path in joined), (model, column)


def page_query(client, url: str, table: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    (sql,) = [q["sql"] for q in queries if q["sql"].startswith(f'SELECT "{table}"."id"')]
    return len(queries), sql


def bookings(count: int, first: int = 0) -> None:
    """Appointments of `count` new patients (numbered from `first`) on a new mission."""
    for n, slot in enumerate(slots_of(mission_with_slots())[:count], start=first):
        book(slot, last_name=f"Fictif{n}", phone=f"+336399800{n:02d}", email=f"p{n}@exemple.test")


@pytest.mark.parametrize(
    ("model", "table", "joins"),
    [("slot", "booking_slot", 2), ("appointment", "booking_appointment", 1)],
)
def test_slot_and_appointment_lists_join_the_site_and_doctor_only(client, model, table, joins):
    client.force_login(UserFactory(admin=True))
    url = reverse(f"admin:booking_{model}_changelist")
    bookings(2)
    few, sql = page_query(client, url, table)
    assert sql.count(" JOIN ") == joins
    bookings(8, first=2)
    many, _ = page_query(client, url, table)
    assert many == few


@pytest.mark.parametrize("model", ["slot", "appointment", "waitinglistentry", "waitinglistoffer"])
def test_records_written_by_the_services_are_shown_not_edited_in_the_admin(client, model):
    client.force_login(UserFactory(admin=True))
    bookings(1)
    assert client.get(reverse(f"admin:booking_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:booking_{model}_add")).status_code == 403
    if model == "appointment":
        from renfort.booking.models import Appointment

        appointment = Appointment.objects.get()
        url = reverse("admin:booking_appointment_change", args=[appointment.pk])
        page = client.get(url)
        assert page.status_code == 200 and b'name="_save"' not in page.content
        assert client.post(url, {"status": "cancelled"}).status_code == 403
        delete = reverse("admin:booking_appointment_delete", args=[appointment.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        assert Appointment.objects.get().status == "booked"
    assert client.get(reverse("admin:notifications_notification_add")).status_code == 403
