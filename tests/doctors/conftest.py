"""Fixtures of the doctors tests: a valid sign-up POST and the zone of Lacaune (Tarn)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from renfort.zoning.selectors import zone_for_epci
from tests.factories import commune

LACAUNE = "81124"


@pytest.fixture
def lacaune_zone(db):
    return zone_for_epci(commune(LACAUNE).epci_id)


@pytest.fixture
def signup_data(lacaune_zone):
    """A complete, valid sign-up POST (zones mode); call it with overrides."""
    today = timezone.localdate()

    def build(token="3f1e7a2c-0000-4000-8000-0000000000d1", **overrides):
        data = {
            "token": token,
            "civility": "mme",
            "first_name": "Camille",
            "last_name": "Fictive",
            "email": "camille.fictive@test.renfort.example",
            "phone": "06 12 34 56 78",
            "password1": "Un-mot-de-passe-solide-42",
            "password2": "Un-mot-de-passe-solide-42",
            "rpps": "18888000009",
            "specialty": "medecine_generale",
            "sector": "secteur_1",
            "practice_status": "retired",
            "practice_address": "3 rue du Cabinet (fictif)",
            "practice_commune": "81004",
            "commune_label": "Albi (81000) — Tarn",
            "coverage_mode": "zones",
            "zones": [str(lacaune_zone.pk)],
            "max_travel_minutes": "",
            "max_days_per_month": "2",
            "slot_minutes": "20",
            "morning_start": "09:00",
            "morning_end": "12:00",
            "afternoon_start": "14:00",
            "afternoon_end": "18:00",
            "wants_housing": "on",
            "insurance_confirmed": "on",
            "consent": "on",
            "dispo-TOTAL_FORMS": "3",
            "dispo-INITIAL_FORMS": "0",
            "dispo-MIN_NUM_FORMS": "0",
            "dispo-MAX_NUM_FORMS": "40",
            "dispo-0-date": (today + timedelta(days=10)).isoformat(),
            "dispo-0-period": "full",
            "dispo-1-date": (today + timedelta(days=20)).isoformat(),
            "dispo-1-period": "morning",
            "dispo-2-date": "",
            "dispo-2-period": "full",
        }
        data.update(overrides)
        return {k: v for k, v in data.items() if v is not None}

    return build
