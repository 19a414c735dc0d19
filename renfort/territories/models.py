import functools
import operator
import re

from django.db import models
from django.db.models import Q

from .normalize import normalize_name


class TerritoryZone(models.TextChoices):
    METRO = "metro", "France métropolitaine"
    DROM = "drom", "Départements et régions d'outre-mer"
    COM = "com", "Collectivités d'outre-mer (hors dispositif)"


# The measure applies in mainland France and the overseas départements, not in the COM.
PROGRAMME_ZONES = (TerritoryZone.METRO, TerritoryZone.DROM)


class TerritoryQuerySet(models.QuerySet):
    def in_programme(self):
        return self.filter(zone__in=PROGRAMME_ZONES)

    def by_name(self) -> list:
        """In French alphabetical order, accents aside (« Île-de-France » after
        « Hauts-de-France », not after « Provence-Alpes-Côte d'Azur »)."""
        return sorted(self, key=lambda territory: normalize_name(territory.name))


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    zone = models.CharField("zone", max_length=5, choices=TerritoryZone.choices)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = "région"
        verbose_name_plural = "régions"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Departement(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")
    zone = models.CharField("zone", max_length=5, choices=TerritoryZone.choices)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = "département"
        verbose_name_plural = "départements"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class EPCI(models.Model):
    class Kind(models.TextChoices):
        CC = "CC", "Communauté de communes"
        CA = "CA", "Communauté d'agglomération"
        CU = "CU", "Communauté urbaine"
        METRO = "METRO", "Métropole"
        MET69 = "MET69", "Métropole de Lyon"

    siren = models.CharField("SIREN", max_length=9, primary_key=True)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=5, choices=Kind.choices)
    population = models.PositiveIntegerField("population totale")
    population_municipale = models.PositiveIntegerField("population municipale")
    commune_count = models.PositiveIntegerField("nombre de communes")
    # The département and region holding most of the EPCI's population (a few EPCI straddle).
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="epcis", null=True
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="epcis", null=True)
    departement_codes = models.CharField("départements couverts", max_length=40, blank=True)

    class Meta:
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# The outlines live apart from the territories (docs/decisions/0002-reference-data.md): a
# département's is ~11 kB of GeoJSON, an EPCI's ~2 kB, and every query that joins a département
# or an EPCI (a site's, a doctor's, a zone's) would otherwise read and decode them. Only the maps'
# GeoJSON views and the import read these two tables.


class DepartementShape(models.Model):
    departement = models.OneToOneField(
        Departement, on_delete=models.CASCADE, primary_key=True, related_name="shape"
    )
    geometry = models.JSONField("contour simplifié (GeoJSON)")
    # Set by every import: the maps' GeoJSON views key their in-process copy on it.
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    class Meta:
        verbose_name = "contour de département"
        verbose_name_plural = "contours de départements"

    def __str__(self) -> str:
        return f"Contour de {self.departement_id}"


class EPCIShape(models.Model):
    epci = models.OneToOneField(
        EPCI, on_delete=models.CASCADE, primary_key=True, related_name="shape"
    )
    geometry = models.JSONField("contour (GeoJSON)")
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    class Meta:
        verbose_name = "contour d'EPCI"
        verbose_name_plural = "contours d'EPCI"

    def __str__(self) -> str:
        return f"Contour de {self.epci_id}"


class CommuneQuerySet(TerritoryQuerySet):
    def search(self, text: str, *, words: bool = False):
        """Communes whose name contains the text (best matches first), or postcode prefix.

        words=True (a name typed and sent, not a list of suggestions): the exact name, or a
        name with a word that starts with the text, 3 letters at least. « le », « de » or
        « a b » then name no commune (they were Le Havre, Décines-Charpieu, Deuil-la-Barre),
        nor does « ibla » (Piblange)."""
        from .normalize import normalize_name

        text = (text or "").strip()
        if not text:
            return self.none()
        postcode = re.search(r"\b(\d{5})\b", text)
        if postcode and not text.isdigit():
            # « Lacaune 81230 », « 81230 Lacaune », or the autocomplete's own label typed as
            # is, « Lacaune (81230) — Tarn »: the commune of that postcode with that name.
            by_code = self.search(postcode.group(1))
            key = normalize_name(re.sub(r"[()\d]", " ", text.split("—")[0]))
            named = by_code.filter(search_name__contains=key) if key else by_code
            return named if named.exists() else by_code
        if text.isdigit():
            return self.filter(
                Q(postcodes__startswith=text) | Q(postcodes__contains=f" {text}")
            ).order_by("-population")
        key = normalize_name(text)
        if not key:
            return self.none()
        # « l'isle sur tarn » for Lisle-sur-Tarn: an elided article glued to its word too.
        keys = {key, re.sub(r"\b([dl]) (?=[a-z])", r"\1", key)}
        if words:
            wanted = Q(search_name__in=keys)
            for k in keys:
                if len(k.replace(" ", "")) >= 3:
                    wanted |= Q(search_name__startswith=k) | Q(search_name__contains=" " + k)
        else:
            wanted = functools.reduce(operator.or_, (Q(search_name__contains=k) for k in keys))
        return self.filter(wanted).order_by(
            models.Case(
                models.When(search_name__in=keys, then=0),
                models.When(
                    functools.reduce(operator.or_, (Q(search_name__startswith=k) for k in keys)),
                    then=1,
                ),
                default=2,
            ),
            "-population",
        )


class Commune(models.Model):
    code_insee = models.CharField("code INSEE", max_length=5, primary_key=True)
    name = models.CharField("nom", max_length=100)
    search_name = models.CharField(max_length=100, db_index=True, editable=False)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    epci = models.ForeignKey(
        EPCI, on_delete=models.PROTECT, related_name="communes", null=True, blank=True
    )
    population = models.PositiveIntegerField("population totale")
    postcodes = models.CharField("codes postaux", max_length=200, blank=True)
    zone = models.CharField("zone", max_length=5, choices=TerritoryZone.choices)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = "commune"
        verbose_name_plural = "communes"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.departement_id})"

    @property
    def postcode_list(self) -> list[str]:
        return self.postcodes.split()

    @property
    def postcodes_display(self) -> str:
        """« 81120, 81990 », as a list is written."""
        return ", ".join(self.postcode_list)

    @property
    def main_postcode(self) -> str:
        return self.postcode_list[0] if self.postcodes else ""

    @property
    def label(self) -> str:
        return f"{self.name} ({self.main_postcode or self.departement_id})"
