"""Pages: declaration form, manager space, permissions, public map, agent list and export."""

import csv
import html as htmllib
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from renfort.sites.models import Site, SiteMessage
from tests.confirmation import confirmation_path
from tests.factories import UserFactory
from tests.planning.factories import MissionFactory

from .factories import SiteFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return htmllib.unescape(response.content.decode())


def form_data(token="3f1e7a2c-0000-4000-8000-000000000001", **overrides):
    data = {
        "token": token,
        "name": "Centre de santé (fictif) de Lacaune",
        "kind": "centre_sante",
        "address": "3 avenue de Test",
        "commune": "81124",
        "commune_label": "Lacaune (81230) — Tarn",
        "contact_name": "Dominique Exemple",
        "phone": "05 63 37 00 00",
        "email": "cds@lieu.test.renfort.example",
        "rooms": "1",
        "housing": "none",
        "housing_beds": "0",
        "volunteer_days_wanted": "2",
        "horaires-d0_morning": "on",
        "horaires-d0_morning_start": "09:00",
        "horaires-d0_morning_end": "12:30",
        "manager_first_name": "Sam",
        "manager_last_name": "Gestion",
        "manager_email": "sam@test.renfort.example",
        "password1": "Un-mot-de-passe-solide-42",
        "password2": "Un-mot-de-passe-solide-42",
    }
    data.update(overrides)
    return data


def test_declaration_page_renders(client):
    html = text(client.get(reverse("sites:declare")))
    assert "Déclarer un lieu d'accueil" in html and 'data-autocomplete-url="' in html
    assert "Lundi" in html and "Votre compte de gestionnaire" in html


def test_declaration_waits_for_the_email_confirmation(client):
    response = client.post(reverse("sites:declare"), form_data(), follow=True)
    html = text(response)
    assert "Consultez votre messagerie" in html and "votre déclaration de lieu d'accueil" in html
    assert "confirmer votre adresse sam@test.renfort.example" in html
    site = Site.objects.get()
    assert site.status == "unconfirmed" and site.manager.email == "sam@test.renfort.example"
    assert not response.context["user"].is_authenticated
    response = client.post(confirmation_path("sam@test.renfort.example"), follow=True)
    site.refresh_from_db()
    assert site.status == "proposed" and response.context["user"] == site.manager
    assert "Votre déclaration a été envoyée à l'ARS" in text(response)


def test_double_submission_creates_one_site(client):
    client.post(reverse("sites:declare"), form_data())
    response = client.post(reverse("sites:declare"), form_data())
    assert response.url == reverse("accounts:confirmation_sent")
    assert Site.objects.count() == 1
    client.post(confirmation_path("sam@test.renfort.example"))
    client.logout()
    response = client.post(reverse("sites:declare"), form_data())  # once confirmed
    assert response.status_code == 302 and Site.objects.count() == 1
    assert client.get("/").context["user"] == Site.objects.get().manager  # same password


def test_a_replayed_declaration_never_logs_in_without_the_password(client):
    client.post(reverse("sites:declare"), form_data())
    client.logout()
    replay = form_data(password1="Un-autre-mot-de-passe-99", password2="Un-autre-mot-de-passe-99")
    response = client.post(reverse("sites:declare"), replay, follow=True)
    assert Site.objects.count() == 1
    assert not response.context["user"].is_authenticated
    assert response.status_code == 200 and "Se connecter" in text(response)


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"commune": "", "commune_label": "Lacau"}, "Plusieurs communes correspondent"),
        ({"commune": "33063"}, "zone prioritaire"),
        ({"finess": "123"}, "9 caractères"),
        ({"phone": "1234"}, "Numéro de téléphone invalide"),
        ({"rooms": "0"}, "Indiquez au moins une salle de consultation."),
        ({"horaires-d0_morning_end": "08:00"}, "fin doit être après"),
        ({"horaires-d0_morning": ""}, "au moins une demi-journée"),
        ({"password2": "autre-chose-123"}, "ne sont pas identiques"),
        ({"manager_last_name": "Gestion😀"}, "Vérifiez le nom (lettres, espaces"),
        ({"manager_first_name": "Sam#"}, "Vérifiez le prénom (lettres, espaces"),
    ],
)
def test_declaration_bad_input_shows_french_message_and_saves_nothing(client, overrides, message):
    response = client.post(reverse("sites:declare"), form_data(**overrides))
    assert response.status_code == 200
    assert message in text(response)
    assert not Site.objects.exists()
    page = response.content.decode()
    assert 'id="error-summary"' in page and "<title>Erreur dans le formulaire — " in page


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"horaires-d0_morning_end": "08:00"}, "d0_morning_end", "L'heure de fin doit être"),
        ({"horaires-d0_morning_end": ""}, "d0_morning_end", "Indiquez l'heure."),
        ({"horaires-d0_morning_end": "15:00"}, "d0_morning_end", "Le matin doit se terminer"),
    ],
)
def test_an_hours_error_is_told_on_its_time_field(client, overrides, field, message):
    """RGAA 11.10: the time field gets the error (aria-invalid, described by it) and the
    summary links to it."""
    page = client.post(reverse("sites:declare"), form_data(**overrides)).content.decode()
    page = htmllib.unescape(page)
    field_id = f"id_horaires-{field}"
    assert f'aria-describedby="{field_id}-error"' in page
    assert re.search(rf'id="{field_id}-error">{re.escape(message)}', page)
    assert f'<a href="#{field_id}">Lundi matin (fin) : {message}' in page


def test_manager_space_requires_login_and_role(client):
    response = client.get(reverse("sites:manager_space"))
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
    client.force_login(UserFactory(doctor=True))
    assert client.get(reverse("sites:manager_space")).status_code == 403


def test_manager_space_shows_site_empty_missions_and_sends_message(client):
    site = SiteFactory()
    UserFactory(role="ars_agent", region=site.region)  # someone to read it
    client.force_login(site.manager)
    html = text(client.get(reverse("sites:manager_space")))
    assert site.name in html and "Aucune mission n'est encore planifiée" in html
    # What was declared, as the ARS sees it: FINESS, contact, days wanted, practical info.
    Site.objects.filter(pk=site.pk).update(practical_info="Clé à l'accueil (fictif).")
    html = text(client.get(reverse("sites:manager_space")))
    facts = html.split(f'id="site-contact-{site.pk}"')[1]
    assert "<dt>FINESS</dt>" in facts and site.contact_name in facts
    assert "Jours de volontaires souhaités" in facts
    assert "Informations pratiques</h3><p>Clé à l'accueil (fictif).</p>" in facts
    response = client.post(
        reverse("sites:message", args=[site.pk]),
        {f"m{site.pk}-subject": "Question", f"m{site.pk}-body": "Où sont les clés ?"},
        follow=True,
    )
    assert "envoyé à l'ARS" in text(response)
    assert SiteMessage.objects.filter(site=site).count() == 1


def test_a_refused_status_change_shows_the_managers_space_again_with_why(client):
    site = SiteFactory(validated=True)
    client.force_login(site.manager)
    response = client.post(
        reverse("sites:transition", args=[site.pk]),
        {"to_status": "active", "comment": "", "from_status": "proposed"},  # the page was old
    )
    assert response.status_code == 200 and response.templates[0].name == "sites/manager_space.html"
    assert "Le lieu a changé entre-temps" in text(response)
    site.refresh_from_db()
    assert site.status == "validated"


def test_manager_edits_only_own_site(client):
    site, other = SiteFactory(), SiteFactory()
    client.force_login(site.manager)
    assert client.get(reverse("sites:edit", args=[site.pk])).status_code == 200
    assert client.get(reverse("sites:edit", args=[other.pk])).status_code == 404
    assert client.get(reverse("sites:opening_days", args=[other.pk])).status_code == 404
    assert client.post(reverse("sites:transition", args=[other.pk]), {}).status_code == 404
    assert client.get(reverse("sites:detail", args=[other.pk])).status_code == 404


def test_manager_edits_opening_days_and_adds_a_closure(client):
    site = SiteFactory()
    client.force_login(site.manager)
    response = client.post(
        reverse("sites:opening_days", args=[site.pk]),
        {
            "horaires-d2_afternoon": "on",
            "horaires-d2_afternoon_start": "14:00",
            "horaires-d2_afternoon_end": "17:00",
        },
        follow=True,
    )
    assert "Les jours d'ouverture ont été enregistrés." in text(response)
    assert [(w.weekday, w.period) for w in site.weekly_openings.all()] == [(2, "afternoon")]
    response = client.post(
        reverse("sites:exception_add", args=[site.pk]),
        {
            "kind": "closed",
            "start_date": f"{timezone.localdate().year + 1}-08-01",
            "end_date": f"{timezone.localdate().year + 1}-08-15",
            "period": "day",
        },
        follow=True,
    )
    assert "L'exception a été enregistrée." in text(response)
    response = client.post(
        reverse("sites:exception_add", args=[site.pk]),
        {"kind": "closed", "start_date": "2099-08-15", "end_date": "2099-08-01", "period": "day"},
    )
    assert "date de fin" in text(response)
    assert site.opening_exceptions.count() == 1


def test_manager_edit_bad_phone_keeps_old_value(client):
    site = SiteFactory()
    client.force_login(site.manager)
    data = form_data(phone="123")
    response = client.post(reverse("sites:edit", args=[site.pk]), data)
    assert "Numéro de téléphone invalide" in text(response)
    site.refresh_from_db()
    assert site.phone == "+33563000000"


def test_ars_validates_through_the_page(client):
    site = SiteFactory(proposed=True, in_landes=True)
    agent = UserFactory(ars=True)
    client.force_login(agent)
    html = text(client.get(reverse("sites:detail", args=[site.pk])))
    assert "Valider" in html and "Historique des statuts" in html
    assert "« Actif » : le lieu reçoit des missions" in html  # the two states explained
    page = client.get(reverse("sites:detail", args=[site.pk])).content.decode()
    closing = page.index(f'id="close-{site.pk}"')  # the closure stands apart, after the others
    assert page.index('id="action-validated-') < closing < page.index('id="action-closed-')
    client.post(reverse("sites:transition", args=[site.pk]), {"to_status": "validated"})
    assert Site.objects.get(pk=site.pk).status == "validated"
    response = client.post(
        reverse("sites:transition", args=[site.pk]), {"to_status": "closed"}, follow=True
    )
    assert "Indiquez le motif" in text(response)
    assert Site.objects.get(pk=site.pk).status == "validated"


def test_ars_agent_sees_only_own_region(client):
    mine = SiteFactory(in_landes=True)
    other = SiteFactory()  # Occitanie
    client.force_login(UserFactory(ars=True))
    response = client.get(reverse("sites:agent_list"))
    sites = [s for s, _row in response.context["rows"]]
    assert sites == [mine]
    assert client.get(reverse("sites:detail", args=[other.pk])).status_code == 404
    response = client.post(reverse("sites:transition", args=[other.pk]), {"to_status": "closed"})
    assert response.status_code == 404


def test_agent_list_counts_by_kind_and_uncovered_zones(client):
    SiteFactory(in_landes=True)
    SiteFactory(in_landes=True, kind="cabinet")
    SiteFactory(in_landes=True, kind="cabinet", proposed=True)
    client.force_login(UserFactory(ars=True))
    html = text(client.get(reverse("sites:agent_list")))
    assert "1 maison de santé et 1 cabinet." in html
    assert "1 maison de santé et 2 cabinets." in html
    uncovered = [z.epci.name for z in client.get(reverse("sites:agent_list")).context[
        "zones_uncovered"]]  # fmt: skip
    assert "CC Coeur Haute Lande" not in uncovered and "CC Fumel Vallée du Lot" in uncovered


def test_cdom_and_cpam_read_only_for_their_departement(client):
    landes = SiteFactory(in_landes=True)
    SiteFactory()
    client.force_login(UserFactory(cpam=True))
    response = client.get(reverse("sites:agent_list"))
    assert [s for s, _ in response.context["rows"]] == [landes]
    assert response.context["read_only"]
    # A region in the address (a link of the national view) does not rename their scope.
    titled = client.get(reverse("sites:agent_list") + "?region=75")
    assert titled.context["title"] == "Lieux d'accueil — Département Landes (40)"
    assert [s for s, _ in titled.context["rows"]] == [landes]
    html = text(client.get(reverse("sites:detail", args=[landes.pk])))
    assert "Aucune action possible" in html
    response = client.post(reverse("sites:transition", args=[landes.pk]), {"to_status": "closed"})
    assert response.status_code == 403


def test_national_sees_every_region(client):
    tarn, landes = SiteFactory(), SiteFactory(in_landes=True)
    client.force_login(UserFactory(national=True))
    assert len(client.get(reverse("sites:agent_list")).context["rows"]) == 2
    # One region chosen: the list, its title and the export hold that region only.
    page = client.get(reverse("sites:agent_list"), {"region": "75"})
    assert [s for s, _ in page.context["rows"]] == [landes]
    assert "Nouvelle-Aquitaine" in page.context["title"]
    export = client.get(reverse("sites:export"), {"region": "75", "format": "csv"})
    assert landes.name in export.content.decode("utf-8-sig")
    assert tarn.name not in export.content.decode("utf-8-sig")


def test_agent_list_forbidden_to_doctors_and_anonymous_redirected(client):
    assert client.get(reverse("sites:agent_list")).status_code == 302
    client.force_login(UserFactory(doctor=True))
    assert client.get(reverse("sites:agent_list")).status_code == 403
    assert client.get(reverse("sites:export")).status_code == 403


def test_export_equals_the_table_on_screen(client):
    SiteFactory(in_landes=True, finess="400000000")
    SiteFactory(in_landes=True, kind="ehpad", proposed=True)
    client.force_login(UserFactory(ars=True))
    page = client.get(reverse("sites:agent_list"), {"status": "active"})
    on_screen = [[str(c) for c in row] for _site, row in page.context["rows"]]
    response = client.get(reverse("sites:export"), {"status": "active", "format": "csv"})
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == list(page.context["headers"])
    assert lines[1:] == on_screen and len(on_screen) == 1
    assert not any("@" in cell for line in lines for cell in line)  # no contact details
    xlsx = client.get(reverse("sites:export"), {"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd")


def test_public_map_lists_only_active_sites(client):
    active = SiteFactory(name="Lieu actif (fictif)")
    SiteFactory(name="Lieu proposé (fictif)", proposed=True)
    SiteFactory(name="Lieu suspendu (fictif)", suspended=True)
    html = text(client.get(reverse("sites:public_map")))
    assert "Lieu actif (fictif)" in html
    assert "Lieu proposé" not in html and "Lieu suspendu" not in html
    data = client.get(reverse("sites:public_geojson")).json()
    assert [f["properties"]["id"] for f in data["features"]] == [active.pk]
    assert client.get(reverse("sites:public_detail", args=[active.pk])).status_code == 200
    proposed = Site.objects.get(name="Lieu proposé (fictif)")
    assert client.get(reverse("sites:public_detail", args=[proposed.pk])).status_code == 404


def test_public_map_filters_by_region_and_kind(client):
    SiteFactory(name="Lieu Tarn (fictif)")
    SiteFactory(name="Lieu Landes (fictif)", in_landes=True, kind="france_services")
    response = client.get(reverse("sites:public_map"), {"region": "75"})
    assert [s.name for s in response.context["sites"]] == ["Lieu Landes (fictif)"]
    response = client.get(reverse("sites:public_map"), {"kind": "msp"})
    assert [s.name for s in response.context["sites"]] == ["Lieu Tarn (fictif)"]
    data = client.get(reverse("sites:public_geojson"), {"region": "76"}).json()
    assert len(data["features"]) == 1
    # A filter the lists never offer is said and left out, not « 0 lieu » without a reason.
    response = client.get(reverse("sites:public_map"), {"kind": "zzz", "region": "zz"})
    page = response.content.decode()
    assert "Type de lieu inconnu « zzz » : ce filtre n&#x27;est pas appliqué." in page
    assert "Région inconnue « zz »" in page and len(response.context["sites"]) == 2
    data = client.get(reverse("sites:public_geojson"), {"kind": "zzz"}).json()
    assert len(data["features"]) == 2


def test_a_refused_exception_keeps_the_hours_form_working(client):
    site = SiteFactory()
    site.open_on_public_holidays = True
    site.save()
    client.force_login(site.manager)
    page = client.post(
        reverse("sites:exception_add", args=[site.pk]),
        {"kind": "open", "start_date": "2020-01-01", "period": "day"},
    )
    body = page.content.decode()
    assert "date à venir" in body
    assert f'action="{reverse("sites:opening_days", args=[site.pk])}"' in body
    assert page.context["pattern_form"]["open_on_public_holidays"].value() is True


def test_a_closure_on_a_planned_mission_is_refused_on_the_page(client):
    mission = MissionFactory()
    client.force_login(mission.site.manager)
    page = client.post(
        reverse("sites:exception_add", args=[mission.site.pk]),
        {"kind": "closed", "start_date": mission.date.isoformat(), "period": "day"},
    )
    assert "Cette fermeture tombe sur 1 mission prévue au lieu" in text(page)
    assert f"le {mission.date:%d/%m/%Y} (journée entière, {mission.doctor}, confirmée)" in text(
        page
    )
    assert not mission.site.opening_exceptions.exists()


def test_manager_edit_shows_every_error_in_one_round(client):
    site = SiteFactory(phone="+33563370000")
    client.force_login(site.manager)
    page = client.get(reverse("sites:edit", args=[site.pk]))
    assert 'value="05 63 37 00 00"' in page.content.decode()  # as people write it
    data = form_data(rooms="0", phone="12", finess="ABC")
    response = client.post(reverse("sites:edit", args=[site.pk]), data)
    errors = response.context["form"].errors
    assert set(errors) >= {"rooms", "phone", "finess"}
    summary = text(response).split('id="error-summary"')[1].split("</ul>")[0]
    assert summary.index('href="#id_finess"') < summary.index('href="#id_rooms"')
    assert summary.index('href="#id_rooms"') < summary.index('href="#id_phone"')
    assert "(facultatif)" not in summary
    site.refresh_from_db()
    assert site.phone == "+33563370000" and site.rooms >= 1


def test_declaration_shows_site_rules_with_the_errors_of_the_hours(client):
    data = form_data(phone="12", **{"horaires-d0_morning": ""})
    response = client.post(reverse("sites:declare"), data)
    assert "phone" in response.context["site_form"].errors
    assert response.context["pattern_form"].errors


def test_declaration_without_a_commune_still_shows_the_finess_and_phone_errors(client):
    data = form_data(commune="", commune_label="", phone="12", finess="Valeur2")
    errors = client.post(reverse("sites:declare"), data).context["site_form"].errors
    assert set(errors) >= {"commune_label", "phone", "finess"}
    assert errors["finess"] == ["Le numéro FINESS comporte 9 caractères (par exemple 750712184)."]
    assert not Site.objects.exists()


def test_site_facts_read_as_french_sentences(client):
    site = SiteFactory(
        housing="on_site",
        housing_beds=2,
        housing_nights="Du lundi soir au jeudi soir",
        housing_description="Studio meublé",
    )
    client.force_login(site.manager)  # housing details: not on the public page
    html = text(client.get(reverse("sites:manager_space")))
    assert "Hébergement sur place : 2 lits, du lundi soir au jeudi soir — Studio meublé" in html
    # nothing ticked reads the same way for the equipment and the support
    assert "<dt>Équipement</dt><dd>Aucun</dd>" in html
    assert "<dt>Accompagnement</dt><dd>Aucun</dd>" in html
    assert "Non renseigné" not in html


@pytest.mark.parametrize(
    "nights, shown",
    [
        ("Du lundi soir au jeudi soir", "du lundi soir au jeudi soir"),
        ("du dimanche soir au mardi soir", "du dimanche soir au mardi soir"),
        ("WE et jours fériés", "WE et jours fériés"),
        ("  Toutes les nuits ", "toutes les nuits"),
        ("", ""),
    ],
)
def test_housing_nights_mid_sentence(nights, shown):
    assert Site(housing_nights=nights).housing_nights_inline == shown


def test_equipment_and_support_are_listed_alike(client):
    site = SiteFactory(has_ecg=True, has_internet=True, has_reception=True)
    html = text(client.get(reverse("sites:public_detail", args=[site.pk])))
    assert "<dt>Équipement</dt><dd>Électrocardiographe (ECG), accès à internet</dd>" in html
    assert "<dt>Accompagnement</dt><dd>Accueil / secrétariat</dd>" in html
    site.has_medical_assistant = True
    site.save()
    html = text(client.get(reverse("sites:public_detail", args=[site.pk])))
    assert "<dd>Assistant(e) médical(e) présent(e), accueil / secrétariat</dd>" in html


def test_the_public_geojson_answers_head_requests(client):
    assert client.head(reverse("sites:public_geojson")).status_code == 200


def test_a_form_sent_back_says_again_whether_its_commune_is_in_a_priority_zone(client):
    """Another field in error: the commune chosen stays, and so does what was said of it."""
    page = text(client.post(reverse("sites:declare"), form_data(rooms="0")))
    assert "Lacaune est dans la zone prioritaire « CC du Haut-Languedoc »." in page
    page = text(
        client.post(
            reverse("sites:declare"),
            form_data(rooms="0", commune="81004", commune_label="Albi (81000) — Tarn"),
        )
    )
    assert "Albi n'est pas dans une zone prioritaire en vigueur : seule l'ARS" in page
    page = text(client.get(reverse("sites:declare")))
    assert 'id="commune-zone" hidden' in page


def test_a_finess_and_a_phone_pasted_with_spaces_are_taken(client):
    """The form reads « 81 000 123 0 » (the model keeps 9 characters: the service removes the
    spaces); only a number too long even as typed is refused."""
    site = SiteFactory(phone="+33563370000")
    client.force_login(site.manager)
    data = form_data(finess="81 000 123 0", phone="+33 (0)5 63 37 00 01")
    response = client.post(reverse("sites:edit", args=[site.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    site.refresh_from_db()
    assert (site.finess, site.phone) == ("810001230", "+33563370001")
    response = client.post(reverse("sites:edit", args=[site.pk]), form_data(finess="8" * 16))
    assert "finess" in response.context["form"].errors


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("Lacaune", None),  # a name typed in full, no suggestion picked (or no script)
        ("81230 Lacaune", None),
        ("Lacaune (81230) — Tarn", None),  # the suggestion's own label, typed
        ("Lacaun", "Vouliez-vous dire Lacaune (81230) ?"),
        ("Lacau", "Plusieurs communes correspondent (Lacaune (81230), Lacaugne (31390)"),
        ("Zzyzx-les-Bains", "Nous ne trouvons pas cette commune"),
        ("", "Choisissez la commune dans la liste proposée"),
    ],
)
def test_a_commune_typed_without_picking_a_suggestion(client, typed, error):
    """The declaration works without JavaScript: a name or postcode that designates one
    commune is taken; otherwise the page says why, under the field."""
    data = form_data(commune="", commune_label=typed)
    response = client.post(reverse("sites:declare"), data)
    if error is None:
        assert response.status_code == 302, response.context["site_form"].errors
        assert Site.objects.get().commune_id == "81124"
    else:
        assert error in response.context["site_form"].errors["commune_label"][0]
        assert not Site.objects.exists()


def test_a_negative_number_of_beds_gets_the_same_words_as_none(client):
    site = SiteFactory()
    client.force_login(site.manager)
    url = reverse("sites:edit", args=[site.pk])
    for beds in ("-2", "0"):
        response = client.post(url, form_data(housing="on_site", housing_beds=beds))
        assert response.context["form"].errors["housing_beds"] == [
            "Indiquez le nombre de lits de l'hébergement (au moins 1)."
        ], beds


def test_a_closed_site_says_it_receives_no_one_and_offers_no_edit(client):
    site = SiteFactory(status="closed")
    open_one = SiteFactory(manager=site.manager)
    client.force_login(site.manager)
    page = text(client.get(reverse("sites:manager_space")))
    card = page.split(f'id="site-{site.pk}"', 1)[1]
    assert "Ce lieu est fermé : il ne reçoit plus de médecins volontaires" in card
    assert reverse("sites:edit", args=[site.pk]) not in card
    assert "Prochains jours d'ouverture" not in card and "apparaîtront ici" not in card
    assert page.index(f'id="site-{open_one.pk}"') < page.index(f'id="site-{site.pk}"')
