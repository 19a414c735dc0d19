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


def test_a_step_that_is_not_one_from_the_status_shown_is_not_called_stale():
    """The page showed « Envoyé » and the status is still « Envoyé »: the action is simply
    not a step from there (a forged request), not « plus possible … Rechargez la page »."""
    with pytest.raises(ValidationError) as error:
        FLOW.check("sent", "draft", "agent", seen="sent")
    assert error.value.messages == [
        "Cette action n'est pas possible depuis le statut « Envoyé » (impossible de passer à "
        "« Brouillon »)."
    ]


def test_a_forged_status_is_never_echoed():
    with pytest.raises(ValidationError) as error:
        FLOW.check("draft", "<script>bogus", "agent")
    assert error.value.messages == ["Action inconnue."]


def test_a_wrong_role_is_refused():
    with pytest.raises(PermissionDenied):
        FLOW.check("draft", "sent", "doctor")


def test_a_reason_or_comment_over_the_limit_is_refused_whatever_the_transition():
    from renfort.core.workflow import COMMENT_LIMIT, comment_check

    comment_check("x" * COMMENT_LIMIT)  # at the limit: kept
    with pytest.raises(ValidationError) as refused:
        comment_check("x" * (COMMENT_LIMIT + 1))
    assert refused.value.code == "reason"
    assert "doit tenir en 1\u202f000 caractères (il en a 1\u202f001)" in refused.value.messages[0]


@pytest.mark.django_db
def test_a_mission_cancelled_with_a_too_long_reason_is_refused_and_unchanged():
    from renfort.planning import services
    from tests.planning.factories import MissionFactory

    mission = MissionFactory(accepted=True)
    with pytest.raises(ValidationError, match="doit tenir en"):
        services.mission_transition(
            mission=mission, actor=mission.doctor.user, to_status="cancelled", comment="x" * 5000
        )
    mission.refresh_from_db()
    assert mission.status == "accepted" and mission.history.count() == 1
