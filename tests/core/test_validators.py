"""People's names: letters of any script, spaces, hyphens, apostrophes and dots only."""

import pytest
from django.core.exceptions import ValidationError

from renfort.core.validators import name_valid, names_check


@pytest.mark.parametrize(
    "name",
    [
        "Dupont",
        "Jean-Éric",
        "N’Diaye",
        "O'Neil",
        "Zoë Nguyễn",
        "J.-P.",
        "Łukasz",
        "Мария",
        "محمد",
        "李",
        "Ole\u0301",  # a combining accent
    ],
)
def test_names_in_any_script_are_accepted(name):
    assert name_valid(name)


@pytest.mark.parametrize(
    "name",
    [
        "Dupont😀",
        "Jean★",
        "Martin\u202e",  # right-to-left override
        "Ma\u200dria",  # zero-width joiner
        "Dupont2",
        "Dupont²",
        "Louis XIV Ⅻ",
        "Marie@",
        "=Dupont",
        "-Martin",
        "'Martin",
        "Dupont_",
        "Du(pont)",
        "x" * 101,
    ],
)
def test_symbols_emoji_digits_and_invisible_characters_are_refused(name):
    assert not name_valid(name)
    with pytest.raises(ValidationError) as exc_info:
        names_check({"last_name": name, "first_name": "Jean"})
    assert exc_info.value.message_dict == {
        "last_name": ["Vérifiez le nom (lettres, espaces, tirets, apostrophes)."]
    }


def test_names_are_given_single_spaces_and_composed_accents():
    names = names_check({"last_name": "  Le   Gall ", "first_name": "Zoe\u0308"})
    assert names == {"last_name": "Le Gall", "first_name": "Zoë"}


@pytest.mark.parametrize(
    ("text", "has_link"),
    [
        ("Le médecin est malade, rendez-vous reporté.", False),
        ("Dr. Martin absent. Salle 2 fermée.", False),
        ("Fermeture à 17 h. Merci de votre compréhension.", False),
        ("Reprenez rendez-vous sur https://exemple.org/rdv", True),
        ("voir www.exemple.fr", True),
        ("Nouveau lien : rdv-express.com/abc", True),
        ("bit.ly/xyz", True),
        ("Reprenez rendez-vous sur ameli-rdv.online", True),
        ("ameli-rdv . fr svp", True),
        ("ameli-rdv (.) com", True),
        ("ameli-rdv[.]fr", True),
        ("ameli-rdv point fr", True),
        ("www . exemple", True),
        # Sentences that only look like one.
        ("Le médecin est malade. De plus, le cabinet est fermé.", False),
        ("Fermé. Site en travaux. Net recul des horaires. Info au cabinet.", False),
        ("Retard du Dr M.Durand. Il rappellera.", False),
        ("Absent ce jour . Merci", False),
    ],
)
def test_texts_for_patients_hold_no_web_address(text, has_link):
    from django.core.exceptions import ValidationError

    from renfort.core.validators import no_link_check

    if has_link:
        with pytest.raises(ValidationError, match="adresse web"):
            no_link_check(text)
    else:
        no_link_check(text)
