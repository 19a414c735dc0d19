"""The « demande de complément » (an agent asks, the doctor answers) and the doctor's edition of
their identity and practice: services, pages, lists and refusals."""

import html as htmllib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from renfort.accounts.models import Role
from renfort.doctors import completion, selectors
from renfort.doctors.models import Doctor, DoctorHistory, DoctorStatus
from renfort.doctors.services import CLOSED_FILE
from renfort.notifications.models import Notification
from renfort.planning.selectors import agent_todo
from renfort.territories.models import Departement, Region
from tests.factories import UserFactory, commune

from .factories import DoctorFactory

pytestmark = pytest.mark.django_db
ASK = "Votre numéro RPPS ne correspond pas à votre nom dans l'annuaire : vérifiez-le."


def text(response) -> str:
    return htmllib.unescape(response.content.decode())


def profile_data(doctor: Doctor, **changes) -> dict:
    data = {k: getattr(doctor, k) for k in completion.EDITABLE_FIELDS}
    return {**data, **changes}


def last_row(doctor):
    return doctor.history.order_by("-pk").first()


def completion_mails(recipient: str):
    return Notification.objects.filter(kind="doctor_completion", recipient=recipient)


# --- Asking ---------------------------------------------------------------------------------


def test_the_cdom_asks_a_complement_once_and_the_doctor_is_emailed():
    doctor = DoctorFactory(in_landes=True, submitted=True)
    cdom = UserFactory(cdom=True)
    assert completion.completion_request(doctor=doctor, actor=cdom, message=f"  {ASK} ")
    doctor.refresh_from_db()
    assert doctor.completion_pending and doctor.completion_request == ASK
    assert doctor.completion_requested_by == cdom and doctor.status == DoctorStatus.SUBMITTED
    row = last_row(doctor)
    assert (row.from_status, row.to_status, row.actor) == ("submitted", "submitted", cdom)
    assert row.comment == f"Complément demandé : {ASK}"
    (mail,) = completion_mails(doctor.user.email)
    assert ASK in mail.body and "/medecins/mon-espace/dossier/" in mail.body
    assert "conseil départemental de l'Ordre des médecins (Landes)" in mail.body
    # The same request again (a second click): nothing more.
    assert not completion.completion_request(doctor=doctor, actor=cdom, message=ASK)
    assert doctor.history.count() == 2 and completion_mails(doctor.user.email).count() == 1
    # Another text replaces it; both stay in the history.
    assert completion.completion_request(doctor=doctor, actor=cdom, message="Et votre adresse ?")
    doctor.refresh_from_db()
    assert doctor.completion_request == "Et votre adresse ?" and doctor.history.count() == 3


@pytest.mark.parametrize(
    "status, role, allowed",
    [
        (DoctorStatus.SUBMITTED, "cdom", True),
        (DoctorStatus.CDOM_NOTIFIED, "cdom", True),
        (DoctorStatus.ACTIVITY_RECORDED, "cdom", False),  # the CDOM's step is done
        (DoctorStatus.ACTIVE, "ars", True),
        (DoctorStatus.PAUSED, "ars", True),
        (DoctorStatus.REFUSED, "ars", False),
        (DoctorStatus.WITHDRAWN, "ars", False),
        (DoctorStatus.SUBMITTED, "cpam", False),
        (DoctorStatus.SUBMITTED, "national", False),
    ],
)
def test_who_may_ask_a_complement(status, role, allowed):
    doctor = DoctorFactory(in_landes=True, status=status)
    actor = UserFactory(**{role: True})
    if allowed:
        assert completion.completion_request(doctor=doctor, actor=actor, message=ASK)
        return
    with pytest.raises(PermissionDenied):
        completion.completion_request(doctor=doctor, actor=actor, message=ASK)
    doctor.refresh_from_db()
    assert not doctor.completion_request and doctor.history.count() == 1


def test_agents_outside_the_territory_cannot_ask():
    doctor = DoctorFactory(in_landes=True, submitted=True)
    other_cdom = UserFactory(role=Role.CDOM_AGENT, departement=Departement.objects.get(code="33"))
    other_ars = UserFactory(role=Role.ARS_AGENT, region=Region.objects.get(code="76"))
    for agent in (other_cdom, other_ars):
        with pytest.raises(PermissionDenied):
            completion.completion_request(doctor=doctor, actor=agent, message=ASK)
    assert not Doctor.objects.get(pk=doctor.pk).completion_request


@pytest.mark.parametrize("message", ["", "  ok ", "x" * 1001])
def test_a_request_needs_a_message_of_sensible_length(message):
    doctor = DoctorFactory(in_landes=True, submitted=True)
    with pytest.raises(ValidationError) as exc:
        completion.completion_request(doctor=doctor, actor=UserFactory(cdom=True), message=message)
    assert exc.value.code == "reason"
    assert not Doctor.objects.get(pk=doctor.pk).completion_request
    assert not completion_mails(doctor.user.email).exists()


def test_a_request_decided_on_a_stale_page_is_refused():
    doctor = DoctorFactory(in_landes=True, status=DoctorStatus.CDOM_NOTIFIED)
    with pytest.raises(ValidationError, match="a changé entre-temps"):
        completion.completion_request(
            doctor=doctor, actor=UserFactory(cdom=True), message=ASK, from_status="submitted"
        )


# --- Answering and editing ------------------------------------------------------------------


def ask(doctor, actor=None) -> None:
    actor = actor or UserFactory(ars=True)
    completion.completion_request(doctor=doctor, actor=actor, message=ASK)
    doctor.refresh_from_db()


def test_the_answer_corrects_the_identity_clears_the_request_and_tells_the_agent():
    doctor = DoctorFactory(in_landes=True, status=DoctorStatus.ACTIVE)
    ars = UserFactory(ars=True)
    ask(doctor, ars)
    assert doctor.identity_editable  # active, but asked
    changed = completion.doctor_profile_update(
        doctor=doctor,
        actor=doctor.user,
        data=profile_data(doctor, last_name="  Nouveau-Nom ", rpps="10000000108"),
        message="C'était une faute de frappe.",
    )
    assert changed == ["nom", "numéro RPPS"]
    doctor.refresh_from_db()
    assert (doctor.last_name, doctor.rpps) == ("Nouveau-Nom", "10000000108")
    assert not doctor.completion_pending and doctor.completion_requested_by is None
    assert doctor.user.last_name == "Nouveau-Nom"
    assert doctor.status == DoctorStatus.ACTIVE
    row = last_row(doctor)
    assert row.comment == (
        "Complément apporté par le médecin. Modifié : nom, numéro RPPS. "
        "Message : C'était une faute de frappe."
    )
    (mail,) = completion_mails(ars.email)
    assert mail.subject == "Complément reçu : Dr Camille Nouveau-Nom"
    assert "Informations modifiées : nom, numéro RPPS." in mail.body
    assert "C'était une faute de frappe." in mail.body
    # Answered: the identity is locked again (the Ordre has recorded the activity).
    with pytest.raises(ValidationError) as exc:
        completion.doctor_profile_update(
            doctor=doctor, actor=doctor.user, data=profile_data(doctor, first_name="Autre")
        )
    assert exc.value.message_dict == {"first_name": [completion.IDENTITY_LOCKED]}


def test_a_message_alone_answers_nothing_at_all_is_refused():
    doctor = DoctorFactory(in_landes=True, submitted=True)
    cdom = UserFactory(cdom=True)
    ask(doctor, cdom)
    with pytest.raises(ValidationError, match="Modifiez au moins une information"):
        completion.doctor_profile_update(
            doctor=doctor, actor=doctor.user, data=profile_data(doctor)
        )
    assert Doctor.objects.get(pk=doctor.pk).completion_pending
    assert (
        completion.doctor_profile_update(
            doctor=doctor, actor=doctor.user, data=profile_data(doctor), message="Mon RPPS est bon."
        )
        == []
    )
    assert not Doctor.objects.get(pk=doctor.pk).completion_pending
    (mail,) = completion_mails(cdom.email)
    assert "Aucune information n'a été modifiée." in mail.body and "Mon RPPS est bon." in mail.body


def test_before_the_ordre_records_the_activity_the_identity_is_editable():
    doctor = DoctorFactory(submitted=True, last_name="Fictive")
    assert completion.doctor_profile_update(
        doctor=doctor, actor=doctor.user, data=profile_data(doctor, civility="m", first_name="Lou")
    ) == ["civilité", "prénom"]
    row = last_row(doctor)
    assert row.comment == "Dossier modifié par le médecin : civilité, prénom."
    assert row.from_status == row.to_status == DoctorStatus.SUBMITTED
    assert not Notification.objects.filter(kind="doctor_completion").exists()


def test_an_active_doctor_changes_practice_not_identity_and_a_message_is_ignored():
    doctor = DoctorFactory(status=DoctorStatus.ACTIVE)
    with pytest.raises(ValidationError) as exc:
        completion.doctor_profile_update(
            doctor=doctor, actor=doctor.user, data=profile_data(doctor, rpps="10000000108")
        )
    assert exc.value.message_dict == {"rpps": [completion.IDENTITY_LOCKED]}
    lescure = commune("81144")  # Lescure-d'Albigeois, Tarn as Albi
    changed = completion.doctor_profile_update(
        doctor=doctor,
        actor=doctor.user,
        data=profile_data(
            doctor,
            practice_address="8 place du Marché (fictif)",
            practice_commune=lescure,
            sector="secteur_2_optam",
        ),
        message="ignored: no request pending",
    )
    assert changed == ["secteur conventionnel", "adresse du lieu d'exercice", "commune d'exercice"]
    doctor.refresh_from_db()
    assert doctor.practice_commune == lescure and doctor.departement_id == "81"
    assert "ignored" not in last_row(doctor).comment
    # Nothing changed: nothing recorded.
    assert (
        completion.doctor_profile_update(
            doctor=doctor, actor=doctor.user, data=profile_data(doctor)
        )
        == []
    )
    assert doctor.history.count() == 2


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"sector": "non_conventionne"}, "sector", "conventionné"),
        ({"rpps": "12345"}, "rpps", "11 chiffres"),
        ({"last_name": "  "}, "last_name", "Indiquez"),
    ],
)
def test_bad_values_are_refused_with_nothing_saved(changes, field, message):
    doctor = DoctorFactory(submitted=True)
    with pytest.raises(ValidationError) as exc:
        completion.doctor_profile_update(
            doctor=doctor, actor=doctor.user, data=profile_data(doctor, **changes)
        )
    assert message in " ".join(exc.value.message_dict[field])
    assert doctor.history.count() == 1
    assert Doctor.objects.get(pk=doctor.pk).sector == "secteur_1"


def test_an_rpps_of_another_file_and_another_departement_are_refused():
    other = DoctorFactory()
    doctor = DoctorFactory(submitted=True)
    with pytest.raises(ValidationError) as exc:
        completion.doctor_profile_update(
            doctor=doctor, actor=doctor.user, data=profile_data(doctor, rpps=other.rpps)
        )
    assert exc.value.message_dict == {"rpps": [completion.RPPS_TAKEN]}
    with pytest.raises(ValidationError) as exc:
        completion.doctor_profile_update(
            doctor=doctor,
            actor=doctor.user,
            data=profile_data(doctor, practice_commune=commune("40192")),
        )
    assert exc.value.message_dict == {"practice_commune": [completion.DEPARTEMENT_LOCKED]}
    assert Doctor.objects.get(pk=doctor.pk).departement_id == "81"


def test_only_the_doctor_edits_an_open_file():
    doctor = DoctorFactory(submitted=True)
    with pytest.raises(PermissionDenied):
        completion.doctor_profile_update(
            doctor=doctor, actor=DoctorFactory().user, data=profile_data(doctor, first_name="X")
        )
    closed = DoctorFactory(status=DoctorStatus.WITHDRAWN)
    with pytest.raises(ValidationError, match=CLOSED_FILE[:30]):
        completion.doctor_profile_update(
            doctor=closed, actor=closed.user, data=profile_data(closed, first_name="Lou")
        )


# --- Lists ----------------------------------------------------------------------------------


def test_a_file_waiting_for_the_doctor_leaves_the_to_do_list_and_has_its_own_filter():
    waiting = DoctorFactory(in_landes=True, submitted=True)
    other = DoctorFactory(in_landes=True, submitted=True)
    cdom = UserFactory(cdom=True)
    ask(waiting, cdom)
    to_do = selectors.agent_doctors(cdom, status=selectors.TO_DO)
    assert list(to_do) == [other]
    assert list(selectors.agent_doctors(cdom, status=selectors.COMPLETION)) == [waiting]
    rows = selectors.doctor_table_rows(selectors.for_table(Doctor.objects.filter(pk=waiting.pk)))
    assert rows[0][7] == "Candidature envoyée — complément demandé"
    ars = UserFactory(ars=True)
    assert agent_todo(ars, "75").doctors == 1  # `other` only
    completion.doctor_profile_update(
        doctor=waiting, actor=waiting.user, data=profile_data(waiting), message="Voilà."
    )
    assert set(selectors.agent_doctors(cdom, status=selectors.TO_DO)) == {waiting, other}
    assert agent_todo(ars, "75").doctors == 2


# --- Pages ----------------------------------------------------------------------------------


def test_the_agent_asks_from_the_file_and_a_short_request_is_shown_again(client):
    doctor = DoctorFactory(in_landes=True, submitted=True)
    client.force_login(UserFactory(cdom=True))
    detail = reverse("doctors:agent_detail", args=[doctor.pk])
    assert "Demander un complément au médecin" in text(client.get(detail))
    url = reverse("doctors:agent_completion", args=[doctor.pk])
    refused = client.post(url, {"message": "RPPS", "from_status": "submitted"})
    assert refused.status_code == 400
    page = text(refused)
    assert "au moins 5 caractères" in page and ">RPPS</textarea>" in page
    assert not Doctor.objects.get(pk=doctor.pk).completion_request
    response = client.post(url, {"message": ASK, "from_status": "submitted"}, follow=True)
    page = text(response)
    assert "un courriel lui a été envoyé" in page and "en attente de la réponse du médecin" in page
    again = client.post(url, {"message": ASK, "from_status": "submitted"}, follow=True)
    assert "déjà envoyée" in text(again)
    assert DoctorHistory.objects.filter(doctor=doctor).count() == 2


def test_the_completion_page_is_refused_to_others(client):
    doctor = DoctorFactory(in_landes=True, submitted=True)
    url = reverse("doctors:agent_completion", args=[doctor.pk])
    client.force_login(UserFactory(cpam=True))
    assert client.post(url, {"message": ASK}).status_code == 403
    client.force_login(UserFactory(role=Role.CDOM_AGENT, departement_id="33"))
    assert client.post(url, {"message": ASK}).status_code == 404  # not told it exists
    client.force_login(doctor.user)
    assert client.post(url, {"message": ASK}).status_code == 403
    assert client.get(reverse("doctors:agent_detail", args=[doctor.pk])).status_code == 403
    client.force_login(UserFactory(cpam=True))
    assert client.get(reverse("doctors:profile")).status_code == 403
    assert not Doctor.objects.get(pk=doctor.pk).completion_request


def test_the_doctor_answers_from_the_space(client):
    doctor = DoctorFactory(in_landes=True, status=DoctorStatus.ACTIVE)
    ask(doctor)
    client.force_login(doctor.user)
    space = text(client.get(reverse("doctors:space")))
    assert "Un complément vous est demandé" in space and ASK in space
    url = reverse("doctors:profile")
    page = text(client.get(url))
    assert "Compléter mon dossier" in page and "Envoyer ma réponse" in page
    assert 'name="message"' in page and "identity-locked" not in page
    data = {
        "civility": "mme",
        "first_name": "Camille",
        "last_name": doctor.last_name,
        "rpps": "1000 0000 108",
        "specialty": "medecine_generale",
        "sector": "secteur_1",
        "practice_status": "active",
        "practice_address": doctor.practice_address,
        "commune_label": doctor.practice_commune.label,
        "practice_commune": doctor.practice_commune.code_insee,
        "message": "",
    }
    response = client.post(url, data, follow=True)
    assert "Votre réponse a été envoyée" in text(response)
    doctor.refresh_from_db()
    assert doctor.rpps == "10000000108" and not doctor.completion_pending


def test_the_profile_page_locks_the_identity_after_the_ordre_and_says_why(client):
    doctor = DoctorFactory(status=DoctorStatus.ACTIVE)
    client.force_login(doctor.user)
    url = reverse("doctors:profile")
    page = text(client.get(url))
    assert "Mon identité et mon lieu d'exercice" in page and completion.IDENTITY_LOCKED in page
    assert 'name="message"' not in page
    data = {
        "last_name": "Forgé",  # disabled: what is posted is ignored
        "specialty": "medecine_generale",
        "sector": "secteur_1",
        "practice_status": "active",
        "practice_address": "",
        "commune_label": "Nulle-Part-Fictive",
        "practice_commune": "",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    page = text(refused)
    assert "Erreur" in page and "Nous ne trouvons pas cette commune" in page
    data.update(practice_address="1 rue Neuve (fictif)", commune_label="Albi (81000) — Tarn")
    data["practice_commune"] = "81004"
    assert "Votre dossier a été mis à jour" in text(client.post(url, data, follow=True))
    doctor.refresh_from_db()
    assert doctor.last_name != "Forgé" and doctor.practice_address == "1 rue Neuve (fictif)"


def test_a_closed_file_cannot_open_the_profile_page(client):
    doctor = DoctorFactory(status=DoctorStatus.REFUSED)
    client.force_login(doctor.user)
    response = client.get(reverse("doctors:profile"), follow=True)
    assert CLOSED_FILE in text(response)


def test_rows_that_keep_the_status_leave_the_timeline_and_the_pause_alone():
    doctor = DoctorFactory(in_landes=True, status=DoctorStatus.ACTIVE)
    DoctorHistory.objects.filter(doctor=doctor).update(created_at="2026-01-05T10:00:00Z")
    ask(doctor)
    (active,) = [s for s in selectors.onboarding_timeline(doctor) if s["status"] == "active"]
    assert active["date"].date().isoformat() == "2026-01-05"
    assert last_row(doctor).to_label == "Volontaire active (inchangé)"  # Mme
    # Paused by the doctor, then asked by the ARS: still the doctor's own pause.
    paused = DoctorFactory(in_landes=True, status=DoctorStatus.PAUSED)
    DoctorHistory.objects.filter(doctor=paused).update(actor=paused.user, from_status="active")
    assert not paused.paused_by_agent
    ask(paused)
    assert not Doctor.objects.get(pk=paused.pk).paused_by_agent
