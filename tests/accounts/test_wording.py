"""The password forms say the same thing everywhere: the same hint and mismatch message at the
sign-up and the reset, the email address named as such, a note when passwords must be typed
again."""

import html as htmllib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from renfort.accounts.password_validation import SimilarityValidator
from renfort.core.links import set_password_url
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return htmllib.unescape(response.content.decode())


def reset_page(client, user):
    url = set_password_url(user).split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + url, follow=True)
    return response.redirect_chain[-1][0]


def test_the_reset_form_speaks_as_the_sign_up(client):
    user = UserFactory(email="paul.martin@test.renfort.example", last_name="Martin")
    url = reset_page(client, user)
    page = text(client.get(url))
    assert "Au moins 8 caractères, pas uniquement des chiffres." in page
    assert "<li>" not in page.split('id="id_new_password1"')[0].rsplit("<label", 1)[1]
    page = text(client.post(url, {"new_password1": "Abc-12345-xyz", "new_password2": "autre"}))
    assert "Les deux mots de passe ne sont pas identiques." in page
    assert "ne correspondent pas" not in page
    page = text(client.post(url, {"new_password1": "paul.martin", "new_password2": "paul.martin"}))
    assert "Le mot de passe est trop semblable à votre adresse électronique." in page
    assert "nom d'utilisateur" not in page


def test_the_similarity_names_the_person_s_details():
    user = UserFactory.build(
        email="a.b@test.renfort.example", first_name="Marguerite", last_name="Durand-Fictif"
    )
    for password, words in (("Marguerite!", "votre prénom"), ("durand-fictif", "votre nom")):
        with pytest.raises(ValidationError) as exc:
            SimilarityValidator().validate(password, user)
        assert exc.value.messages == [f"Le mot de passe est trop semblable à {words}."]
    SimilarityValidator().validate("Un-mot-de-passe-solide-42", user)


def test_the_forgotten_password_form_names_the_email_address(client):
    page = text(client.get(reverse("accounts:password_reset")))
    assert "Adresse électronique" in page and "Courriel" not in page
    page = text(client.post(reverse("accounts:password_reset"), {"email": "pas-une-adresse"}))
    assert "Adresse électronique invalide, par exemple nom@exemple.fr." in page
    assert "Saisissez une adresse" not in page
