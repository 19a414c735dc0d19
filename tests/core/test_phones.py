"""Landline and mobile numbers of every French department, the overseas ones included."""

import pytest
from django.core.exceptions import ValidationError

from renfort.core.validators import format_phone, normalize_phone


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("05 63 00 00 00", "+33563000000"),
        ("0590 12 34 56", "+590590123456"),  # Guadeloupe
        ("+590 590 12 34 56", "+590590123456"),
        ("0594 30 12 34", "+594594301234"),  # Guyane
        ("0596 60 12 34", "+596596601234"),  # Martinique (also a valid +33 05 96…)
        ("0262 12 34 56", "+262262123456"),  # La Réunion
        ("0269 61 12 34", "+262269611234"),  # Mayotte (also a valid +33 02 69…)
        ("0690 12 34 56", "+590690123456"),
        ("06 12 34 56 78", "+33612345678"),
        ("06 39 98 12 34", "+33639981234"),  # ARCEP's fiction range (demo data)
    ],
)
def test_numbers_are_stored_with_their_own_country_code_and_shown_as_typed(typed, e164):
    assert normalize_phone(typed) == e164
    assert normalize_phone(format_phone(e164)) == e164  # what the form shows saves again


@pytest.mark.parametrize("typed", ["0590 12 34", "12", "abc", "+1 202 555 0100 99"])
def test_invalid_numbers_are_refused(typed):
    with pytest.raises(ValidationError):
        normalize_phone(typed)
