"""Missions (a volunteer consulting at a host site on a date) and the planning runs that
propose them."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from renfort.accounts.models import Role
from renfort.core.workflow import TransitionHistory, Workflow


class Period(models.TextChoices):
    FULL = "full", "Journée entière"
    MORNING = "morning", "Matin"
    AFTERNOON = "afternoon", "Après-midi"


# Days counted against the 2-days-per-month cap.
PERIOD_DAYS = {Period.FULL: 1.0, Period.MORNING: 0.5, Period.AFTERNOON: 0.5}
# Half-days a period occupies (a full day holds the room morning and afternoon).
HALVES = {"full": ("morning", "afternoon"), "morning": ("morning",), "afternoon": ("afternoon",)}


class MissionStatus(models.TextChoices):
    DRAFT = "draft", "Proposition de l'outil (non publiée)"
    PROPOSED = "proposed", "Proposée au médecin"
    ACCEPTED = "accepted", "Acceptée par le médecin"
    DECLINED = "declined", "Déclinée par le médecin"
    CONFIRMED = "confirmed", "Confirmée"
    DONE = "done", "Réalisée"
    CANCELLED = "cancelled", "Annulée"


M = MissionStatus
# The statuses as the doctor reads them about their own missions: the choices speak of « le
# médecin » in the third person (the ARS's and the site's pages). Now, then in the history.
DOCTOR_LABELS = {
    M.PROPOSED: "À accepter ou décliner",
    M.ACCEPTED: "Acceptée — en attente de confirmation du lieu",
    M.DECLINED: "Déclinée",
    M.CONFIRMED: "Confirmée",
    M.DONE: "Réalisée",
    M.CANCELLED: "Annulée",
}
DOCTOR_HISTORY_LABELS = {**DOCTOR_LABELS, M.PROPOSED: "Proposée", M.ACCEPTED: "Acceptée"}
# A mission's reason (declined, cancelled, withdrawn) is read by the doctor, the site, the ARS
# and, for a confirmed mission, in the emails to the booked patients: shorter than the others.
MISSION_REASON_LIMIT = 500
ARS = {Role.ARS_AGENT, Role.NATIONAL, Role.ADMIN}  # planners (their region, or all)
DOCTOR = {Role.DOCTOR}
MISSION_WORKFLOW = Workflow(
    {
        (M.DRAFT, M.PROPOSED): ARS,
        (M.DRAFT, M.CANCELLED): ARS,
        (M.PROPOSED, M.ACCEPTED): DOCTOR,
        (M.PROPOSED, M.DECLINED): DOCTOR,
        (M.PROPOSED, M.CANCELLED): ARS,
        # The site confirms that it receives the doctor (room, bed), or the ARS does.
        (M.ACCEPTED, M.CONFIRMED): ARS | {Role.SITE_MANAGER},
        (M.ACCEPTED, M.CANCELLED): ARS | DOCTOR | {Role.SITE_MANAGER},
        (M.CONFIRMED, M.DONE): ARS | {Role.SITE_MANAGER},
        (M.CONFIRMED, M.CANCELLED): ARS | DOCTOR | {Role.SITE_MANAGER},
    },
    labels=dict(MissionStatus.choices),
    comment_limit=MISSION_REASON_LIMIT,
)
# Statuses that hold the doctor, the room and the bed (a doctor is never in two places).
HOLDING_STATUSES = [M.DRAFT, M.PROPOSED, M.ACCEPTED, M.CONFIRMED, M.DONE]
# Statuses the solver must keep as they are when it re-plans a month.
KEPT_STATUSES = [M.ACCEPTED, M.CONFIRMED, M.DONE]
REASON_REQUIRED = {M.CANCELLED}
# The reason of a draft the ARS took out of the proposal (cancelled, never published).
REMOVED_REASON = "Retirée de la proposition."


class MissionQuerySet(models.QuerySet):
    def holding(self):
        return self.filter(status__in=HOLDING_STATUSES)

    def for_region(self, region_code: str):
        return self.filter(site__region_id=region_code)

    def in_month(self, first, last):
        return self.filter(date__gte=first, date__lte=last)

    def confirmed(self):
        return self.filter(status=M.CONFIRMED)

    def published(self):
        """Missions the doctor and the site were told about: neither drafts nor drafts the
        ARS removed before publishing."""
        removed = MissionHistory.objects.filter(
            mission=models.OuterRef("pk"), from_status=M.DRAFT, to_status=M.CANCELLED
        )
        return self.exclude(status=M.DRAFT).exclude(models.Exists(removed))


class PlanningRun(models.Model):
    """One solver run for a month and a region (or the whole country when region is empty)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "En attente"
        RUNNING = "running", "En cours"
        DONE = "done", "Terminée"
        FAILED = "failed", "Échec"

    month = models.DateField("mois")  # first day of the month
    region = models.ForeignKey(
        "territories.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(default=0.0)
    progress_message = models.CharField(max_length=200, blank=True)
    time_limit_seconds = models.PositiveIntegerField(default=20)
    solver_status = models.CharField("statut du solveur", max_length=20, blank=True)
    objective = models.FloatField(null=True, blank=True)
    best_bound = models.FloatField(null=True, blank=True)
    gap = models.FloatField(null=True, blank=True)
    solve_seconds = models.FloatField(null=True, blank=True)
    # Volunteers without mission and zones without day, with their reasons (lists of dicts).
    unplanned_volunteers = models.JSONField(default=list, blank=True)
    uncovered_zones = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "calcul de planification"
        verbose_name_plural = "calculs de planification"
        ordering = ["-created_at", "-id"]
        constraints = [
            # One calculation at a time per month and region (national: region empty, which a
            # plain unique constraint would let through twice, NULL being distinct).
            models.UniqueConstraint(
                models.F("month"),
                Coalesce("region", models.Value("")),
                condition=Q(status__in=["queued", "running"]),
                name="one_calculation_in_progress_per_month_and_region",
                violation_error_message=(
                    "Un calcul est déjà en cours pour ce mois et cette région."
                ),
            ),
        ]

    def progress_now(self, now=None) -> float:
        """The progress to show: what the solver reported, or, while it optimises (it reports
        nothing during its search), the share of its time limit already spent — the search
        ends at the limit at the latest."""
        if self.is_finished:
            return 1.0
        now = now or timezone.now()
        spent = (now - self.created_at).total_seconds() / max(1, self.time_limit_seconds + 2)
        return max(self.progress, min(0.9, 0.9 * spent))

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def gap_percent(self) -> float | None:
        return None if self.gap is None else 100 * self.gap


class Mission(models.Model):
    """A volunteer at a host site on a date, for a full day or a half-day."""

    doctor = models.ForeignKey("doctors.Doctor", on_delete=models.PROTECT, related_name="missions")
    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="missions")
    date = models.DateField("date")
    period = models.CharField("période", max_length=10, choices=Period.choices)
    status = models.CharField(
        "statut", max_length=20, choices=MissionStatus.choices, default=MissionStatus.DRAFT
    )
    status_reason = models.TextField("motif du dernier changement de statut", blank=True)
    # Locked by the ARS: kept as it is when the month is re-planned.
    locked = models.BooleanField("verrouillée par l'ARS", default=False)
    needs_housing = models.BooleanField("hébergement réservé", default=False)
    travel_minutes = models.PositiveIntegerField("temps de trajet estimé (minutes)", default=0)
    explanation = models.CharField("pourquoi cette mission", max_length=300, blank=True)
    run = models.ForeignKey(
        PlanningRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="missions"
    )
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MissionQuerySet.as_manager()

    class Meta:
        verbose_name = "mission"
        verbose_name_plural = "missions"
        ordering = ["date", "site__name"]
        constraints = [
            # A doctor is never in two places at once: one holding mission per date.
            models.UniqueConstraint(
                fields=["doctor", "date"],
                condition=Q(status__in=HOLDING_STATUSES),
                name="one_holding_mission_per_doctor_per_day",
                violation_error_message="Ce médecin a déjà une mission ce jour-là.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.doctor} — {self.site} — {self.date:%d/%m/%Y} ({self.get_period_display()})"

    @property
    def days(self) -> float:
        return PERIOD_DAYS[Period(self.period)]

    @property
    def doctor_status_label(self) -> str:
        """The status as the doctor reads it (DOCTOR_LABELS)."""
        return DOCTOR_LABELS.get(self.status, self.get_status_display())

    @property
    def is_kept(self) -> bool:
        return self.locked or self.status in KEPT_STATUSES

    @property
    def reason_shown(self) -> str:
        """The reason the planning table and its export show: a decline's or a cancellation's,
        as written; never the notes of the platform's own steps (« Proposition publiée. ») nor
        a removal's, which the status already says (« Retirée de la proposition »)."""
        if self.status not in (MissionStatus.DECLINED, MissionStatus.CANCELLED):
            return ""
        return "" if self.status_reason == REMOVED_REASON else self.status_reason


class MissionHistory(TransitionHistory):
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="history")

    class Meta(TransitionHistory.Meta):
        verbose_name = "historique de la mission"
        verbose_name_plural = "historique des missions"

    @property
    def from_label(self) -> str:
        return MissionStatus(self.from_status).label if self.from_status else "—"

    @property
    def to_label(self) -> str:
        return MissionStatus(self.to_status).label

    @property
    def doctor_from_label(self) -> str:
        return DOCTOR_HISTORY_LABELS.get(self.from_status, self.from_label)

    @property
    def doctor_to_label(self) -> str:
        return DOCTOR_HISTORY_LABELS.get(self.to_status, self.to_label)
