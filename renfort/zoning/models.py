from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format

from renfort.territories.normalize import normalize_name


class Zoning(models.Model):
    """A version of the priority zoning (e.g. the June 2025 list). Exactly one is active."""

    name = models.CharField("nom", max_length=200, unique=True)
    published_on = models.DateField("date de publication")
    source = models.TextField("source", blank=True)
    expected_zone_count = models.PositiveIntegerField(
        "nombre de zones annoncé", null=True, blank=True
    )
    expected_population = models.PositiveIntegerField("population annoncée", null=True, blank=True)
    is_active = models.BooleanField("zonage en vigueur", default=False)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="créé le")

    class Meta:
        verbose_name = "zonage"
        verbose_name_plural = "zonages"
        ordering = ["-published_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="one_active_zoning"
            )
        ]

    def __str__(self) -> str:
        return self.name


class RegionTarget(models.Model):
    """Number of priority zones announced for a region, when known without the names."""

    zoning = models.ForeignKey(Zoning, on_delete=models.CASCADE, related_name="region_targets")
    region = models.ForeignKey("territories.Region", on_delete=models.PROTECT, related_name="+")
    expected_zone_count = models.PositiveIntegerField("nombre de zones annoncé")
    source = models.TextField("source", blank=True)

    class Meta:
        verbose_name = "objectif régional"
        verbose_name_plural = "objectifs régionaux"
        constraints = [
            models.UniqueConstraint(fields=["zoning", "region"], name="unique_region_target")
        ]


class Category(models.TextChoices):
    FOUR = "4", "Catégorie 4"
    FIVE = "5", "Catégorie 5"
    UNKNOWN = "unknown", "Catégorie non publiée"


class Certainty(models.TextChoices):
    CONFIRMED = "confirmed", "Source publique directe"
    DEDUCED = "deduced", "Déduit (à confirmer)"
    DOUBTFUL = "doubtful", "À vérifier"
    OFFICIAL = "official", "Liste officielle"


# Zones read from an indirect source (a consultation site, a press article) rather than a list.
UNCONFIRMED_CERTAINTIES = frozenset({Certainty.DEDUCED, Certainty.DOUBTFUL})


class PriorityZoneQuerySet(models.QuerySet):
    def current(self):
        """Zones of the active zoning that have not been removed."""
        return self.filter(zoning__is_active=True, removed_at__isnull=True)

    def for_region(self, region_code: str):
        return self.filter(epci__region_id=region_code)

    def by_name(self) -> list:
        """In French alphabetical order of their EPCI, case and accents aside (« CC de la
        Lomagne Gersoise » before « CC Sidobre Vals et Plateaux »): the database's binary
        order puts every capital before every lower-case letter."""
        return sorted(self, key=lambda zone: normalize_name(zone.epci.name))


class PriorityZone(models.Model):
    zoning = models.ForeignKey(
        Zoning, on_delete=models.CASCADE, related_name="zones", verbose_name="zonage"
    )
    epci = models.ForeignKey(
        "territories.EPCI", on_delete=models.PROTECT, related_name="zones", verbose_name="EPCI"
    )
    category = models.CharField(
        "catégorie", max_length=10, choices=Category.choices, default=Category.UNKNOWN
    )
    listed_name = models.CharField("nom dans la liste source", max_length=200, blank=True)
    source = models.TextField("source", blank=True)
    certainty = models.CharField("fiabilité de la source", max_length=10, choices=Certainty.choices)
    note = models.TextField("note", blank=True)
    removed_at = models.DateTimeField("retirée le", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="créée le")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="modifiée le")

    objects = PriorityZoneQuerySet.as_manager()

    class Meta:
        verbose_name = "zone prioritaire"
        verbose_name_plural = "zones prioritaires"
        ordering = ["epci__name"]
        constraints = [
            models.UniqueConstraint(fields=["zoning", "epci"], name="unique_zone_per_zoning")
        ]

    def __str__(self) -> str:
        return self.epci.name

    @property
    def is_current(self) -> bool:
        return self.removed_at is None

    @property
    def is_unconfirmed(self) -> bool:
        return self.certainty in UNCONFIRMED_CERTAINTIES

    @property
    def category_short(self) -> str:
        """After « Catégorie : » — « 4 », « 5 » or « non publiée »."""
        return "non publiée" if self.category == Category.UNKNOWN else self.category

    @property
    def public_label(self) -> str:
        """What the public reads about the zone (search answer, zone page)."""
        if self.is_unconfirmed:
            return "Zone prioritaire (liste à confirmer)"
        return "Zone prioritaire"


class ZoneChange(models.Model):
    """History of a priority zone: who added, removed or updated it, when and why."""

    class Action(models.TextChoices):
        IMPORTED = "imported", "Importée"
        UPDATED = "updated", "Mise à jour par import"
        ADDED = "added", "Ajoutée"
        REMOVED = "removed", "Retirée"
        RESTORED = "restored", "Rétablie"

    zone = models.ForeignKey(PriorityZone, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField("action", max_length=10, choices=Action.choices)
    reason = models.TextField("motif", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="auteur",
    )
    created_at = models.DateTimeField("date", auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "modification de zone"
        verbose_name_plural = "modifications de zones"

    @property
    def by_import(self) -> bool:
        """Made by an import of the list (no one's action): its reason is the file's name."""
        return self.actor_id is None and self.action in (
            self.Action.IMPORTED,
            self.Action.UPDATED,
            self.Action.REMOVED,
        )

    @property
    def public_text(self) -> str:
        """What anyone reads of the change: an import in plain words (never the file's name),
        an agent's change with who made it and why."""
        if self.by_import:
            month = date_format(self.zone.zoning.published_on, "F Y")
            listed = f"la liste des zones prioritaires de {month}"
            return {
                self.Action.IMPORTED: f"Inscrite dans {listed}",
                self.Action.UPDATED: f"Informations mises à jour d'après {listed}",
                self.Action.REMOVED: f"Retirée : absente de {listed}",
            }[self.action]
        text = self.get_action_display()
        if self.actor_id:
            text += f" par {self.actor.scope_label}"
        return f"{text} : {self.reason}" if self.reason else text
