"""Small French text helpers for messages built in Python."""


def count(n: int, singular: str, plural: str) -> str:
    """« 1 mission proposée », « 14 missions proposées » (0 and 1 take the singular in French)."""
    return f"{n} {singular if n < 2 else plural}"


def number(value: float) -> str:
    """« 1,5 », « 2 » : a French decimal without trailing zeros."""
    return f"{value:g}".replace(".", ",")


def days_label(value: float) -> str:
    """« 0,5 jour », « 1 jour », « 1,5 jour », « 2 jours » (the plural from 2 on)."""
    return f"{number(value)} {'jour' if value < 2 else 'jours'}"
