"""Patient booking: slots generated from confirmed missions, appointments booked without an
account, and the waiting list that is offered the slots freed by cancellations."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from renfort.accounts.models import Role
from renfort.core.text import hour
from renfort.core.validators import format_phone, mask_email, mask_phone  # noqa: F401 (re-exported)
from renfort.core.workflow import TransitionHistory, Workflow

DEFAULT_RESERVED_SHARE = 50
# Human-readable references: no 0/O, 1/I/L, so they can be read over the phone.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 6


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def new_secret() -> str:
    """Unguessable token of a secret link (192 random bits)."""
    return secrets.token_urlsafe(24)


def past_change_cutoff(start, now=None) -> bool:
    """Whether an appointment starting then can no longer be cancelled or moved online (less
    than BOOKING_CANCEL_CUTOFF_HOURS before it): the patient calls the site instead."""
    cutoff = start - timedelta(hours=settings.BOOKING_CANCEL_CUTOFF_HOURS)
    return (now or timezone.now()) >= cutoff


def change_cutoff_label(*, within: bool = False) -> str:
    """« une heure » / « 2 heures » (within=True: « moins d'une heure » / « moins de 2
    heures »): how long before the start an appointment can no longer be changed online."""
    hours = settings.BOOKING_CANCEL_CUTOFF_HOURS
    if hours == 1:
        return "moins d'une heure" if within else "une heure"
    return f"moins de {hours} heures" if within else f"{hours} heures"


def priority_release_delta() -> timedelta:
    return timedelta(hours=settings.BOOKING_PRIORITY_RELEASE_HOURS)


class BookingSettings(models.Model):
    """Per-site booking settings (kept here so the sites app stays untouched)."""

    site = models.OneToOneField(
        "sites.Site",
        on_delete=models.CASCADE,
        related_name="booking_settings",
        verbose_name="lieu d'accueil",
    )
    reserved_share = models.PositiveSmallIntegerField(
        "part des créneaux réservée aux patients sans médecin traitant ou en ALD (%)",
        default=DEFAULT_RESERVED_SHARE,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = "réglages des rendez-vous du lieu"
        verbose_name_plural = "réglages des rendez-vous des lieux"
        constraints = [
            models.CheckConstraint(
                name="booking_settings_share_percent",
                condition=Q(reserved_share__gte=0, reserved_share__lte=100),
                violation_error_message="La part réservée est un pourcentage entre 0 et 100.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site} — {self.reserved_share} %"


class SlotStatus(models.TextChoices):
    AVAILABLE = "available", "Disponible"
    BOOKED = "booked", "Réservé"
    BLOCKED = "blocked", "Bloqué"
    CANCELLED = "cancelled", "Annulé"


class SlotQuerySet(models.QuerySet):
    def available(self):
        return self.filter(status=SlotStatus.AVAILABLE)

    def upcoming(self, now=None):
        return self.filter(start__gt=now or timezone.now())

    def open_to(self, *, is_priority: bool, now=None):
        """Slots a patient may book: reserved slots only for priority patients until released."""
        if is_priority:
            return self
        now = now or timezone.now()
        return self.filter(
            Q(reserved_for_priority=False) | Q(start__lte=now + priority_release_delta())
        )

    def active(self):
        return self.exclude(status=SlotStatus.CANCELLED)


class Slot(models.Model):
    """A consultation slot (créneau) of a doctor at a site, from a confirmed mission."""

    mission = models.ForeignKey("planning.Mission", on_delete=models.CASCADE, related_name="slots")
    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="slots", verbose_name="lieu d'accueil"
    )
    doctor = models.ForeignKey(
        "doctors.Doctor", on_delete=models.CASCADE, related_name="slots", verbose_name="médecin"
    )
    start = models.DateTimeField("début", db_index=True)
    end = models.DateTimeField("fin")
    reserved_for_priority = models.BooleanField(
        "réservé aux patients sans médecin traitant ou en ALD", default=False
    )
    # Morning or afternoon in the site's local time (the search's half-day filter): stored,
    # because the local time of a slot depends on its site (overseas sites have their own).
    half = models.CharField(
        "demi-journée",
        max_length=10,
        choices=[("morning", "Matin"), ("afternoon", "Après-midi")],
        default="morning",
    )
    status = models.CharField(
        "statut", max_length=10, choices=SlotStatus.choices, default=SlotStatus.AVAILABLE
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="créé le")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="modifié le")

    objects = SlotQuerySet.as_manager()

    class Meta:
        verbose_name = "créneau"
        verbose_name_plural = "créneaux"
        ordering = ["start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "start"],
                condition=~Q(status="cancelled"),
                name="one_live_slot_per_mission_start",
            ),
            models.CheckConstraint(
                name="slot_ends_after_start", condition=Q(end__gt=models.F("start"))
            ),
        ]
        indexes = [models.Index(fields=["site", "status", "start"])]

    def __str__(self) -> str:
        local = timezone.localtime(self.start)
        return f"{self.site} — {local:%d/%m/%Y} à {hour(local)}"

    @property
    def open_to_all_at(self):
        """Until then, a reserved slot is only for patients without médecin traitant or in ALD."""
        return self.start - priority_release_delta()

    def is_reserved_now(self, now=None) -> bool:
        return self.reserved_for_priority and (now or timezone.now()) < self.open_to_all_at

    @property
    def local_start(self):
        return timezone.localtime(self.start)

    @property
    def local_end(self):
        return timezone.localtime(self.end)


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "À venir"
    SEEN = "seen", "Vu"
    EXCUSED = "excused", "Excusé"
    NO_SHOW = "no_show", "Absent (non excusé)"
    CANCELLED = "cancelled", "Annulé"


class CancelledBy(models.TextChoices):
    PATIENT = "patient", "le patient"
    SITE = "site", "le lieu d'accueil"
    DOCTOR = "doctor", "le médecin"
    SYSTEM = "system", "Renfort (mission annulée ou modifiée)"


A = AppointmentStatus
STAFF = {Role.SITE_MANAGER, Role.DOCTOR, Role.ADMIN}
APPOINTMENT_WORKFLOW = Workflow(
    {
        (A.BOOKED, A.SEEN): STAFF,
        (A.BOOKED, A.EXCUSED): STAFF,
        (A.BOOKED, A.NO_SHOW): STAFF,
        (A.BOOKED, A.CANCELLED): STAFF,
        # Corrections of the day view.
        (A.SEEN, A.NO_SHOW): STAFF,
        (A.SEEN, A.EXCUSED): STAFF,
        (A.NO_SHOW, A.SEEN): STAFF,
        (A.NO_SHOW, A.EXCUSED): STAFF,
        (A.EXCUSED, A.SEEN): STAFF,
        (A.EXCUSED, A.NO_SHOW): STAFF,
        # A mark made by mistake is erased (« À marquer » again; a walk-in can then be removed).
        (A.SEEN, A.BOOKED): STAFF,
        (A.NO_SHOW, A.BOOKED): STAFF,
        (A.EXCUSED, A.BOOKED): STAFF,
    },
    labels=dict(AppointmentStatus.choices),
)
# A slot is held by any appointment that is not cancelled.
HOLDING = ~Q(status=A.CANCELLED)


class AppointmentQuerySet(models.QuerySet):
    def holding(self):
        return self.filter(HOLDING)

    def upcoming(self, now=None):
        return self.filter(status=A.BOOKED, start__gt=now or timezone.now())

    def for_contact(self, *, phone: str = "", email: str = ""):
        return self.filter(contact_filter(phone=phone, email=email))


def contact_filter(*, phone: str = "", email: str = "", prefix: str = "") -> Q:
    """Rows with this phone or this email (a blank one matches nothing; neither: no row)."""
    condition = Q(pk__in=[])
    if phone:
        condition |= Q(**{f"{prefix}phone": phone})
    if email:
        condition |= Q(**{f"{prefix}email": email})
    return condition


def person_identity(last_name: str, first_name: str) -> str:
    """« durandfictif|alice »: the names as a key that case, accents, hyphens, apostrophes and
    spaces do not change, so that « Durand-Fictif Alicé » and « DURAND FICTIF Alice » (with the
    same birth date) are one person for the appointment limit."""
    from renfort.territories.normalize import normalize_name

    def key(name: str) -> str:
        return normalize_name(name).replace(" ", "")

    return f"{key(last_name)}|{key(first_name)}"[:210]


class Appointment(models.Model):
    """A patient's appointment (rendez-vous), booked without an account, or a walk-in patient
    added by the site (slot empty)."""

    reference = models.CharField("référence", max_length=12, unique=True, default=new_reference)
    secret = models.CharField(
        max_length=64, unique=True, default=new_secret, editable=False, verbose_name="lien secret"
    )
    slot = models.ForeignKey(
        Slot,
        on_delete=models.PROTECT,
        related_name="appointments",
        null=True,
        blank=True,
        verbose_name="créneau",
    )
    mission = models.ForeignKey(
        "planning.Mission", on_delete=models.PROTECT, related_name="appointments"
    )
    site = models.ForeignKey(
        "sites.Site",
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name="lieu d'accueil",
    )
    doctor = models.ForeignKey(
        "doctors.Doctor",
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name="médecin",
    )
    start = models.DateTimeField("début", db_index=True)
    end = models.DateTimeField("fin")

    last_name = models.CharField("nom", max_length=100)
    first_name = models.CharField("prénom", max_length=100)
    birth_date = models.DateField("date de naissance", null=True, blank=True)
    # person_identity(last_name, first_name), kept by save(): with the birth date, a person.
    identity = models.CharField("identité (clé)", max_length=210, blank=True, editable=False)
    phone = models.CharField("téléphone mobile (E.164)", max_length=20, blank=True, db_index=True)
    email = models.EmailField("adresse électronique", blank=True, db_index=True)
    has_medecin_traitant = models.BooleanField("a un médecin traitant", default=False)
    is_ald = models.BooleanField("en affection de longue durée (ALD)", default=False)
    reason = models.CharField("motif (quelques mots)", max_length=200, blank=True)
    walk_in = models.BooleanField("patient sans rendez-vous", default=False)

    status = models.CharField(
        "statut", max_length=10, choices=AppointmentStatus.choices, default=A.BOOKED
    )
    status_reason = models.CharField("motif du dernier changement", max_length=300, blank=True)
    cancelled_by = models.CharField(
        "annulé par", max_length=10, choices=CancelledBy.choices, blank=True
    )
    # Idempotency key of the booking form: a double submission creates one appointment.
    submission_token = models.UUIDField(
        unique=True, null=True, blank=True, editable=False, verbose_name="jeton du formulaire"
    )
    booked_at = models.DateTimeField("réservé le", default=timezone.now)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = "rendez-vous"
        verbose_name_plural = "rendez-vous"
        ordering = ["start", "id"]
        # The same person's appointments are found by phone, email or birth date (and names).
        indexes = [models.Index(fields=["birth_date"], name="booking_appointment_birth_date")]
        constraints = [
            # Two patients can never hold the same slot.
            models.UniqueConstraint(
                fields=["slot"], condition=HOLDING, name="one_holding_appointment_per_slot"
            ),
            models.CheckConstraint(
                name="appointment_has_contact_or_walk_in",
                condition=Q(walk_in=True) | ~Q(phone="") | ~Q(email=""),
                violation_error_message="Indiquez un téléphone mobile ou une adresse électronique.",
            ),
            models.CheckConstraint(
                name="appointment_booked_has_slot",
                condition=Q(walk_in=True) | Q(slot__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Rendez-vous {self.reference}"

    def save(self, *args, **kwargs):
        self.identity = person_identity(self.last_name, self.first_name)
        fields = kwargs.get("update_fields")
        if fields is not None and {"last_name", "first_name"} & set(fields):
            kwargs["update_fields"] = {*fields, "identity"}
        super().save(*args, **kwargs)

    @property
    def is_priority(self) -> bool:
        return not self.has_medecin_traitant or self.is_ald

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name.upper()}"

    @property
    def local_start(self):
        return timezone.localtime(self.start)

    @property
    def local_end(self):
        return timezone.localtime(self.end)

    @property
    def phone_display(self) -> str:
        """In full, as people write it (06 12 34 56 78): for those who receive the patient."""
        return format_phone(self.phone)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_email(self) -> str:
        return mask_email(self.email)

    def cancellable_by_patient(self, now=None) -> bool:
        return self.status == A.BOOKED and not past_change_cutoff(self.start, now)


class AppointmentHistory(TransitionHistory):
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="history")

    class Meta(TransitionHistory.Meta):
        verbose_name = "historique du rendez-vous"
        verbose_name_plural = "historique des rendez-vous"


class WaitingStatus(models.TextChoices):
    WAITING = "waiting", "En attente"
    SERVED = "served", "Rendez-vous obtenu"
    EXHAUSTED = "exhausted", "Nombre maximal de propositions atteint"
    CANCELLED = "cancelled", "Désinscrit"


class WaitingListEntry(models.Model):
    """A patient waiting for a slot at a site (or anywhere in a priority zone) over a period."""

    site = models.ForeignKey(
        "sites.Site",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="lieu d'accueil",
    )
    zone = models.ForeignKey(
        "zoning.PriorityZone", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    start_date = models.DateField("du")
    end_date = models.DateField("au")
    last_name = models.CharField("nom", max_length=100)
    first_name = models.CharField("prénom", max_length=100)
    birth_date = models.DateField("date de naissance")
    phone = models.CharField("téléphone mobile (E.164)", max_length=20, blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    has_medecin_traitant = models.BooleanField("a un médecin traitant", default=False)
    is_ald = models.BooleanField("en affection de longue durée (ALD)", default=False)
    status = models.CharField(
        "statut", max_length=10, choices=WaitingStatus.choices, default=WaitingStatus.WAITING
    )
    # Offers that count against WAITLIST_MAX_OFFERS: an offer lost because someone else
    # confirmed first (status "taken") is given back.
    offers_sent = models.PositiveSmallIntegerField("propositions comptées", default=0)
    secret = models.CharField(
        max_length=64, unique=True, default=new_secret, editable=False, verbose_name="lien secret"
    )
    submission_token = models.UUIDField(
        unique=True, null=True, blank=True, editable=False, verbose_name="jeton du formulaire"
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name="inscrite le")

    class Meta:
        verbose_name = "inscription sur liste d'attente"
        verbose_name_plural = "inscriptions sur liste d'attente"
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="waiting_entry_site_or_zone",
                condition=Q(site__isnull=False) | Q(zone__isnull=False),
            ),
            models.CheckConstraint(
                name="waiting_entry_dates_in_order",
                condition=Q(end_date__gte=models.F("start_date")),
            ),
            models.CheckConstraint(
                name="waiting_entry_has_contact", condition=~Q(phone="") | ~Q(email="")
            ),
        ]

    @property
    def is_priority(self) -> bool:
        return not self.has_medecin_traitant or self.is_ald


class OfferStatus(models.TextChoices):
    PENDING = "pending", "En attente de réponse"
    ACCEPTED = "accepted", "Acceptée"
    TAKEN = "taken", "Créneau pris par une autre personne"
    EXPIRED = "expired", "Expirée"
    WITHDRAWN = "withdrawn", "Consultation annulée"


class WaitingListOffer(models.Model):
    """A freed slot offered to a waiting patient through a time-limited secret link."""

    entry = models.ForeignKey(
        WaitingListEntry,
        on_delete=models.CASCADE,
        related_name="offers",
        verbose_name="inscription",
    )
    slot = models.ForeignKey(
        Slot, on_delete=models.CASCADE, related_name="offers", verbose_name="créneau"
    )
    secret = models.CharField(
        max_length=64, unique=True, default=new_secret, editable=False, verbose_name="lien secret"
    )
    status = models.CharField(
        "statut", max_length=10, choices=OfferStatus.choices, default=OfferStatus.PENDING
    )
    expires_at = models.DateTimeField("valable jusqu'au")
    appointment = models.ForeignKey(
        Appointment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="rendez-vous",
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name="envoyée le")

    class Meta:
        verbose_name = "proposition de créneau (liste d'attente)"
        verbose_name_plural = "propositions de créneau (liste d'attente)"
        ordering = ["created_at", "id"]
        constraints = [
            # A slot is offered again to someone who lost the race for it (status "taken"),
            # never twice to the same person at the same time.
            models.UniqueConstraint(
                fields=["entry", "slot"],
                condition=Q(status="pending"),
                name="one_open_offer_per_entry_and_slot",
            )
        ]

    def is_open(self, now=None) -> bool:
        return self.status == OfferStatus.PENDING and (now or timezone.now()) < self.expires_at
