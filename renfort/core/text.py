"""Small French text helpers for messages built in Python."""


def count(n: int, singular: str, plural: str) -> str:
    """« 1 mission proposée », « 14 missions proposées » (0 and 1 take the singular in French)."""
    return f"{n} {singular if n < 2 else plural}"
