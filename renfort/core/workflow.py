"""Declared status transitions with a history row per change (who, when, from, to, comment).

Apps declare their transitions next to their model, e.g.::

    ONBOARDING = Workflow({
        (Status.DRAFT, Status.SUBMITTED): {Role.DOCTOR},
        ...
    })

and their services call ``ONBOARDING.check(old, new, actor_role, seen=from_status)`` under the
object's row lock before saving, then write a row into their own history model (a subclass of
:class:`TransitionHistory`).

Every form of a workflow action posts the status its page showed (hidden field ``from_status``):
an action decided on a page that showed another status (two tabs, two agents at once) is refused
instead of applying on top of the other one (`status_seen_check`, also usable on its own).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models


class TransitionHistory(models.Model):
    """Abstract history row. Subclasses add the FK to the object whose status changed."""

    from_status = models.CharField("statut précédent", max_length=30, blank=True)
    to_status = models.CharField("nouveau statut", max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="auteur",
    )
    comment = models.TextField("commentaire", blank=True)
    created_at = models.DateTimeField("date", auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]


# The longest reason or comment a history row keeps (pages, emails, exports show it whole).
COMMENT_LIMIT = 1000


def _number(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")  # « 1 000 » with a narrow no-break space


def comment_check(comment: str, limit: int = COMMENT_LIMIT) -> None:
    if len(comment or "") > limit:
        raise ValidationError(
            f"Le motif ou le commentaire doit tenir en {_number(limit)} caractères (il "
            f"en a {_number(len(comment))}) : raccourcissez-le.",
            code="reason",
        )


def status_seen_check(
    current: str, seen: str | None, *, labels: Mapping[str, str] | None = None, subject: str
) -> None:
    """Refuse an action decided on a page that showed another status than the current one.

    `seen`: the status the page showed (the hidden field `from_status` of the action's form);
    None or empty (an internal call, a page older than the field): nothing to check. `subject`
    starts the sentence: « Le dossier », « Le lieu », « La mission », « Le rendez-vous ». Call it
    under the object's row lock, with the status read under that lock."""
    if seen and seen != current:
        label = (labels or {}).get(current, current)
        raise ValidationError(
            f"{subject} a changé entre-temps (statut actuel : « {label} »). Vérifiez puis "
            "recommencez.",
            code="changed",
        )


@dataclass(frozen=True)
class Workflow:
    """Allowed transitions: (from, to) → roles entitled to make the change."""

    transitions: Mapping[tuple[str, str], Iterable[str]]
    labels: Mapping[str, str] | None = None
    comment_limit: int = COMMENT_LIMIT  # a workflow whose reasons travel further may say less

    def targets(self, current: str, role: str | None = None) -> list[str]:
        return [
            to
            for (frm, to), roles in self.transitions.items()
            if frm == current and (role is None or role in roles)
        ]

    def check(
        self,
        current: str,
        target: str,
        role: str,
        comment: str = "",
        *,
        labels: Mapping[str, str] | None = None,
        seen: str | None = None,
        subject: str = "Le dossier",
    ) -> None:
        """Raise ValidationError for an unknown transition, a comment too long, or a status
        that changed since the page showed `seen` (status_seen_check); PermissionDenied for a
        wrong role. The same action twice says it is already done. `labels` names the statuses
        in the messages as their reader says them (the doctor's own missions), over the
        workflow's labels."""
        comment_check(comment, self.comment_limit)
        key = (current, target)
        label = {**(self.labels or {}), **(labels or {})}
        if key not in self.transitions:
            if self.labels is not None and target not in self.labels:
                raise ValidationError("Action inconnue.")  # a forged status: never echoed
            if current == target:  # a second click, another tab: already done
                raise ValidationError(
                    f"C'est déjà fait : le statut est « {label.get(current, current)} ».",
                    code="already",
                )
        status_seen_check(current, seen, labels=label, subject=subject)
        if key not in self.transitions:
            if seen == current:  # the page showed this very status: the step is not one
                raise ValidationError(
                    f"Cette action n'est pas possible depuis le statut "
                    f"« {label.get(current, current)} » (impossible de passer à "
                    f"« {label.get(target, target)} »).",
                    code="not_allowed",
                )
            raise ValidationError(  # often a page left open while the status moved on
                f"Cette action n'est plus possible : le statut est maintenant "
                f"« {label.get(current, current)} » (impossible de passer à "
                f"« {label.get(target, target)} »). Rechargez la page.",
                code="not_allowed",
            )
        if role not in set(self.transitions[key]):
            raise PermissionDenied("Votre rôle ne permet pas cette action.")
