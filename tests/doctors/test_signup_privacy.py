"""The public sign-up as someone who should learn nothing would try it (an RPPS number is
public: whether it volunteers is not said on the form), and as one without JavaScript; a
closed file's leftovers."""

import pytest
from django.urls import reverse

from renfort.accounts.models import User
from renfort.doctors.models import Doctor
from renfort.notifications.models import Notification

from .factories import DoctorFactory
from .test_views import SIGNUP, text

pytestmark = pytest.mark.django_db


def test_the_rpps_of_a_volunteer_is_never_told_on_the_public_form(client, signup_data):
    """RPPS numbers are public: the form answers as for any sign-up (nothing saved), and the
    volunteer who holds the number is emailed instead, with their login and reset links."""
    holder = DoctorFactory(rpps="18888000009")
    response = client.post(reverse(SIGNUP), signup_data(), follow=True)
    page = text(response)
    assert "Consultez votre messagerie" in page and "RPPS" not in page
    assert Doctor.objects.count() == 1 and User.objects.count() == 1
    told = Notification.objects.filter(kind="doctor_rpps_signup")
    holder_told = told.get(recipient=holder.user.email)
    assert "/compte/connexion/" in holder_told.body
    # The typed address, which the page said a link went to, is told the sign-up cannot go
    # through online (not who holds the number).
    typed = told.exclude(recipient=holder.user.email).get()
    assert "ne peut pas être enregistrée en ligne" in typed.body
    assert holder.user.email not in typed.body and holder.last_name not in typed.body
    # Nor on an invalid form (its other errors shown, every one in one round).
    page = text(client.post(reverse(SIGNUP), signup_data(phone="12")))
    assert "mobile (06 ou 07)" in page and "déjà inscrit" not in page


@pytest.mark.parametrize(
    ("typed", "error"),
    [("Albi", None), ("81000", None), ("Alb", "Plusieurs communes correspondent")],
)
def test_signup_works_without_picking_a_suggestion(client, signup_data, typed, error):
    """Without JavaScript (or a name typed in full), a commune that one name or postcode
    designates is taken; otherwise the page says which ones it could be."""
    response = client.post(reverse(SIGNUP), signup_data(practice_commune="", commune_label=typed))
    if error is None:
        assert response.status_code == 302
        assert Doctor.objects.get().practice_commune_id == "81004"
    else:
        assert error in text(response) and not Doctor.objects.exists()


def test_a_closed_volunteer_signing_up_again_is_told_how_to_come_back(client, signup_data):
    holder = DoctorFactory(rpps="18888000009", status="withdrawn")
    client.post(reverse(SIGNUP), signup_data())
    told = Notification.objects.get(kind="doctor_rpps_signup", recipient=holder.user.email)
    assert "il est clos (« Retiré(e) »)" in told.body
    assert "Pour reprendre votre participation, écrivez à l'ARS de votre région." in told.body


def test_a_closed_files_dates_are_neither_listed_nor_counted(client):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import UserFactory

    soon = timezone.localdate() + timedelta(days=5)
    doctor = DoctorFactory(in_landes=True, status="withdrawn", available_on=[soon])
    client.force_login(UserFactory(ars=True))
    page = text(client.get(reverse("doctors:agent_detail", args=[doctor.pk])))
    assert "Aucune : le dossier est clos." in page and f"{soon:%d/%m/%Y}" not in page
    export = client.get(reverse("doctors:export"), {"format": "csv", "status": ""})
    row = next(line for line in export.content.decode("utf-8-sig").splitlines()[1:])
    header = export.content.decode("utf-8-sig").splitlines()[0].split(";")
    assert row.split(";")[header.index("Disponibilités à venir")] == "0"
