"""The patient's birth date as people write it, and the dates that cannot be one."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from renfort.booking.forms import BookingForm
from renfort.booking.services import patient_check

from .factories import patient_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("1970-05-17", date(1970, 5, 17)),  # the date picker
        ("17/05/1970", date(1970, 5, 17)),
        ("17-05-1970", date(1970, 5, 17)),
        ("17.05.1970", date(1970, 5, 17)),
        ("1/5/1948", date(1948, 5, 1)),
    ],
)
def test_the_birth_date_is_read_as_people_write_it(typed, expected):
    form = BookingForm({**patient_data(), "birth_date": typed, "consent": "on"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["birth_date"] == expected


@pytest.mark.parametrize(
    "typed, message",
    [
        (
            "12/05/48",
            "Écrivez l'année de naissance en entier (4 chiffres), par exemple 17/05/1948.",
        ),
        (
            "12/05/24",
            "Écrivez l'année de naissance en entier (4 chiffres), par exemple 17/05/1948.",
        ),
        (
            "31/02/1970",
            "Date de naissance invalide : écrivez-la JJ/MM/AAAA, par exemple 17/05/1970.",
        ),
        ("hier", "Date de naissance invalide : écrivez-la JJ/MM/AAAA, par exemple 17/05/1970."),
    ],
)
def test_a_birth_date_that_cannot_be_read_says_why(typed, message):
    form = BookingForm({**patient_data(), "birth_date": typed, "consent": "on"})
    assert not form.is_valid()
    assert form.errors["birth_date"] == [message]


@pytest.mark.parametrize(
    "birth_date, message",
    [
        (date(2999, 1, 1), "La date de naissance ne peut pas être dans le futur."),
        (date(1890, 1, 1), "Vérifiez l'année de naissance : elle donnerait plus de 120 ans."),
    ],
)
def test_an_impossible_birth_date_says_why(birth_date, message):
    with pytest.raises(ValidationError) as exc_info:
        patient_check(data={**patient_data(), "birth_date": birth_date})
    assert exc_info.value.message_dict["birth_date"] == [message]
