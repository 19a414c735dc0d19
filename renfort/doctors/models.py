"""Volunteer doctors: who they are, where they can go, when they are free, where they stand in
the onboarding with the Ordre (CDOM) and the Assurance Maladie (CPAM)."""

import calendar
from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from renfort.accounts.models import Role
from renfort.core.validators import format_phone
from renfort.core.workflow import TransitionHistory, Workflow

# A new CPS card takes about three weeks after the billing number is recorded.
CPS_DELAY = timedelta(days=21)
DEFAULT_SLOT_MINUTES = 20


class Civility(models.TextChoices):
    MADAME = "mme", "Madame"
    MONSIEUR = "m", "Monsieur"


class Specialty(models.TextChoices):
    GENERAL = "medecine_generale", "Médecine générale"
    PEDIATRICS = "pediatrie", "Pédiatrie"
    GYNECOLOGY = "gynecologie", "Gynécologie médicale"
    GERIATRICS = "geriatrie", "Gériatrie"
    INTERNAL = "medecine_interne", "Médecine interne"
    EMERGENCY = "urgences", "Médecine d'urgence"
    OTHER = "autre", "Autre spécialité"


class Sector(models.TextChoices):
    SECTOR_1 = "secteur_1", "Secteur 1"
    SECTOR_2_OPTAM = "secteur_2_optam", "Secteur 2 avec OPTAM"
    SECTOR_2 = "secteur_2", "Secteur 2 sans OPTAM"
    NOT_CONTRACTED = "non_conventionne", "Non conventionné"


# Patients are promised the Sécurité sociale fee (secteur 1) without any excess: a volunteer
# may practise in any sector of the convention, not outside it (no billing number for the
# host site). The choice stays in the list so that such a doctor reads why (doctor_check).
NOT_CONTRACTED_RULE = (
    "Les consultations de solidarité territoriale sont facturées au tarif de la Sécurité "
    "sociale (secteur 1), sans dépassement d'honoraires : il faut être conventionné avec "
    "l'Assurance Maladie (secteur 1 ou secteur 2) pour y participer."
)


class PracticeStatus(models.TextChoices):
    ACTIVE = "active", "En activité"
    RETIRED = "retired", "Retraité(e)"


class CoverageMode(models.TextChoices):
    ZONES = "zones", "Les zones prioritaires que je choisis"
    TRAVEL = "travel", "Toute zone à moins d'un temps de trajet maximal de mon cabinet (ci-dessous)"


class DoctorStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Candidature envoyée"
    # The CDOM is emailed at the submission; this step says that it has the file in hand (it
    # acknowledges it, or the ARS records that the Ordre has it).
    CDOM_NOTIFIED = "cdom_notified", "Candidature reçue par l'Ordre"
    ACTIVITY_RECORDED = "activity_recorded", "Activité enregistrée par l'Ordre"
    BILLING_NUMBER_RECORDED = "billing_number_recorded", "Numéro de facturation attribué"
    CPS_ISSUED = "cps_issued", "Nouvelle carte CPS émise"
    ACTIVE = "active", "Volontaire actif"
    PAUSED = "paused", "En pause"
    WITHDRAWN = "withdrawn", "Retiré(e)"
    REFUSED = "refused", "Candidature refusée"


S = DoctorStatus
DOCTOR = {Role.DOCTOR}
CDOM = {Role.CDOM_AGENT, Role.ADMIN}
CPAM = {Role.CPAM_AGENT, Role.ADMIN}
ARS = {Role.ARS_AGENT, Role.ADMIN}
# Statuses from which the doctor may withdraw or pause.
ONGOING = [
    S.SUBMITTED,
    S.CDOM_NOTIFIED,
    S.ACTIVITY_RECORDED,
    S.BILLING_NUMBER_RECORDED,
    S.CPS_ISSUED,
    S.ACTIVE,
]

ONBOARDING_WORKFLOW = Workflow(
    {
        (S.DRAFT, S.SUBMITTED): DOCTOR,
        (S.SUBMITTED, S.CDOM_NOTIFIED): CDOM | ARS,
        (S.CDOM_NOTIFIED, S.ACTIVITY_RECORDED): CDOM,
        # The CDOM, emailed at the sign-up, records the activity in one step if it wishes.
        (S.SUBMITTED, S.ACTIVITY_RECORDED): CDOM,
        (S.ACTIVITY_RECORDED, S.BILLING_NUMBER_RECORDED): CPAM,
        (S.BILLING_NUMBER_RECORDED, S.CPS_ISSUED): CPAM,
        (S.CPS_ISSUED, S.ACTIVE): ARS | CPAM,
        **{(status, S.REFUSED): CDOM | ARS for status in ONGOING[:3]},
        **{(status, S.WITHDRAWN): DOCTOR for status in [S.DRAFT, *ONGOING, S.PAUSED]},
        (S.ACTIVE, S.PAUSED): DOCTOR | ARS,
        (S.PAUSED, S.ACTIVE): DOCTOR | ARS,
    },
    labels=dict(DoctorStatus.choices),
)
# Transitions that need a written reason.
REASON_REQUIRED = {S.REFUSED}
# From "activity recorded" on, the ARS may plan the doctor (before the CPS card arrives).
# Availabilities are concrete dates from tomorrow to the same day AVAILABILITY_HORIZON_MONTHS
# later (« dans les 4 prochains mois, d'ici le 07/04/2027 »): the rule and its wording.
AVAILABILITY_HORIZON_MONTHS = 4


def availability_horizon(today: date) -> date:
    """The last date a doctor may give: the same day four months on (or the last day of a
    shorter month: 31/10 → 28/02)."""
    index = today.month - 1 + AVAILABILITY_HORIZON_MONTHS
    year, month = today.year + index // 12, index % 12 + 1
    return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


def availability_horizon_text(today: date) -> str:
    return (
        f"dans les {AVAILABILITY_HORIZON_MONTHS} prochains mois, d'ici le "
        f"{availability_horizon(today):%d/%m/%Y}"
    )


# The dedicated billing number the CPAM records (spaces ignored).
BILLING_NUMBER_RULE = (
    "Indiquez le numéro de facturation Assurance Maladie dédié (4 à 20 chiffres ou lettres)."
)
# Before the Ordre records the activity, the doctor may still correct their identity.
IDENTITY_OPEN_STATUSES = [S.SUBMITTED, S.CDOM_NOTIFIED]
# A « demande de complément »: the CDOM while the file waits for it, the ARS on any open file.
COMPLETION_ROLES_STATUSES = {
    Role.CDOM_AGENT: [S.SUBMITTED, S.CDOM_NOTIFIED],
    Role.ARS_AGENT: [*ONGOING, S.PAUSED],
    Role.ADMIN: [*ONGOING, S.PAUSED],
}
PLANNABLE_STATUSES = [S.ACTIVITY_RECORDED, S.BILLING_NUMBER_RECORDED, S.CPS_ISSUED, S.ACTIVE]
# The onboarding steps in order, for the timeline.
ONBOARDING_STEPS = [
    S.SUBMITTED,
    S.CDOM_NOTIFIED,
    S.ACTIVITY_RECORDED,
    S.BILLING_NUMBER_RECORDED,
    S.CPS_ISSUED,
    S.ACTIVE,
]
ACTION_LABELS = {
    S.SUBMITTED: "Envoyer ma candidature",
    S.CDOM_NOTIFIED: "Indiquer que l'Ordre a reçu la candidature",
    S.ACTIVITY_RECORDED: "Enregistrer l'activité (Ordre)",
    S.BILLING_NUMBER_RECORDED: "Enregistrer le numéro de facturation (CPAM)",
    S.CPS_ISSUED: "Déclarer la nouvelle carte CPS émise",
    S.ACTIVE: "Activer le volontaire",
    S.PAUSED: "Mettre en pause",
    S.WITHDRAWN: "Se retirer du dispositif",
    S.REFUSED: "Refuser la candidature",
}
# The same step said by the one who takes it, where the general label would not fit (the
# CDOM, emailed at the submission, acknowledges the file; the ARS records that it has it).
ROLE_ACTION_LABELS = {
    (S.CDOM_NOTIFIED, Role.CDOM_AGENT): "Accuser réception de la candidature",
}


class DoctorQuerySet(models.QuerySet):
    def for_region(self, region_code: str):
        return self.filter(departement__region_id=region_code)

    def for_departement(self, departement_code: str):
        return self.filter(departement_id=departement_code)

    def plannable(self):
        return self.filter(status__in=PLANNABLE_STATUSES)

    def confirmed(self):
        """Without the sign-ups whose email address is not confirmed yet: nobody but their
        author hears of them (accounts.services, SIGNUP_STEPS)."""
        return self.exclude(status=DoctorStatus.DRAFT, user__is_active=False)


class Doctor(models.Model):
    """A volunteer doctor. The account (User) holds the email and the login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="doctor"
    )
    civility = models.CharField("civilité", max_length=5, choices=Civility.choices)
    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    phone = models.CharField("téléphone mobile (E.164)", max_length=20)
    rpps = models.CharField("numéro RPPS", max_length=11, unique=True)
    specialty = models.CharField(
        "spécialité", max_length=30, choices=Specialty.choices, default=Specialty.GENERAL
    )
    sector = models.CharField("secteur conventionnel", max_length=20, choices=Sector.choices)
    practice_status = models.CharField(
        "situation", max_length=10, choices=PracticeStatus.choices, default=PracticeStatus.ACTIVE
    )

    practice_address = models.CharField("adresse du lieu d'exercice", max_length=300)
    practice_commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, related_name="+", verbose_name="commune"
    )
    # Derived from the commune: the CDOM is the one of this département.
    departement = models.ForeignKey(
        "territories.Departement", on_delete=models.PROTECT, related_name="+"
    )

    coverage_mode = models.CharField(
        "territoire couvert", max_length=10, choices=CoverageMode.choices
    )
    zones = models.ManyToManyField(
        "zoning.PriorityZone", blank=True, related_name="volunteers", verbose_name="zones choisies"
    )
    max_travel_minutes = models.PositiveSmallIntegerField(
        "temps de trajet maximal (minutes)",
        null=True,
        blank=True,
        validators=[MinValueValidator(10), MaxValueValidator(300)],
    )
    preferred_sites = models.ManyToManyField(
        "sites.Site", blank=True, related_name="preferred_by", verbose_name="lieux préférés"
    )

    max_days_per_month = models.PositiveSmallIntegerField(
        "jours par mois au maximum", choices=[(1, "1 jour"), (2, "2 jours")], default=2
    )
    slot_minutes = models.PositiveSmallIntegerField(
        "durée d'un créneau (minutes)",
        default=DEFAULT_SLOT_MINUTES,
        validators=[MinValueValidator(10), MaxValueValidator(60)],
    )
    morning_start = models.TimeField("début de matinée", default="09:00")
    morning_end = models.TimeField("fin de matinée", default="12:00")
    afternoon_start = models.TimeField("début d'après-midi", default="14:00")
    afternoon_end = models.TimeField("fin d'après-midi", default="18:00")

    wants_housing = models.BooleanField("je souhaite un hébergement sur place", default=False)
    wants_replacement = models.BooleanField(
        "je souhaite un remplaçant pour mon cabinet pendant mes missions", default=False
    )
    insurance_confirmed = models.BooleanField(
        "mon assurance responsabilité civile professionnelle couvre cette activité", default=False
    )

    status = models.CharField(
        "statut", max_length=30, choices=DoctorStatus.choices, default=DoctorStatus.DRAFT
    )
    status_reason = models.TextField("motif du dernier changement de statut", blank=True)
    billing_number = models.CharField(
        "numéro de facturation Assurance Maladie dédié", max_length=20, blank=True
    )
    billing_recorded_on = models.DateField(
        "numéro de facturation attribué le", null=True, blank=True
    )
    cps_issued_on = models.DateField("carte CPS émise le", null=True, blank=True)
    # A « demande de complément »: what the CDOM or the ARS asks the doctor to correct or add
    # (empty: none pending). The doctor's answer (services.doctor_profile_update) clears it.
    completion_request = models.TextField("complément demandé au médecin", blank=True)
    completion_requested_at = models.DateTimeField("complément demandé le", null=True, blank=True)
    completion_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="complément demandé par",
    )
    # Idempotency token of the sign-up form: a double submission creates one doctor.
    submission_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField("inscrit le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = DoctorQuerySet.as_manager()

    class Meta:
        verbose_name = "médecin volontaire"
        verbose_name_plural = "médecins volontaires"
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["billing_number"],
                condition=~Q(billing_number=""),
                name="doctor_billing_number_unique",
                violation_error_message="Ce numéro de facturation est déjà attribué.",
            ),
            models.CheckConstraint(
                name="doctor_max_days_one_or_two",
                condition=Q(max_days_per_month__in=[1, 2]),
                violation_error_message="Indiquez 1 ou 2 jours par mois au maximum.",
            ),
            models.CheckConstraint(
                name="doctor_travel_mode_has_minutes",
                condition=~Q(coverage_mode="travel") | Q(max_travel_minutes__isnull=False),
                violation_error_message="Indiquez le temps de trajet maximal.",
            ),
            models.CheckConstraint(
                name="doctor_rpps_eleven_digits",
                condition=Q(rpps__regex=r"^[0-9]{11}$"),
                violation_error_message="Le numéro RPPS comporte 11 chiffres.",
            ),
        ]

    def __str__(self) -> str:
        return f"Dr {self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone)

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def awaiting_confirmation(self) -> bool:
        """A sign-up whose email address is not confirmed yet (see DoctorQuerySet.confirmed)."""
        return self.status == DoctorStatus.DRAFT and not self.user.is_active

    @property
    def is_closed(self) -> bool:
        """Withdrawn or refused: the file can no longer be edited."""
        return self.status in (DoctorStatus.WITHDRAWN, DoctorStatus.REFUSED)

    @property
    def completion_pending(self) -> bool:
        """A « demande de complément » waits for the doctor's answer."""
        return bool(self.completion_request) and not self.is_closed

    @property
    def identity_editable(self) -> bool:
        """Names, RPPS, civility: the doctor corrects them until the Ordre records the
        activity (it checks them), and afterwards only when an agent asks for it."""
        return self.status in IDENTITY_OPEN_STATUSES or self.completion_pending

    @property
    def is_plannable(self) -> bool:
        return self.status in PLANNABLE_STATUSES

    @property
    def paused_by_agent(self) -> bool:
        """In pause by an agent's decision (the ARS): only an agent resumes it, not the doctor
        alone (a pause while the insurance is checked must not be lifted by the doctor)."""
        if self.status != DoctorStatus.PAUSED:
            return False
        last = (
            self.history.filter(to_status=DoctorStatus.PAUSED)
            .exclude(from_status=DoctorStatus.PAUSED)  # the pause itself, not a later note
            .order_by("-pk")
            .first()
        )
        return last is not None and last.actor_id not in (None, self.user_id)

    def _agreed(self, masculine: str) -> str:
        """« Retiré » / « Retirée » after the civility (the choices say « Retiré(e) »)."""
        return masculine + ("e" if self.civility == Civility.MADAME else "")

    def status_label_of(self, status: str) -> str:
        """A status as said of this doctor (« Retirée », « Volontaire active » for a woman)."""
        if status == DoctorStatus.WITHDRAWN:
            return self._agreed("Retiré")
        if status == DoctorStatus.ACTIVE and self.civility == Civility.MADAME:
            return "Volontaire active"
        return DoctorStatus(status).label

    @property
    def status_label(self) -> str:
        return self.status_label_of(self.status)

    @property
    def practice_status_label(self) -> str:
        """« En activité », « Retraité » or « Retraitée »."""
        if self.practice_status == PracticeStatus.RETIRED:
            return self._agreed("Retraité")
        return self.get_practice_status_display()

    @property
    def cps_expected_on(self):
        """About three weeks after the billing number is recorded."""
        if self.cps_issued_on:
            return self.cps_issued_on
        if self.billing_recorded_on:
            return self.billing_recorded_on + CPS_DELAY
        return None


class AvailabilityPeriod(models.TextChoices):
    FULL = "full", "Journée entière"
    MORNING = "morning", "Matin"
    AFTERNOON = "afternoon", "Après-midi"


class Availability(models.Model):
    """A concrete date on which the doctor can consult (full day or a half-day)."""

    doctor = models.ForeignKey(Doctor, on_delete=models.CASCADE, related_name="availabilities")
    date = models.DateField("date")
    period = models.CharField(
        "période", max_length=10, choices=AvailabilityPeriod.choices, default="full"
    )

    class Meta:
        verbose_name = "disponibilité"
        verbose_name_plural = "disponibilités"
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["doctor", "date"], name="unique_availability_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} ({self.get_period_display()})"


class DoctorHistory(TransitionHistory):
    doctor = models.ForeignKey(Doctor, on_delete=models.CASCADE, related_name="history")

    class Meta(TransitionHistory.Meta):
        verbose_name = "historique du volontaire"
        verbose_name_plural = "historique des volontaires"

    @property
    def from_label(self) -> str:
        return self.doctor.status_label_of(self.from_status) if self.from_status else "—"

    @property
    def to_label(self) -> str:
        label = self.doctor.status_label_of(self.to_status)
        # A row that keeps the status: a « demande de complément », the doctor's corrections.
        return f"{label} (inchangé)" if self.from_status == self.to_status else label
