import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Apostrophes and quotes that keyboards type instead of « ' » (’ is the default on iPhone and
# Mac): NFKD does not turn them into ASCII, and dropped they would glue two words together.
_APOSTROPHES = str.maketrans(dict.fromkeys("’‘‛ʼʻ′´`＇", "'"))


def normalize_name(text: str) -> str:
    """Accent/case/punctuation-insensitive key: « Saint-Éloy » → « saint eloy »,
    « Mazeyrat d’Allier » → « mazeyrat d allier »."""
    text = (
        (text or "")
        .translate(_APOSTROPHES)
        .replace("œ", "oe")
        .replace("Œ", "Oe")
        .replace("æ", "ae")
    )
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    words = _NON_ALNUM.sub(" ", ascii_text).split()
    expanded = ["saint" if w == "st" else "sainte" if w == "ste" else w for w in words]
    return " ".join(expanded)
