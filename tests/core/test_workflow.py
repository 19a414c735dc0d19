import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from renfort.core.workflow import Workflow

FLOW = Workflow({("draft", "sent"): {"agent"}}, labels={"draft": "Brouillon", "sent": "Envoyé"})


def test_an_unknown_transition_names_both_statuses_in_french():
    with pytest.raises(
        ValidationError,
        match=r"le statut est maintenant « Envoyé » \(impossible de passer à « Brouillon »\)",
    ):
        FLOW.check("sent", "draft", "agent")


def test_a_forged_status_is_never_echoed():
    with pytest.raises(ValidationError) as error:
        FLOW.check("draft", "<script>bogus", "agent")
    assert error.value.messages == ["Action inconnue."]


def test_a_wrong_role_is_refused():
    with pytest.raises(PermissionDenied):
        FLOW.check("draft", "sent", "doctor")
