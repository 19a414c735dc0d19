"""FINESS, phone number and site name checks (French messages)."""

import unicodedata

from django.core.exceptions import ValidationError

from renfort.core.validators import NAME_CATEGORIES, format_phone, luhn_valid, normalize_phone

__all__ = [
    "finess_errors",
    "format_phone",
    "luhn_valid",
    "normalize_finess",
    "normalize_phone",
    "site_name_errors",
    "validate_finess",
]

CORSICA_PREFIXES = ("2A", "2B")


def normalize_finess(value: str) -> str:
    return "".join((value or "").split()).upper()


def finess_errors(value: str, departement_code: str | None = None) -> list[str]:
    """FINESS number: 9 characters, the first two are the département (2A/2B in Corsica, 97 for
    overseas départements), the last one a Luhn key (not checked for Corsica, whose letters make
    the key computation unpublished). See docs/sites.md."""
    finess = normalize_finess(value)
    if len(finess) != 9:
        return ["Le numéro FINESS comporte 9 caractères (par exemple 750712184)."]
    corsican = finess[:2] in CORSICA_PREFIXES
    if not (finess.isdigit() or (corsican and finess[2:].isdigit())):
        return ["Le numéro FINESS ne contient que des chiffres (2A ou 2B en tête pour la Corse)."]
    errors = []
    if not corsican and not luhn_valid(finess):
        errors.append("Le numéro FINESS est invalide : sa clé de contrôle ne correspond pas.")
    if departement_code:
        expected = "97" if departement_code.startswith("97") else departement_code[:2]
        if finess[:2] != expected:
            errors.append(
                f"Le numéro FINESS commence par {finess[:2]}, mais la commune est dans le "
                f"département {departement_code} : il devrait commencer par {expected}."
            )
    return errors


def validate_finess(value: str) -> None:
    errors = finess_errors(value)
    if errors:
        raise ValidationError(errors)


# A site's name is written by people and read by patients (search, SMS, emails): letters of any
# script with their accents, digits, and the punctuation real establishment names use
# (« Maison de santé n° 2 », « MSP Saint-Jean & Sainte-Anne », « Centre (Lacaune) / annexe »,
# « Pôle « Les Tilleuls », 2e étage »). No emoji, symbol, nor invisible character.
SITE_NAME_PUNCTUATION = frozenset(" -–'’.,&()/°:«»\"+")
SITE_NAME_RULE = (
    "Vérifiez le nom du lieu : lettres, chiffres, espaces et « & ( ) / - ' . , : ° » seulement "
    "(pas d'emoji ni de symbole)."
)
SITE_NAME_REQUIRED = "Indiquez le nom du lieu d'accueil."


def normalize_site_name(value: str) -> str:
    return unicodedata.normalize("NFC", " ".join((value or "").split()))


def site_name_errors(value: str) -> list[str]:
    """The name (normalized) starts with a letter or a digit and holds only SITE_NAME_PUNCTUATION
    besides letters and digits."""
    if not value:
        return [SITE_NAME_REQUIRED]
    if unicodedata.category(value[0])[0] not in "LN" or not all(
        char in SITE_NAME_PUNCTUATION
        or unicodedata.category(char) in NAME_CATEGORIES
        or unicodedata.category(char) == "Nd"
        for char in value
    ):
        return [SITE_NAME_RULE]
    return []
