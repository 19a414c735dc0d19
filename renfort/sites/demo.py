"""Demo host sites (fictitious): one to three per current priority zone, in the most populated
communes of the EPCI, each with its fictitious manager. Deterministic and idempotent."""

import uuid
from datetime import time

from renfort.accounts.demo import DEMO_PASSWORD, demo_email
from renfort.accounts.models import Role, User
from renfort.territories.normalize import normalize_name
from renfort.zoning.selectors import current_zones

from .models import Site, SiteHistory, SiteKind, SiteStatus, WeeklyOpening
from .names import commune_of, default_cpam

DEMO_NAMESPACE = uuid.UUID("6f1b7c1e-2d1a-4c55-9a51-7e3f5d1c0a01")

KINDS = [
    (SiteKind.MSP, 14, "Maison de santé (fictive)"),
    (SiteKind.HEALTH_CENTRE, 3, "Centre de santé (fictif)"),
    (SiteKind.PRACTICE, 6, "Cabinet médical (fictif)"),
    (SiteKind.HOSPITAL_PREMISES, 1, "Local hospitalier (fictif)"),
    (SiteKind.FRANCE_SERVICES, 1, "Maison France Services (fictive)"),
    (SiteKind.EHPAD, 2, "EHPAD (fictif)"),
]
# Mostly active; a few in the other states so the workflow can be shown.
STATUSES = [SiteStatus.ACTIVE] * 8 + [
    SiteStatus.PROPOSED,
    SiteStatus.VALIDATED,
    SiteStatus.SUSPENDED,
]
SOFTWARE = ["Weda", "MédiStory", "Crossway", "HelloDoc", "Axisanté"]
STREETS = ["place de la Mairie", "rue de la République", "avenue du Général-de-Gaulle",
           "rue des Écoles", "route de la Gare", "rue du Docteur-Roux"]  # fmt: skip
FIRST_NAMES = ["Claire", "Marc", "Sophie", "Julien", "Nathalie", "Pierre", "Élodie", "Karim"]


def _pick_kind(rng):
    total = sum(w for _, w, _ in KINDS)
    draw = rng.randrange(total)
    for kind, weight, prefix in KINDS:
        if draw < weight:
            return kind, prefix
        draw -= weight
    return KINDS[0][0], KINDS[0][2]


def _slug(text: str) -> str:
    return normalize_name(text).replace(" ", "-")[:30]


def manager_email(commune) -> str:
    """lieu.<commune>.<postcode>@…: the postcode people know (the INSEE code looks like one but
    is another number: Beaurainville is 62100 for the INSEE, 62990 for the post)."""
    return demo_email(f"lieu.{_slug(commune.name)}.{commune.main_postcode or commune.code_insee}")


def generate(*, rng, stdout) -> None:
    created = number = 0
    zones = current_zones().order_by("epci__siren")
    for zone in zones:
        communes = list(
            zone.epci.communes.select_related("departement").order_by("-population", "code_insee")
        )[:3]
        count = 1 + rng.randrange(3)
        for index, commune in enumerate(communes[:count]):
            number += 1  # the site's number in the demo, whether it exists already or not
            token = uuid.uuid5(DEMO_NAMESPACE, f"{zone.epci_id}-{index}")
            kind, prefix = _pick_kind(rng)
            status = rng.choice(STATUSES)
            housing = rng.choice(["none", "none", "on_site", "nearby"])
            beds = 0 if housing == "none" else rng.randint(1, 3)
            first = rng.choice(FIRST_NAMES)
            dmp = rng.random() < 0.8
            weekdays = sorted(rng.sample(range(5), rng.randint(2, 4)))
            email = manager_email(commune)
            cpam_name, cpam_dep = default_cpam(commune)
            values = dict(
                name=f"{prefix} {commune_of(commune.name)}",
                kind=kind,
                address=f"{rng.randint(1, 40)} {rng.choice(STREETS)}",
                commune=commune,
                departement=commune.departement,
                region_id=commune.departement.region_id,
                epci=zone.epci,
                priority_zone=zone,
                latitude=commune.latitude,
                longitude=commune.longitude,
                contact_name=f"{first} Fictif-Gestion",
                # 06 39 98 xx xx: the range the ARCEP keeps for fiction (never a subscriber).
                phone=f"+3363998{7000 + number:04d}",
                email=email,
                rooms=rng.randint(1, 2),
                has_consultation_kit=True,
                has_ecg=rng.random() < 0.6,
                has_vitale_reader=rng.random() < 0.9,
                has_dmp_software=dmp,
                software_name=rng.choice(SOFTWARE) if dmp else "",
                has_internet=True,
                has_printer=rng.random() < 0.9,
                has_medical_assistant=rng.random() < 0.4,
                has_reception=rng.random() < 0.7,
                housing=housing,
                housing_beds=beds,
                housing_description="Studio meublé (fictif)" if beds else "",
                housing_nights="la veille de chaque jour de consultation" if beds else "",
                housing_accessible=bool(beds) and rng.random() < 0.5,
                has_parking=rng.random() < 0.8,
                pmr_access=rng.random() < 0.8,
                cpam_name=cpam_name,
                cpam_departement=cpam_dep,
                practical_info="Clés à l'accueil ; se présenter 15 minutes avant (fictif).",
                volunteers_needed=rng.random() < 0.85,
                volunteer_days_wanted=rng.randint(1, 6),
                status=status,
                submission_token=token,
            )
            if Site.objects.filter(submission_token=token).exists():
                continue
            manager, new_user = User.objects.get_or_create(
                email=email,
                defaults={
                    "username": email,
                    "first_name": first,
                    "last_name": "Fictif-Gestion",
                    "role": Role.SITE_MANAGER,
                },
            )
            if new_user:
                manager.set_password(DEMO_PASSWORD)
                manager.save(update_fields=["password"])
            site = Site.objects.create(**values, manager=manager, declared_by=manager)
            WeeklyOpening.objects.bulk_create(
                WeeklyOpening(site=site, weekday=d, period=p, start_time=s, end_time=e)
                for d in weekdays
                for p, s, e in (
                    ("morning", time(8, 30), time(12, 30)),
                    ("afternoon", time(13, 30), time(18)),
                )
            )
            path = {
                SiteStatus.PROPOSED: ["proposed"],
                SiteStatus.VALIDATED: ["proposed", "validated"],
                SiteStatus.ACTIVE: ["proposed", "validated", "active"],
                SiteStatus.SUSPENDED: ["proposed", "validated", "active", "suspended"],
            }[status]
            previous = ""
            for step in path:
                SiteHistory.objects.create(
                    site=site,
                    from_status=previous,
                    to_status=step,
                    actor=manager,
                    comment="Données de démonstration.",
                )
                previous = step
            if status == SiteStatus.SUSPENDED:
                site.status_reason = "Travaux dans les locaux (fictif)."
                site.save(update_fields=["status_reason"])
            created += 1
    stdout.write(f"  {created} lieux d'accueil de démonstration créés")


def logins() -> list[tuple[str, str]]:
    sites = (
        Site.objects.active()
        .filter(manager__email__endswith="@demo.renfort.example")
        .select_related("manager")
        .order_by("submission_token")[:2]
    )
    return [(s.manager.email, f"Gestionnaire — {s.name}") for s in sites]
