"""Checks shared by several apps: Luhn keys (RPPS, FINESS) and French phone numbers
(metropolitan and overseas)."""

import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError

PHONE_ERROR = "Numéro de téléphone invalide : saisissez 10 chiffres, par exemple 05 63 00 00 00."
MOBILE_ERROR = (
    "Saisissez un numéro de téléphone mobile (06 ou 07), par exemple 06 12 34 56 78 ou, "
    "outre-mer, 0692 12 34 56."
)
# 070, 071 and 072 are not mobile numbers (ARCEP: mobiles in 07 start with 073 to 079).
UNASSIGNED_07 = ("70", "71", "72")
UNASSIGNED_07_ERROR = (
    "Ce numéro ne correspond à aucun téléphone mobile : les mobiles en 07 commencent par 073 "
    "à 079. Vérifiez-le."
)


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


def luhn_complete(body: str) -> str:
    """`body` followed by the check digit that makes it Luhn-valid."""
    return next(body + key for key in "0123456789" if luhn_valid(body + key))


OVERSEAS_REGIONS = ("GP", "GF", "MQ", "RE", "YT")
# Landline prefixes of the overseas departments (ARCEP, plan national de numérotation): 0590
# Guadeloupe, Saint-Martin, Saint-Barthélemy; 0594 Guyane; 0596 Martinique; 0262/0263 La Réunion;
# 0269 Mayotte. With the mobile ones (OVERSEAS_MOBILE_PREFIXES, below).
OVERSEAS_LANDLINE_PREFIXES = {
    "590": 590,
    "594": 594,
    "596": 596,
    "262": 262,
    "263": 262,
    "269": 262,
}


def normalize_phone(value: str) -> str:
    """French phone number, metropolitan or overseas (0590…, 0262…, 0694…, or typed with its
    country code) → E.164 (+33…, +590…, +262…), or ValidationError with a French message."""
    try:
        number = phonenumbers.parse(value or "", "FR")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(PHONE_ERROR) from exc
    digits = "".join(c for c in value if c.isdigit())
    if digits.startswith("0") and len(digits) == 10:
        # Written nationally, an overseas number (0590 12 34 56, 0692 12 34 56) belongs to its
        # own country code, even where the same digits would also read as a +33 number.
        if digits.startswith("063998"):  # ARCEP's fiction range (demo data) stays +33
            return "+33" + digits[1:]
        code = OVERSEAS_PREFIXES.get(digits[1:4])
        if code:
            return f"+{code}{digits[1:]}"
    if phonenumbers.is_valid_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    for region in OVERSEAS_REGIONS:  # newer overseas blocks, as phonenumbers knows them
        candidate = phonenumbers.parse(value, region)
        if phonenumbers.is_valid_number_for_region(candidate, region):
            return phonenumbers.format_number(candidate, phonenumbers.PhoneNumberFormat.E164)
    raise ValidationError(PHONE_ERROR)


# ARCEP reserves 06 39 98 xx xx for fiction: such numbers never reach anyone, so the demo data
# uses them; they are accepted as mobiles although phonenumbers does not list them.
FICTION_MOBILE_PREFIX = "+3363998"

# Mobile numbers of the overseas departments are written like metropolitan ones (0692 12 34 56)
# but belong to other country codes: the first digits after the 0 tell which. Source: ARCEP,
# plan national de numérotation, tranches mobiles 06 des départements d'outre-mer (the 07 09
# blocks opened since are recognised through phonenumbers' metadata, see _overseas_mobile).
OVERSEAS_MOBILE_PREFIXES = {
    "690": 590,  # Guadeloupe, Saint-Martin, Saint-Barthélemy
    "691": 590,
    "694": 594,  # Guyane
    "696": 596,  # Martinique
    "697": 596,
    "692": 262,  # La Réunion
    "693": 262,
    "639": 262,  # Mayotte
}
OVERSEAS_PREFIXES = {**OVERSEAS_LANDLINE_PREFIXES, **OVERSEAS_MOBILE_PREFIXES}


def _overseas_mobile(number: phonenumbers.PhoneNumber) -> str | None:
    """E.164 of an overseas mobile number, typed nationally (0692…, parsed as +33) or with its
    own country code (+262 692…), or None."""
    national = str(number.national_number)
    if len(national) != 9:
        return None
    typed_nationally = number.country_code == 33 and (
        number.country_code_source == phonenumbers.CountryCodeSource.FROM_DEFAULT_COUNTRY
    )
    country_code = OVERSEAS_MOBILE_PREFIXES.get(national[:3])
    if country_code and (typed_nationally or number.country_code == country_code):
        return f"+{country_code}{national}"
    for region in OVERSEAS_REGIONS:  # newer blocks (07 09…) as phonenumbers knows them
        if typed_nationally:
            candidate = phonenumbers.parse("0" + national, region)
        elif number.country_code == phonenumbers.country_code_for_region(region):
            candidate = number
        else:
            continue
        if phonenumbers.is_valid_number_for_region(candidate, region) and (
            phonenumbers.number_type(candidate) == phonenumbers.PhoneNumberType.MOBILE
        ):
            return phonenumbers.format_number(candidate, phonenumbers.PhoneNumberFormat.E164)
    return None


def normalize_mobile(value: str) -> str:
    """A French mobile number (06/07, metropolitan or overseas, able to receive SMS) → E.164
    (+33…, +262…, +590…, +594…, +596…), or ValidationError."""
    try:
        number = phonenumbers.parse(value or "", "FR", keep_raw_input=True)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(MOBILE_ERROR) from exc
    # The range kept for fiction (06 39 98 …) is no subscriber's, so the library does not call
    # it a mobile: accepted however it is written (06…, +33 6…, 0033 6…, +33 (0)6…).
    fiction = f"+{number.country_code}{number.national_number}"
    if fiction.startswith(FICTION_MOBILE_PREFIX) and len(fiction) == 12:
        return fiction
    if (
        number.country_code == 33
        and phonenumbers.is_valid_number(number)
        and phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE
    ):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    overseas = _overseas_mobile(number)
    if overseas is None:
        national = str(number.national_number)
        if number.country_code == 33 and len(national) == 9 and national[:2] in UNASSIGNED_07:
            raise ValidationError(UNASSIGNED_07_ERROR)
        raise ValidationError(MOBILE_ERROR)
    return overseas


def format_phone(e164: str) -> str:
    """E.164 → national display format, as people write it (05 63 00 00 00, 0692 12 34 56)."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, "FR")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


# People's names: letters of any script (with their accents, composed or combining), spaces,
# hyphens, apostrophes (' and ’) and dots, starting with a letter. Nothing else: no digits,
# symbols, emoji, nor invisible or bidirectional control characters.
NAME_PUNCTUATION = frozenset(" -'’.")
NAME_FIELDS = (("last_name", "le nom"), ("first_name", "le prénom"))
# Letters (upper, lower, title, modifier, other) and the accents that combine with them.
NAME_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc"})


def name_valid(value: str) -> bool:
    """A person's name (see NAME_PUNCTUATION), at most 100 characters."""
    if not value or len(value) > 100 or unicodedata.category(value[0])[0] != "L":
        return False
    return all(
        char in NAME_PUNCTUATION or unicodedata.category(char) in NAME_CATEGORIES for char in value
    )


def names_check(data: dict, fields=NAME_FIELDS) -> dict[str, str]:
    """Last and first names with single spaces, or ValidationError keyed by field."""
    errors, names = {}, {}
    for field, label in fields:
        value = unicodedata.normalize("NFC", " ".join((data.get(field) or "").split()))
        if not value:
            errors[field] = [f"Indiquez {label}."]
        elif not name_valid(value):
            errors[field] = [f"Vérifiez {label} (lettres, espaces, tirets, apostrophes)."]
        names[field] = value
    if errors:
        raise ValidationError(errors)
    return names


def mask_phone(e164: str) -> str:
    """« 06 •• •• •• 78 », « 0692 •• •• 56 » (overseas): the number as people write it, its
    middle groups hidden. Enough to tell two patients apart, not enough to call them."""
    groups = format_phone(e164).split()
    if len(groups) < 3 or sum(map(len, groups)) != 10 or not "".join(groups).isdigit():
        return "•• •• •• •• ••" if e164 else ""
    return " ".join([groups[0], *("•" * len(g) for g in groups[1:-1]), groups[-1]])


def mask_email(email: str) -> str:
    if not email or "@" not in email:
        return ""
    local, domain = email.split("@", 1)
    return f"{local[:1]}•••@{domain}"


# A web address in a text sent to patients by SMS or email (a staff reason): « http://… »,
# « www.… » or a bare domain (« exemple.fr/… »). Patients are taught that Renfort only sends
# its own links: any other is how phishing starts, even typed in good faith.
# Domain endings a link to patients would use: the common ones, those of the French overseas
# and regions, and the cheap ones phishing favours (a best effort: « point fr » spelled out
# in full words, or an ending not listed, still passes).
_TLDS = (
    "fr|com|net|org|eu|info|biz|io|ly|me|co|xyz|top|app|site|online|shop|store|live|click|link"
    "|club|vip|pro|tech|space|website|icu|cc|tk|ml|ga|cf|gq|be|ch|de|uk|es|it|pt|nl|us|ca|re|gp"
    "|mq|gf|yt|pm|nc|pf|bzh|paris|gouv|sbs|cyou|buzz|rest|lol|mobi|page|web"
)
# Endings that are no French word: also caught with a dot written spaced, « (.) », « [.] »
# or « point » (« ameli-rdv . fr »). The others (« de », « site »…) only right after a dot.
_SAFE_TLDS = "fr|com|org|online|xyz|shop|click|icu|gouv"
_LINK = re.compile(
    r"https?://|www\s*\.|"
    rf"\b[a-z0-9-]+(\.[a-z0-9-]+)*\.({_TLDS})\b|"
    rf"\b[a-z0-9-]{{2,}}(\s+\.\s*|\s*\.\s+|\s*[(\[]\s*\.\s*[)\]]\s*|\s+point\s+)({_SAFE_TLDS})\b",
    re.IGNORECASE,
)
NO_LINK_MESSAGE = (
    "Le motif est envoyé aux patients : il ne peut pas contenir d'adresse web. Écrivez-le "
    "sans lien (le patient reçoit déjà le lien pour reprendre rendez-vous)."
)


def no_link_check(text: str, code: str = "reason") -> None:
    """Refuse a text for patients that holds a web address (see _LINK)."""
    if _LINK.search(text or ""):
        raise ValidationError(NO_LINK_MESSAGE, code=code)
