"""Declaration and edit forms: lengths, one message per error, optional fields, new password."""

import re

import pytest
from django.urls import reverse

from renfort.sites.forms import AccountForm, SiteForm
from renfort.sites.models import Site
from renfort.sites.validators import SITE_NAME_RULE, normalize_site_name, site_name_errors
from tests.factories import UserFactory

from .factories import SiteFactory
from .test_views import form_data, text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "field, limit",
    [("practical_info", 2000), ("housing_description", 1000)],
)
def test_free_text_is_limited_with_a_french_message_and_a_maxlength(client, field, limit):
    response = client.post(reverse("sites:declare"), form_data(**{field: "x" * 200_000}))
    assert response.status_code == 200 and not Site.objects.exists()
    errors = response.context["site_form"].errors[field]
    assert errors == [
        f"Ce texte est trop long : {limit:,} caractères au plus.".replace(",", "\xa0")
    ]
    assert f'maxlength="{limit}"' in re.search(f"<textarea[^>]*{field}[^>]*>", text(response))[0]
    client.post(reverse("sites:declare"), form_data(**{field: "x" * limit}))
    assert len(getattr(Site.objects.get(), field)) == limit


def test_edit_form_has_the_same_limits(client):
    site = SiteFactory()
    client.force_login(site.manager)
    response = client.post(
        reverse("sites:edit", args=[site.pk]), form_data(practical_info="x" * 2001)
    )
    assert "practical_info" in response.context["form"].errors
    site.refresh_from_db()
    assert site.practical_info == ""


@pytest.mark.parametrize("rooms", ["-3", "0"])
def test_too_few_rooms_say_so_once(client, rooms):
    response = client.post(reverse("sites:declare"), form_data(rooms=rooms))
    assert response.context["site_form"].errors["rooms"] == [
        "Indiquez au moins une salle de consultation."
    ]
    assert text(response).count("Indiquez au moins une salle de consultation.") == 2  # + summary


def _label(form, name: str) -> str:
    return str(form.fields[name].label)


@pytest.mark.parametrize("instance", [False, True])
def test_optional_fields_say_so_in_their_label(instance):
    form = SiteForm(instance=SiteFactory() if instance else None)
    for name in [
        "finess",
        "software_name",
        "housing_description",
        "housing_nights",
        "cpam_name",
        "practical_info",
    ]:
        assert _label(form, name).endswith(" (facultatif)"), name
    for name in ["name", "address", "phone", "rooms", "has_ecg", "kind_label"]:
        assert "facultatif" not in _label(form, name), name
    assert _label(form, "finess") == "Numéro FINESS (facultatif)"


def test_optional_mark_is_on_the_declaration_page(client):
    html = text(client.get(reverse("sites:declare")))
    assert "Numéro FINESS (facultatif)" in html and "CPAM du lieu (facultatif)" in html
    assert "Nom du lieu (facultatif)" not in html


def account_data(**overrides) -> dict:
    data = {
        "manager_first_name": "Jeanne",
        "manager_last_name": "Test",
        "manager_email": "jeanne.test@example.org",
        "password1": "jeanne.test",
        "password2": "jeanne.test",
    }
    data.update(overrides)
    return data


def test_a_new_password_too_close_to_the_email_is_refused():
    form = AccountForm(account_data(manager_first_name="Paule", manager_last_name="Martin"))
    assert not form.is_valid()
    assert list(form.errors["password1"]) == [
        "Le mot de passe est trop semblable à votre adresse électronique."
    ]


def test_a_new_password_too_close_to_the_name_is_refused_on_the_page(client):
    data = form_data(
        manager_first_name="Marguerite",
        password1="Marguerite!",
        password2="Marguerite!",
    )
    response = client.post(reverse("sites:declare"), data)
    assert response.status_code == 200 and not Site.objects.exists()
    assert "trop semblable" in " ".join(response.context["person_form"].errors["password1"])


def test_a_good_new_password_is_accepted_once_checked():
    form = AccountForm(
        account_data(password1="Un-mot-de-passe-solide-42", password2="Un-mot-de-passe-solide-42")
    )
    assert form.is_valid(), form.errors
    mismatch = AccountForm(account_data(password2="autre-chose"))
    assert not mismatch.is_valid() and "password1" not in mismatch.errors


def test_a_too_long_reason_is_refused_with_its_limit(client):
    site = SiteFactory(in_landes=True)
    client.force_login(UserFactory(ars=True))
    response = client.post(
        reverse("sites:transition", args=[site.pk]),
        {"to_status": "suspended", "comment": "x" * 1001},
        follow=True,
    )
    assert "Motif : Ce texte est trop long : 1\xa0000 caractères au plus." in text(response)
    assert f'id="comment-suspended-{site.pk}-error"' in text(response)
    assert ">" + "x" * 1001 + "</textarea>" in text(response)  # kept as typed, to shorten
    site.refresh_from_db()
    assert site.status == "active"
    page = text(client.get(reverse("sites:detail", args=[site.pk])))
    assert 'maxlength="1000"' in page


# --- The site's name ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "MSP de Lacaune",
        "Maison de santé n° 2",
        "MSP Saint-Jean & Sainte-Anne",
        "Centre de santé (Lacaune) / annexe",
        "Pôle « Les Tilleuls », 2e étage",
        "Cabinet d’Albi-Nord",
        "CH St. Pierre : consultations",
        "3 Rivières",
    ],
)
def test_real_establishment_names_are_accepted(name):
    assert site_name_errors(normalize_site_name(name)) == []


@pytest.mark.parametrize(
    "name", ["MSP test 😀", "MSP ★", "MSP\u200btest", "— MSP", "MSP <b>", "MSP #1", "MSP = 2"]
)
def test_emoji_symbols_and_invisible_characters_are_refused(name):
    assert site_name_errors(normalize_site_name(name)) == [SITE_NAME_RULE]


def test_the_declaration_refuses_an_emoji_in_the_name_and_keeps_the_rest(client):
    response = client.post(reverse("sites:declare"), form_data(name="MSP test 😀"))
    page = text(response)
    assert not Site.objects.exists()
    assert "Vérifiez le nom du lieu" in page and "Dominique Exemple" in page


def test_an_empty_name_on_the_edit_page_has_its_own_message(client):
    site = SiteFactory()
    client.force_login(site.manager)
    data = form_data(name="   ", email=site.email or "cds@lieu.test.renfort.example")
    response = client.post(reverse("sites:edit", args=[site.pk]), data)
    page = text(response)
    assert "Indiquez le nom du lieu d'accueil." in page
    assert "Ce champ est obligatoire." not in page
    site.refresh_from_db()
    assert site.name.strip()


def test_a_sites_name_with_its_commune_says_the_commune_once():
    """« Cabinet médical (Lacaune) », but « Maison de santé de Lacaune » as it is (offer
    emails read « … de Terre-de-Bancalié (Terre-de-Bancalié) »)."""
    site = SiteFactory(name="Cabinet médical du Plateau")
    commune = site.commune.name
    assert site.name_with_commune == f"Cabinet médical du Plateau ({commune})"
    site.name = f"Maison de santé de {commune.upper()}"
    assert site.name_with_commune == site.name
