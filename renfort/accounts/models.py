from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower


class Role(models.TextChoices):
    DOCTOR = "doctor", "Médecin volontaire"
    SITE_MANAGER = "site_manager", "Gestionnaire de lieu d'accueil"
    ARS_AGENT = "ars_agent", "Agent ARS"
    CDOM_AGENT = "cdom_agent", "Agent CDOM (Ordre des médecins)"
    CPAM_AGENT = "cpam_agent", "Agent CPAM"
    NATIONAL = "national", "Pilotage national (DGOS)"
    ADMIN = "admin", "Administrateur"


AGENT_ROLES = frozenset({Role.ARS_AGENT, Role.CDOM_AGENT, Role.CPAM_AGENT, Role.NATIONAL})


class RenfortUserManager(UserManager):
    use_in_migrations = True

    def _create_user(self, username, email, password, **extra_fields):
        email = self.normalize_email(email).lower()
        user = self.model(email=email, username=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(None, email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True, role=Role.ADMIN)
        return self._create_user(None, email, password, **extra_fields)

    def get_by_natural_key(self, username):
        """The login is the email, whatever its case: emails are stored in lower case (a
        database constraint, migration 0003 lowered the older ones)."""
        return self.get(email=(username or "").strip().lower())


class User(AbstractUser):
    """A person who logs in. The login is the email; the role decides the space and the scope."""

    email = models.EmailField("adresse électronique", unique=True)
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "territories.Region",
        verbose_name="région (agents ARS)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    departement = models.ForeignKey(
        "territories.Departement",
        verbose_name="département (agents CDOM et CPAM)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    phone = models.CharField("téléphone", max_length=20, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = RenfortUserManager()

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        constraints = [
            models.CheckConstraint(
                name="ars_agent_has_region",
                condition=~Q(role="ars_agent") | Q(region__isnull=False),
            ),
            models.CheckConstraint(
                name="cdom_cpam_agent_has_departement",
                condition=~Q(role__in=["cdom_agent", "cpam_agent"]) | Q(departement__isnull=False),
            ),
            # Stored in lower case: with `unique`, one account per address whatever its case.
            models.CheckConstraint(name="email_in_lower_case", condition=Q(email=Lower("email"))),
        ]

    def clean(self):
        super().clean()
        self.email = (self.email or "").strip().lower()

    def __str__(self) -> str:
        full_name = self.get_full_name()
        return f"{full_name} <{self.email}>" if full_name else self.email

    @property
    def is_agent(self) -> bool:
        return self.role in AGENT_ROLES

    @property
    def scope_label(self) -> str:
        if self.role == Role.ARS_AGENT and self.region_id:
            return f"ARS {self.region.name}"
        if self.role in (Role.CDOM_AGENT, Role.CPAM_AGENT) and self.departement_id:
            prefix = "CDOM" if self.role == Role.CDOM_AGENT else "CPAM"
            return f"{prefix} {self.departement.name} ({self.departement.code})"
        return self.get_role_display()


class LoginFailure(models.Model):
    """A failed login, to slow down password guessing (accounts.services.login_*). The account
    is identified by a hash of its lowercased email: the table never holds an address."""

    key = models.CharField("compte (empreinte)", max_length=64, db_index=True)
    created_at = models.DateTimeField("date", db_index=True)

    class Meta:
        verbose_name = "échec de connexion"
        verbose_name_plural = "échecs de connexion"
