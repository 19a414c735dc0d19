"""« Renvoyer le lien » of the email confirmation: one neutral answer whatever the address."""

import html as htmllib
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from renfort.accounts import services
from renfort.accounts.models import Role, User
from renfort.notifications.models import Notification
from tests.doctors.factories import DoctorFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
RESEND = "accounts:confirmation_resend"


def text(response) -> str:
    return htmllib.unescape(response.content.decode())


def pending(email="attente@test.renfort.example") -> User | None:
    """An unconfirmed sign-up: its inactive account and a draft doctor."""
    user = services.signup_account_create(
        email=email, password="Un-mot-de-passe-solide-42", role=Role.DOCTOR
    )
    if user is not None:
        DoctorFactory(user=user, draft=True).history.all().delete()  # as doctor_signup makes it
    return user


def test_resend_answers_the_same_whatever_the_address(client):
    pending()
    UserFactory(email="actif@test.renfort.example", doctor=True)
    pages = set()
    for email in ("attente@test.renfort.example", "actif@test.renfort.example",
                  "inconnu@test.renfort.example"):  # fmt: skip
        page = text(client.post(reverse(RESEND), {"email": email}))
        assert "Consultez votre messagerie" in page
        pages.add(page)
    assert len(pages) == 1
    sent = sorted(Notification.objects.values_list("recipient", "kind"))
    assert sent == [
        ("actif@test.renfort.example", "account_exists"),
        ("attente@test.renfort.example", "account_confirmation"),  # at the sign-up
        ("attente@test.renfort.example", "account_confirmation"),  # the new link
    ]


def test_resend_sends_at_most_one_email_per_address_every_ten_minutes():
    user = pending()
    noon = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    for minutes in (0, 1, 9, 30):
        services.confirmation_resend(email=user.email, now=noon + timedelta(minutes=minutes))
    # The sign-up's link, then one for 12:00–12:09, one for 12:30.
    assert Notification.objects.filter(kind="account_confirmation").count() == 3


def test_resend_page_and_a_broken_link_show_the_form(client):
    assert "Renvoyer le lien" in text(client.get(reverse(RESEND)))
    response = client.get(reverse("accounts:confirm", args=["MQ", "faux-jeton"]))
    assert response.status_code == 400
    page = text(response)
    assert "n'est plus valable" in page and "Connectez-vous" in page
    assert client.get(reverse("accounts:confirmation_sent")).url == reverse(RESEND)


@pytest.mark.parametrize("status", ["draft", "submitted"])
def test_a_deactivated_account_is_never_replaced_nor_sent_a_link(client, status):
    """Only a never-confirmed sign-up is replaced or confirmed: an account the administrator
    deactivated (never logged in, even with a draft file) stays deactivated."""
    doctor = DoctorFactory(status=status, user__is_active=False)  # with a history row
    email = doctor.user.email
    assert pending(email) is None
    assert User.objects.get(email=email).pk == doctor.user.pk
    client.post(reverse(RESEND), {"email": email})
    assert Notification.objects.filter(kind="account_confirmation").count() == 0
    assert not User.objects.get(email=email).is_active
