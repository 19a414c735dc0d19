"""Demo accounts (fictitious). Every demo login uses the same password, printed by `make run`."""

from renfort.territories.models import Departement, Region

from .models import Role, User

DEMO_PASSWORD = "renfort-demo-2026"
DEMO_DOMAIN = "demo.renfort.example"

# (email local part, first name, last name, role, region code, département code)
AGENTS = [
    ("admin", "Alice", "Administratrice", Role.ADMIN, None, None),
    ("dgos", "Denis", "Pilotage", Role.NATIONAL, None, None),
    ("ars.nouvelle-aquitaine", "Nadia", "Fictive-ARS", Role.ARS_AGENT, "75", None),
    ("ars.occitanie", "Olivier", "Fictif-ARS", Role.ARS_AGENT, "76", None),
    ("ars.auvergne-rhone-alpes", "Aurore", "Fictive-ARS", Role.ARS_AGENT, "84", None),
    ("ars.hauts-de-france", "Hélène", "Fictive-ARS", Role.ARS_AGENT, "32", None),
    ("cdom.tarn", "Thomas", "Fictif-CDOM", Role.CDOM_AGENT, None, "81"),
    ("cpam.tarn", "Claire", "Fictive-CPAM", Role.CPAM_AGENT, None, "81"),
    ("cdom.landes", "Léa", "Fictive-CDOM", Role.CDOM_AGENT, None, "40"),
    ("cpam.landes", "Louis", "Fictif-CPAM", Role.CPAM_AGENT, None, "40"),
]


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}".lower()  # emails are stored in lower case


def generate(*, rng, stdout) -> None:
    """Create the agent accounts (idempotent)."""
    for local, first, last, role, region, dep in AGENTS:
        email = demo_email(local)
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "username": email,
                "first_name": first,
                "last_name": last,
                "role": role,
                "region": Region.objects.get(code=region) if region else None,
                "departement": Departement.objects.get(code=dep) if dep else None,
                "is_staff": role == Role.ADMIN,
                "is_superuser": role == Role.ADMIN,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
    stdout.write(f"  {len(AGENTS)} comptes d'agents de démonstration")


def logins() -> list[tuple[str, str]]:
    emails = [demo_email(a[0]) for a in AGENTS]
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    return [(e, users[e].scope_label) for e in emails if e in users]
