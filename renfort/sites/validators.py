"""FINESS and phone number checks (French messages)."""

import phonenumbers
from django.core.exceptions import ValidationError

CORSICA_PREFIXES = ("2A", "2B")


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


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


def normalize_phone(value: str) -> str:
    """French phone number → E.164 (+33…), or ValidationError with a French message."""
    try:
        number = phonenumbers.parse(value or "", "FR")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            "Numéro de téléphone invalide : saisissez 10 chiffres, par exemple 05 63 00 00 00."
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            "Numéro de téléphone invalide : saisissez 10 chiffres, par exemple 05 63 00 00 00."
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """E.164 → national display format (05 63 00 00 00)."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, "FR")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
