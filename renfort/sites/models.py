import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from renfort.accounts.models import Role
from renfort.core.workflow import TransitionHistory, Workflow
from renfort.territories.timezones import departement_timezone

from . import opening
from .validators import format_phone


class SiteKind(models.TextChoices):
    MSP = "msp", "Maison de santé pluriprofessionnelle"
    HEALTH_CENTRE = "centre_sante", "Centre de santé"
    PRACTICE = "cabinet", "Cabinet médical"
    EHPAD = "ehpad", "EHPAD"
    HOSPITAL_PREMISES = "etablissement", "Local d'établissement de santé"
    FRANCE_SERVICES = "france_services", "Maison France Services"
    OTHER = "autre", "Autre"


class HousingKind(models.TextChoices):
    NONE = "none", "Pas d'hébergement"
    ON_SITE = "on_site", "Hébergement sur place"
    NEARBY = "nearby", "Hébergement à proximité"


class SiteStatus(models.TextChoices):
    # Declared by the public form with a new account: sent to the ARS once the manager has
    # confirmed their email address (accounts.services, SIGNUP_STEPS); seen by nobody else.
    UNCONFIRMED = "unconfirmed", "Adresse du gestionnaire à confirmer"
    PROPOSED = "proposed", "En attente de validation par l'ARS"
    RETURNED = "returned", "À compléter"
    VALIDATED = "validated", "Validé par l'ARS"
    ACTIVE = "active", "Actif"
    SUSPENDED = "suspended", "Suspendu"
    CLOSED = "closed", "Fermé"


ARS = {Role.ARS_AGENT, Role.ADMIN}
ARS_OR_MANAGER = {Role.ARS_AGENT, Role.ADMIN, Role.SITE_MANAGER}

SITE_WORKFLOW = Workflow(
    {
        # The manager confirms their address (the link of the email, not a button).
        (SiteStatus.UNCONFIRMED, SiteStatus.PROPOSED): {Role.SITE_MANAGER},
        (SiteStatus.PROPOSED, SiteStatus.VALIDATED): ARS,
        (SiteStatus.PROPOSED, SiteStatus.RETURNED): ARS,
        (SiteStatus.RETURNED, SiteStatus.PROPOSED): ARS_OR_MANAGER,
        # The manager opens the site to volunteers once the ARS has validated it.
        (SiteStatus.VALIDATED, SiteStatus.ACTIVE): ARS_OR_MANAGER,
        (SiteStatus.ACTIVE, SiteStatus.SUSPENDED): ARS,
        (SiteStatus.SUSPENDED, SiteStatus.ACTIVE): ARS,
        (SiteStatus.PROPOSED, SiteStatus.CLOSED): ARS,
        (SiteStatus.RETURNED, SiteStatus.CLOSED): ARS,
        (SiteStatus.VALIDATED, SiteStatus.CLOSED): ARS,
        (SiteStatus.ACTIVE, SiteStatus.CLOSED): ARS,
        (SiteStatus.SUSPENDED, SiteStatus.CLOSED): ARS,
    },
    labels=dict(SiteStatus.choices),
)
# Transitions that need a written reason.
REASON_REQUIRED = {SiteStatus.RETURNED, SiteStatus.SUSPENDED, SiteStatus.CLOSED}
# Button labels of each target status.
ACTION_LABELS = {
    SiteStatus.VALIDATED: "Valider",
    SiteStatus.RETURNED: "Demander des compléments",
    SiteStatus.PROPOSED: "Soumettre à nouveau à l'ARS",
    SiteStatus.ACTIVE: "Activer (ouvrir aux volontaires)",
    SiteStatus.SUSPENDED: "Suspendre",
    SiteStatus.CLOSED: "Fermer définitivement",
}


class SiteQuerySet(models.QuerySet):
    def active(self):
        """Sites open to volunteers: the only ones planned and shown to patients."""
        return self.filter(status=SiteStatus.ACTIVE)

    def for_region(self, region_code: str):
        return self.filter(region_id=region_code)

    def for_departement(self, departement_code: str):
        return self.filter(departement_id=departement_code)

    def declared(self):
        """Without the declarations whose manager has not confirmed their address yet."""
        return self.exclude(status=SiteStatus.UNCONFIRMED)

    def managed_by(self, user):
        return self.filter(manager=user)

    def outside_zone(self):
        return self.filter(priority_zone__isnull=True)


# The equipment and the help on site, as checkboxes (forms) and as lists (site pages).
EQUIPMENT_FIELDS = (
    "has_consultation_kit",
    "has_ecg",
    "has_vitale_reader",
    "has_dmp_software",
    "has_internet",
    "has_printer",
)
SUPPORT_FIELDS = ("has_medical_assistant", "has_reception")


class Site(models.Model):
    """A host site (lieu d'accueil) where volunteers consult."""

    name = models.CharField("nom du lieu", max_length=200)
    kind = models.CharField("type de lieu", max_length=20, choices=SiteKind.choices)
    kind_label = models.CharField("précision du type (si « Autre »)", max_length=100, blank=True)
    finess = models.CharField("numéro FINESS", max_length=9, blank=True)

    address = models.CharField("adresse", max_length=300)
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, related_name="+", verbose_name="commune"
    )
    # Derived from the commune by the services.
    departement = models.ForeignKey(
        "territories.Departement", on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey("territories.Region", on_delete=models.PROTECT, related_name="+")
    epci = models.ForeignKey(
        "territories.EPCI", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    priority_zone = models.ForeignKey(
        "zoning.PriorityZone",
        on_delete=models.SET_NULL,
        related_name="sites",
        null=True,
        blank=True,
        verbose_name="zone prioritaire",
    )
    outside_zone_justification = models.TextField(
        "justification de l'ARS (lieu hors zone prioritaire)", blank=True
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    contact_name = models.CharField("personne à contacter", max_length=200)
    phone = models.CharField("téléphone (E.164)", max_length=20)
    email = models.EmailField("adresse électronique du lieu")

    rooms = models.PositiveSmallIntegerField(
        "salles de consultation disponibles par jour",
        default=1,
        validators=[MinValueValidator(1)],
    )
    open_on_public_holidays = models.BooleanField("ouvert les jours fériés", default=False)

    has_consultation_kit = models.BooleanField("matériel de consultation", default=False)
    has_ecg = models.BooleanField("électrocardiographe (ECG)", default=False)
    has_vitale_reader = models.BooleanField("lecteur de carte Vitale (SESAM-Vitale)", default=False)
    has_dmp_software = models.BooleanField("logiciel métier connecté au DMP", default=False)
    software_name = models.CharField("nom du logiciel métier", max_length=100, blank=True)
    has_internet = models.BooleanField("accès à internet", default=False)
    has_printer = models.BooleanField("imprimante", default=False)

    has_medical_assistant = models.BooleanField("assistant(e) médical(e) présent(e)", default=False)
    has_reception = models.BooleanField("accueil / secrétariat", default=False)

    housing = models.CharField(
        "hébergement", max_length=10, choices=HousingKind.choices, default=HousingKind.NONE
    )
    housing_beds = models.PositiveSmallIntegerField("nombre de lits", default=0)
    housing_description = models.TextField("description de l'hébergement", blank=True)
    housing_nights = models.CharField("nuits disponibles", max_length=200, blank=True)
    housing_accessible = models.BooleanField(
        "hébergement accessible aux personnes à mobilité réduite", default=False
    )
    has_parking = models.BooleanField("stationnement", default=False)
    pmr_access = models.BooleanField("accès aux personnes à mobilité réduite", default=False)

    cpam_name = models.CharField("CPAM du lieu", max_length=100, blank=True)
    cpam_departement = models.CharField("département de la CPAM", max_length=3, blank=True)
    practical_info = models.TextField("informations pratiques pour les volontaires", blank=True)

    volunteers_needed = models.BooleanField("recherche des médecins volontaires", default=True)
    volunteer_days_wanted = models.PositiveSmallIntegerField(
        "jours de volontaires souhaités par mois", default=2
    )

    status = models.CharField(
        "statut", max_length=20, choices=SiteStatus.choices, default=SiteStatus.PROPOSED
    )
    status_reason = models.TextField("motif du dernier changement de statut", blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="managed_sites",
        verbose_name="gestionnaire",
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="déclaré par",
    )
    # Idempotency token of the declaration form: a double submission creates one site only.
    submission_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField("déclaré le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        verbose_name = "lieu d'accueil"
        verbose_name_plural = "lieux d'accueil"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="site_rooms_at_least_one",
                condition=Q(rooms__gte=1),
                violation_error_message="Indiquez au moins une salle de consultation.",
            ),
            models.CheckConstraint(
                name="site_other_kind_has_label",
                condition=~Q(kind="autre") | ~Q(kind_label=""),
                violation_error_message="Précisez le type de lieu.",
            ),
            models.CheckConstraint(
                name="site_outside_zone_justified",
                condition=Q(priority_zone__isnull=False) | ~Q(outside_zone_justification=""),
                violation_error_message="Un lieu hors zone doit être justifié par l'ARS.",
            ),
            models.CheckConstraint(
                name="site_housing_has_beds",
                condition=Q(housing="none") | Q(housing_beds__gte=1),
                violation_error_message="Indiquez le nombre de lits de l'hébergement (au moins 1).",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def kind_display(self) -> str:
        return self.kind_label if self.kind == SiteKind.OTHER else self.get_kind_display()

    @property
    def is_outside_zone(self) -> bool:
        return self.priority_zone_id is None

    @property
    def name_with_commune(self) -> str:
        """« Cabinet médical (Lacaune) », but « Maison de santé de Lacaune » as it is: the
        commune is not said twice."""
        from renfort.territories.normalize import normalize_name

        commune = self.commune.name
        if normalize_name(commune) in normalize_name(self.name):
            return self.name
        return f"{self.name} ({commune})"

    @property
    def place_label(self) -> str:
        """« 37 place de la Mairie, 81120 Terre-de-Bancalié »: where volunteers and patients go."""
        return f"{self.address}, {self.commune.main_postcode} {self.commune.name}"

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone)

    @property
    def housing_nights_inline(self) -> str:
        """The nights as shown mid-sentence (« 2 lits, du lundi soir au jeudi soir »): a
        capital first letter is lowered, unless the word is an acronym (« WE »)."""
        nights = self.housing_nights.strip()
        if len(nights) > 1 and nights[0].isupper() and nights[1].islower():
            return nights[0].lower() + nights[1:]
        return nights

    @property
    def equipment(self) -> list[str]:
        items = [
            str(self._meta.get_field(f).verbose_name) for f in EQUIPMENT_FIELDS if getattr(self, f)
        ]
        if self.has_dmp_software and self.software_name:
            index = items.index(str(self._meta.get_field("has_dmp_software").verbose_name))
            items[index] += f" ({self.software_name})"
        return items

    @property
    def support(self) -> list[str]:
        """Who helps the volunteer on site (« accueil / secrétariat »), like `equipment`."""
        return [
            str(self._meta.get_field(f).verbose_name) for f in SUPPORT_FIELDS if getattr(self, f)
        ]

    @property
    def tz(self):
        """The site's local time zone (overseas départements have their own)."""
        return departement_timezone(self.departement_id)

    def opening_rules(self) -> opening.OpeningRules:
        return opening.OpeningRules(
            weekly=tuple(w.as_slot() for w in self.weekly_openings.all()),
            exceptions=tuple(e.as_rule() for e in self.opening_exceptions.all()),
            departement_code=self.departement_id,
            open_on_public_holidays=self.open_on_public_holidays,
        )


class Period(models.TextChoices):
    MORNING = opening.MORNING, "Matin"
    AFTERNOON = opening.AFTERNOON, "Après-midi"


class ExceptionPeriod(models.TextChoices):
    DAY = opening.WHOLE_DAY, "Journée entière"
    MORNING = opening.MORNING, "Matin"
    AFTERNOON = opening.AFTERNOON, "Après-midi"


class WeeklyOpening(models.Model):
    """A recurring half-day opening: every <weekday> <morning|afternoon> from <start> to <end>."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="weekly_openings")
    weekday = models.PositiveSmallIntegerField(
        "jour", choices=[(i, d.capitalize()) for i, d in enumerate(opening.WEEKDAY_LABELS)]
    )
    period = models.CharField("demi-journée", max_length=10, choices=Period.choices)
    start_time = models.TimeField("début")
    end_time = models.TimeField("fin")

    class Meta:
        verbose_name = "ouverture hebdomadaire"
        verbose_name_plural = "ouvertures hebdomadaires"
        ordering = ["weekday", "-period"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "weekday", "period"], name="unique_weekly_opening"
            ),
            models.CheckConstraint(
                name="weekly_opening_ends_after_start",
                condition=Q(end_time__gt=models.F("start_time")),
                violation_error_message="L'heure de fin doit être après l'heure de début.",
            ),
        ]

    def as_slot(self) -> opening.WeeklySlot:
        return opening.WeeklySlot(self.weekday, self.period, self.start_time, self.end_time)


class OpeningException(models.Model):
    """A closure over a date range, or an extra opening on one date."""

    class Kind(models.TextChoices):
        CLOSED = "closed", "Fermeture"
        OPEN = "open", "Ouverture exceptionnelle"

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="opening_exceptions")
    kind = models.CharField("type", max_length=10, choices=Kind.choices)
    start_date = models.DateField("du")
    end_date = models.DateField("au")
    period = models.CharField(
        "demi-journée", max_length=10, choices=ExceptionPeriod.choices, default=ExceptionPeriod.DAY
    )
    reason = models.CharField("motif", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "exception d'ouverture"
        verbose_name_plural = "exceptions d'ouverture"
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(
                name="opening_exception_dates_in_order",
                condition=Q(end_date__gte=models.F("start_date")),
                violation_error_message="La date de fin doit être après la date de début.",
            ),
        ]

    def as_rule(self) -> opening.DateRule:
        return opening.DateRule(
            self.start_date, self.end_date, self.period, self.kind == self.Kind.OPEN
        )


class SiteHistory(TransitionHistory):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="history")

    class Meta(TransitionHistory.Meta):
        verbose_name = "historique du lieu"
        verbose_name_plural = "historique des lieux"

    @property
    def from_label(self) -> str:
        return SiteStatus(self.from_status).label if self.from_status else "—"

    @property
    def to_label(self) -> str:
        return SiteStatus(self.to_status).label


class SiteMessage(models.Model):
    """A message from the site manager to the ARS of the region."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    subject = models.CharField("objet", max_length=200)
    body = models.TextField("message")
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField("envoyé le", auto_now_add=True)

    class Meta:
        verbose_name = "message à l'ARS"
        verbose_name_plural = "messages à l'ARS"
        ordering = ["-created_at", "-id"]
