"""The sign-up's email confirmation: the account waits, inactive, until its owner follows the
link; the CDOM hears of the file only then; an address with an account gets the same answer."""

import html as htmllib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from renfort.accounts.models import Role, User
from renfort.accounts.tokens import ConfirmationTokenGenerator
from renfort.doctors.models import Doctor
from renfort.notifications.models import Notification
from renfort.territories.models import Departement
from tests.confirmation import confirmation_link, confirmation_path
from tests.factories import UserFactory

from .factories import DoctorFactory

pytestmark = pytest.mark.django_db
SIGNUP = "doctors:signup"
EMAIL = "camille.fictive@test.renfort.example"
PASSWORD = "Un-mot-de-passe-solide-42"


def text(response) -> str:
    return htmllib.unescape(response.content.decode())


def kinds() -> list[str]:
    return sorted(Notification.objects.values_list("kind", flat=True))


def test_the_account_cannot_log_in_before_the_confirmation(client, signup_data):
    client.post(reverse(SIGNUP), signup_data())
    doctor = Doctor.objects.get()
    assert not doctor.user.is_active and doctor.status == "draft"
    login = {"username": EMAIL, "password": PASSWORD}
    response = client.post(reverse("accounts:login"), login)
    assert response.status_code == 200 and not response.context["user"].is_authenticated
    assert kinds() == ["account_confirmation"]  # neither the CDOM nor the doctor's status


def test_the_link_activates_logs_in_submits_and_only_then_tells_the_cdom(client, signup_data):
    UserFactory(role=Role.CDOM_AGENT, departement=Departement.objects.get(code="81"),
                email="cdom81@test.renfort.example")  # fmt: skip
    client.post(reverse(SIGNUP), signup_data())
    path = confirmation_path(EMAIL)
    # Opening the link (as a mail scanner does) changes nothing: a button confirms.
    page = text(client.get(path))
    assert "Confirmer mon adresse" in page and EMAIL in page
    assert not User.objects.get(email=EMAIL).is_active
    assert not Notification.objects.filter(kind="doctor_submitted").exists()
    response = client.post(path)
    assert response.url == reverse("accounts:home")
    doctor = Doctor.objects.select_related("user").get()
    assert doctor.user.is_active and doctor.status == "submitted"
    assert client.get(reverse("doctors:space")).status_code == 200
    cdom = Notification.objects.get(kind="doctor_submitted")
    assert cdom.recipient == "cdom81@test.renfort.example"
    assert kinds() == ["account_confirmation", "doctor_status", "doctor_submitted"]


def invalid_page(response) -> str:
    assert response.status_code == 400
    page = text(response)
    assert "Ce lien de confirmation n'est plus valable" in page and "Renvoyer le lien" in page
    return page


def test_a_used_link_is_refused_with_a_french_page(client, signup_data):
    client.post(reverse(SIGNUP), signup_data())
    path = confirmation_path(EMAIL)
    client.post(path)
    client.logout()
    invalid_page(client.get(path))
    invalid_page(client.post(path))
    assert Doctor.objects.get().history.count() == 1  # submitted once


@pytest.mark.parametrize(
    "mangle",
    [
        lambda uid, token: (uid, token[:-1] + ("0" if token[-1] != "0" else "1")),  # token
        lambda uid, token: ("OTk5OQ", token),  # another account number
        lambda uid, token: ("!!!", token),  # not base64
        lambda uid, token: ("OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ", token),  # beyond 64 bits
    ],
)
def test_a_forged_link_is_refused_and_changes_nothing(client, signup_data, mangle):
    client.post(reverse(SIGNUP), signup_data())
    _, uid, token = confirmation_link(EMAIL)
    uid, token = mangle(uid, token)
    path = reverse("accounts:confirm", args=[uid, token])
    invalid_page(client.get(path))
    invalid_page(client.post(path))
    assert not User.objects.get(email=EMAIL).is_active
    assert Doctor.objects.get().status == "draft"


def test_an_expired_link_is_refused(client, signup_data, monkeypatch, settings):
    client.post(reverse(SIGNUP), signup_data())
    path = confirmation_path(EMAIL)
    # The generator counts in naive local time (Django's datetime.now()).
    later = timezone.localtime().replace(tzinfo=None) + timedelta(
        seconds=settings.PASSWORD_RESET_TIMEOUT + 60
    )
    monkeypatch.setattr(ConfirmationTokenGenerator, "_now", lambda self: later)
    assert "valable 3 jours" in invalid_page(client.post(path))
    assert Doctor.objects.get().status == "draft"


def test_the_confirmation_link_is_not_a_password_reset_link(client, signup_data):
    client.post(reverse(SIGNUP), signup_data())
    _, uid, token = confirmation_link(EMAIL)
    response = client.get(reverse("accounts:password_reset_confirm", args=[uid, token]))
    assert "Ce lien n'est plus valable" in text(response)


@pytest.mark.parametrize("existing", ["doctor", "site_manager", "ars"])
def test_an_email_with_an_account_gets_the_same_page_and_an_email_and_nothing_is_saved(
    client, signup_data, existing
):
    owner = UserFactory(email=EMAIL, **{existing: True})
    response = client.post(reverse(SIGNUP), signup_data(), follow=True)
    page = text(response)
    assert "Consultez votre messagerie" in page and "existe déjà" not in page
    assert f"confirmer votre adresse {EMAIL}" in page
    assert not Doctor.objects.exists() and User.objects.get() == owner
    mail = Notification.objects.get()
    assert (mail.kind, mail.recipient) == ("account_exists", EMAIL)
    assert "Vous avez déjà un compte Renfort" in mail.subject + mail.body
    assert "/compte/connexion/" in mail.body and "/compte/mot-de-passe/oubli/" in mail.body
    assert "Camille" not in mail.body  # nothing typed by the sender reaches the mailbox


def test_the_same_page_for_a_new_address_and_a_known_one(client, signup_data):
    UserFactory(email="connu@test.renfort.example", doctor=True)
    pages = []
    for email, token in (
        ("connu@test.renfort.example", "3f1e7a2c-0000-4000-8000-0000000000a1"),
        ("nouveau@test.renfort.example", "3f1e7a2c-0000-4000-8000-0000000000a2"),
    ):
        client.cookies.clear()
        response = client.post(reverse(SIGNUP), signup_data(token=token, email=email), follow=True)
        pages.append(text(response).replace(email, "ADRESSE"))
    assert pages[0] == pages[1]


def test_signing_up_again_before_confirming_replaces_the_first_sign_up(client, signup_data):
    client.post(reverse(SIGNUP), signup_data())
    first_path = confirmation_path(EMAIL)
    first_user = User.objects.get()
    # Same address and RPPS, another form: the RPPS is not « already registered ».
    second = signup_data(token="3f1e7a2c-0000-4000-8000-0000000000d2", first_name="Camila")
    assert client.post(reverse(SIGNUP), second).url == reverse("accounts:confirmation_sent")
    doctor = Doctor.objects.select_related("user").get()
    assert doctor.first_name == "Camila" and doctor.user.pk != first_user.pk
    invalid_page(client.post(first_path))
    client.post(confirmation_path(EMAIL))
    doctor.refresh_from_db()
    assert doctor.status == "submitted"


def test_the_same_sign_up_sent_again_from_a_reloaded_form_keeps_the_first_link(client, signup_data):
    """Another tab, a reloaded form (a new token), the same content moments later: the first
    sign-up stands, its link works, it is emailed once more — never « vous avez déjà un
    compte », never a second account."""
    client.post(reverse(SIGNUP), signup_data())
    first_path, user = confirmation_path(EMAIL), User.objects.get()
    for n in (2, 3, 4):
        response = client.post(
            reverse(SIGNUP), signup_data(token=f"3f1e7a2c-0000-4000-8000-0000000000e{n}")
        )
        assert response.url == reverse("accounts:confirmation_sent")
    assert Doctor.objects.get().user == user
    assert kinds() == ["account_confirmation"] * 2
    # The same account's link (its token is made again, so its time part may have moved on by
    # a second), and the first link still valid.
    assert confirmation_link(EMAIL)[1] == first_path.split("/")[-3]
    client.post(first_path)
    assert Doctor.objects.get().status == "submitted"


def test_the_same_content_much_later_replaces_the_sign_up(client, signup_data):
    client.post(reverse(SIGNUP), signup_data())
    first = User.objects.get()
    User.objects.filter(pk=first.pk).update(date_joined=timezone.now() - timedelta(minutes=30))
    client.post(reverse(SIGNUP), signup_data(token="3f1e7a2c-0000-4000-8000-0000000000e5"))
    assert Doctor.objects.get().user.pk != first.pk


def test_agents_do_not_see_an_unconfirmed_sign_up(client, signup_data):
    client.post(reverse(SIGNUP), signup_data())
    doctor = Doctor.objects.get()
    client.force_login(UserFactory(role=Role.CDOM_AGENT, departement_id="81"))
    assert doctor.last_name not in text(client.get(reverse("doctors:agent_list")))
    assert client.get(reverse("doctors:agent_detail", args=[doctor.pk])).status_code == 404
    confirmed = DoctorFactory(departement_id="81", status="draft")  # active account: shown
    assert confirmed.last_name in text(client.get(reverse("doctors:agent_list") + "?status=draft"))


def test_the_link_is_hidden_from_logs_and_the_administration(signup_data, client):
    from renfort.core.redact import redact_secrets

    client.post(reverse(SIGNUP), signup_data())
    path, _, token = confirmation_link(EMAIL)
    assert token not in redact_secrets(path)


def test_sign_ups_left_unconfirmed_are_purged_once_their_link_expired(client, signup_data):
    """An address or an RPPS typed by someone else is not held for ever: the nightly purge
    throws the sign-up away once its link has expired; confirmed accounts stay."""
    import io

    from django.core.management import call_command

    from renfort.accounts.services import unconfirmed_signups_purge

    client.post(reverse(SIGNUP), signup_data())
    doctor = Doctor.objects.get()
    kept = DoctorFactory()  # a confirmed volunteer
    assert unconfirmed_signups_purge() == 0  # its link is still valid
    later = timezone.now() + timedelta(days=4)
    assert unconfirmed_signups_purge(now=later) == 1
    assert not Doctor.objects.filter(pk=doctor.pk).exists()
    assert not User.objects.filter(email=EMAIL).exists()
    assert Doctor.objects.filter(pk=kept.pk).exists()
    client.post(reverse(SIGNUP), signup_data())  # the owner signs up: the RPPS is free again
    assert Doctor.objects.filter(rpps=doctor.rpps).exists()
    out = io.StringIO()
    call_command("purge_unconfirmed_signups", stdout=out)
    assert "Inscriptions non confirmées après 3 jours : 0 supprimée." in out.getvalue()


def test_logging_in_before_confirming_says_so_only_with_the_right_password(client, signup_data):
    client.post(reverse(SIGNUP), signup_data())
    page = text(client.post(reverse("accounts:login"), {"username": EMAIL, "password": PASSWORD}))
    assert "Votre adresse n'est pas encore confirmée" in page and "Renvoyer le lien" in page
    wrong = text(client.post(reverse("accounts:login"), {"username": EMAIL, "password": "x" * 12}))
    assert "pas encore confirmée" not in wrong
    assert "Adresse électronique ou mot de passe incorrect." in wrong


def test_an_unconfirmed_sign_up_does_not_hold_the_rpps(client, signup_data):
    """Someone signing up first with a doctor's RPPS and another mailbox does not lock the
    doctor out: the doctor's own sign-up replaces the unconfirmed one."""
    client.post(reverse(SIGNUP), signup_data(email="intrus@test.renfort.example"))
    squatter = Doctor.objects.get()
    assert squatter.awaiting_confirmation
    page = text(
        client.post(
            reverse(SIGNUP),
            signup_data(token="3f1e7a2c-0000-4000-8000-0000000000d2"),
        )
    )
    assert "déjà inscrit avec ce numéro RPPS" not in page
    doctor = Doctor.objects.get(rpps=squatter.rpps)
    assert (
        doctor.user.email == EMAIL and not User.objects.filter(email__startswith="intrus").exists()
    )
    confirm_response = client.post(confirmation_path(EMAIL))
    assert confirm_response.status_code == 302
    client.logout()
    other = signup_data(
        token="3f1e7a2c-0000-4000-8000-0000000000d3", email="autre@test.renfort.example"
    )
    client.post(reverse(SIGNUP), other)
    # A confirmed volunteer keeps it: nothing saved, the volunteer is emailed (not told here).
    assert not User.objects.filter(email="autre@test.renfort.example").exists()
    assert Notification.objects.filter(kind="doctor_rpps_signup", recipient=EMAIL).exists()
