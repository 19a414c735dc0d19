"""Search page and API: typed apostrophes, reserved slots once open to all, postcodes shared
by several communes, invalid half-day values."""

import pytest
from django.urls import reverse

from .factories import mission_with_slots

pytestmark = pytest.mark.django_db
SEARCH = reverse("booking:search")
SLOTS = "/api/slots"


@pytest.fixture
def mission():
    """Lacaune (81230), 10 days ahead: 21 slots, 10 of them reserved for priority patients."""
    return mission_with_slots()


# --- Typographic apostrophe -------------------------------------------------------------------


def test_a_commune_typed_with_a_typographic_apostrophe_is_found(client):
    page = client.get(SEARCH, {"q": "Agen-d’Aveyron"})
    assert page.context["origin"].commune.name == "Agen-d'Aveyron"
    assert "Nous ne trouvons pas cette commune" not in page.text
    assert client.get(SLOTS, {"commune": "Mazeyrat d’Allier"}).status_code == 200
