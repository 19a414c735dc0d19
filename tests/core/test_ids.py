"""Ids posted by a client are checked before any query (SQLite raises OverflowError on
integers beyond 64 bits instead of finding nothing)."""

import pytest
from django.core.exceptions import ValidationError

from renfort.core.forms import MAX_ID, IdsChoiceField, parse_id
from renfort.zoning.models import PriorityZone


@pytest.mark.parametrize(
    "value, expected",
    [("12", 12), (7, 7), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), None), ("9" * 20, None),
     ("0", None), ("-3", None), ("abc", None), ("", None), (None, None), ("1.5", None)],
)  # fmt: skip
def test_parse_id(value, expected):
    assert parse_id(value) == expected


@pytest.mark.django_db
def test_an_id_out_of_range_is_an_invalid_choice_not_a_server_error():
    field = IdsChoiceField(queryset=PriorityZone.objects.all(), required=False)
    with pytest.raises(ValidationError) as refused:
        field.clean(["9" * 20])
    assert refused.value.code == "invalid_choice"
    assert "Sélectionnez un choix valide" in refused.value.messages[0]
    assert list(field.clean([])) == []
