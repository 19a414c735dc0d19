"""SMS bodies in the GSM 03.38 alphabet (GSM-7), and their cost in segments.

One character outside GSM-7 (« ê », « ç », « — », « ’ », a non-breaking space…) makes the whole
message UCS-2: 70 characters per SMS instead of 160, so a 200-character message costs 4 SMS
instead of 2. Every SMS body goes through `gsm7` when it is recorded and when it is sent."""

import math
import re
import unicodedata

# The basic set: one septet each (« é è ù ì ò à É Ç Ä Ö Ñ Ü ä ö ñ ü » are in it).
BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: two septets each (an escape, then the character).
EXTENSION = set("^{}\\[~]|€\f")

SINGLE_SMS = 160  # septets
PART = 153  # septets per part of a long SMS (7 go to the header that joins them)
SINGLE_SMS_UCS2 = 70
PART_UCS2 = 67

# French characters outside GSM-7 and their nearest GSM-7 form (the accents that GSM-7 has
# are kept: « é », « è », « à », « ù »…).
REPLACEMENTS = str.maketrans(
    {
        "â": "a",
        "á": "a",
        "ã": "a",
        "ê": "e",
        "ë": "e",
        "î": "i",
        "ï": "i",
        "í": "i",
        "ô": "o",
        "ó": "o",
        "õ": "o",
        "û": "u",
        "ú": "u",
        "ÿ": "y",
        "ç": "c",
        "À": "A",
        "Â": "A",
        "È": "E",
        "Ê": "E",
        "Ë": "E",
        "Î": "I",
        "Ï": "I",
        "Ô": "O",
        "Ù": "U",
        "Û": "U",
        "Ÿ": "Y",
        "œ": "oe",
        "Œ": "OE",
        "«": '"',
        "»": '"',
        "“": '"',
        "”": '"',
        "„": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "ʼ": "'",
        "–": "-",
        "—": "-",
        "‑": "-",
        "…": "...",
        "•": "-",
        "\u00a0": " ",  # non-breaking space
        "\u202f": " ",  # narrow non-breaking space
        "\u2009": " ",  # thin space
        "\t": " ",
    }
)
# « Bonjour » with its non-breaking spaces inside: "Bonjour", not " Bonjour ".
GUILLEMETS = re.compile(r"«\s*(.*?)\s*»")


def _nearest(char: str) -> str:
    """A character still outside GSM-7: its letters without accents, or « ? »."""
    if char in BASIC or char in EXTENSION:
        return char
    bare = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return bare if bare and all(c in BASIC for c in bare) else "?"


def gsm7(text: str) -> str:
    """The text written with GSM-7 characters only (safe to apply twice)."""
    text = GUILLEMETS.sub(r'"\1"', text).translate(REPLACEMENTS)
    return "".join(_nearest(char) for char in text)


def is_gsm7(text: str) -> bool:
    return all(char in BASIC or char in EXTENSION for char in text)


def sms_segments(text: str) -> int:
    """How many SMS the text is billed as: 160 GSM-7 septets fit in one, 153 per part beyond;
    with any other character, 70 UCS-2 characters in one, 67 per part beyond."""
    if is_gsm7(text):
        septets = sum(2 if char in EXTENSION else 1 for char in text)
        return 1 if septets <= SINGLE_SMS else math.ceil(septets / PART)
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= SINGLE_SMS_UCS2 else math.ceil(units / PART_UCS2)
