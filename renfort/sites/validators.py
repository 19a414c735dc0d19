"""FINESS and phone number checks (French messages)."""

from django.core.exceptions import ValidationError

from renfort.core.validators import format_phone, luhn_valid, normalize_phone

__all__ = [
    "finess_errors",
    "format_phone",
    "luhn_valid",
    "normalize_finess",
    "normalize_phone",
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
