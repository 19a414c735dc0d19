from django.db import models


class Channel(models.TextChoices):
    EMAIL = "email", "Courriel"
    SMS = "sms", "SMS"


class Status(models.TextChoices):
    PENDING = "pending", "En attente"
    SENT = "sent", "Envoyée"
    FAILED = "failed", "Échec (sera réessayée)"
    ABANDONED = "abandoned", "Abandonnée"
    EXPIRED = "expired", "Périmée (non envoyée)"


class Kind(models.TextChoices):
    """What a notification is about, in French for the administration (the codes are written
    by each app's service: booking_*, mission_*, doctor_*, site_*, account…)."""

    BOOKING_CONFIRMATION = "booking_confirmation", "Confirmation de rendez-vous"
    BOOKING_MOVED = "booking_moved", "Rendez-vous déplacé"
    BOOKING_REMINDER = "booking_reminder", "Rappel de rendez-vous"
    BOOKING_CANCELLED_BY_PATIENT = (
        "booking_cancelled_by_patient",
        "Rendez-vous annulé par le patient",
    )
    BOOKING_CANCELLED_BY_STAFF = (
        "booking_cancelled_by_staff",
        "Rendez-vous annulé par le lieu, le médecin ou la plateforme",
    )
    BOOKING_WAITLIST_REGISTERED = (
        "booking_waitlist_registered",
        "Inscription sur la liste d'attente",
    )
    BOOKING_WAITLIST_OFFER = "booking_waitlist_offer", "Créneau proposé (liste d'attente)"
    BOOKING_WAITLIST_OFFER_WITHDRAWN = (
        "booking_waitlist_offer_withdrawn",
        "Créneau proposé retiré (liste d'attente)",
    )
    BOOKING_PLACE_CHANGED = (
        "booking_place_changed",
        "Nouvelle adresse du lieu du rendez-vous (au patient)",
    )
    BOOKING_LINKS = (
        "booking_links",
        "Liens des rendez-vous renvoyés (« Retrouver mon rendez-vous »)",
    )
    MISSIONS_PROPOSED = "missions_proposed", "Missions proposées (au médecin)"
    MISSIONS_PLANNED_SITE = "missions_planned_site", "Missions prévues (au lieu d'accueil)"
    MISSION_CONFIRMED = "mission_confirmed", "Mission confirmée (au médecin)"
    MISSION_CANCELLED = "mission_cancelled", "Mission annulée (au médecin)"
    MISSION_PLACE_CHANGED = (
        "mission_place_changed",
        "Nouvelle adresse du lieu d'accueil (au médecin)",
    )
    MISSION_HOURS_CHANGED = "mission_hours_changed", "Nouveaux horaires de mission (au médecin)"
    MISSION_ACCEPTED_SITE = "mission_accepted_site", "Mission acceptée (au lieu d'accueil)"
    MISSION_DECLINED_SITE = "mission_declined_site", "Mission déclinée (au lieu d'accueil)"
    MISSION_CONFIRMED_SITE = "mission_confirmed_site", "Mission confirmée (au lieu d'accueil)"
    MISSION_CANCELLED_SITE = "mission_cancelled_site", "Mission annulée (au lieu d'accueil)"
    MISSION_ACCEPTED_ARS = "mission_accepted_ars", "Mission acceptée (à l'ARS)"
    MISSION_DECLINED_ARS = "mission_declined_ars", "Mission déclinée (à l'ARS)"
    MISSION_CONFIRMED_ARS = "mission_confirmed_ars", "Mission confirmée (à l'ARS)"
    MISSION_CANCELLED_ARS = "mission_cancelled_ars", "Mission annulée (à l'ARS)"
    NATIONAL_RUN_ARS = (
        "national_run_ars",
        "Calcul national lancé : propositions non publiées remplacées (à l'ARS)",
    )
    DOCTOR_STATUS = "doctor_status", "Candidature du médecin : nouveau statut (au médecin)"
    DOCTOR_LEFT_ARS = (
        "doctor_left_ars",
        "Volontaire en pause ou retiré de lui-même (à l'ARS)",
    )
    DOCTOR_COMPLETION = (
        "doctor_completion",
        "Complément demandé au médecin (au médecin), complément reçu (à l'agent)",
    )
    DOCTOR_RPPS_SIGNUP = (
        "doctor_rpps_signup",
        "Inscription tentée avec le numéro RPPS d'un volontaire (au médecin et à l'adresse tapée)",
    )
    DOCTOR_SUBMITTED = "doctor_submitted", "Nouveau médecin volontaire (au CDOM)"
    DOCTOR_ACTIVITY_RECORDED_CPAM = (
        "doctor_activity_recorded_cpam",
        "Médecin volontaire à traiter (à la CPAM)",
    )
    DOCTOR_CLOSED_AGENTS = (
        "doctor_closed_agents",
        "Dossier de médecin clos (au CDOM ou à la CPAM qui l'avaient à traiter)",
    )
    SITE_STATUS = "site_status", "Lieu d'accueil : nouveau statut (au gestionnaire)"
    SITE_PROPOSED = "site_proposed", "Nouveau lieu d'accueil proposé (à l'ARS)"
    SITE_RESUBMITTED = "site_resubmitted", "Lieu d'accueil soumis à nouveau (à l'ARS)"
    SITE_ACTIVATED = "site_activated", "Lieu d'accueil ouvert aux volontaires (à l'ARS)"
    SITE_IDENTITY_CHANGED = "site_identity_changed", "Lieu d'accueil modifié (à l'ARS)"
    SITE_MESSAGE = "site_message", "Message d'un lieu d'accueil (à l'ARS)"
    PASSWORD_RESET = "password_reset", "Nouveau mot de passe"
    PASSWORD_CHANGED = "password_changed", "Mot de passe modifié"
    ACCOUNT_CONFIRMATION = "account_confirmation", "Confirmation de l'adresse électronique"
    ACCOUNT_EXISTS = "account_exists", "Compte déjà existant"


class Notification(models.Model):
    """One message to one recipient on one channel, recorded before it is sent.

    The record is written in the caller's transaction; the send happens in a background task
    after commit, so a provider outage never rolls back (or loses) the business change."""

    kind = models.CharField("type", max_length=60, choices=Kind.choices)
    channel = models.CharField("canal", max_length=5, choices=Channel.choices)
    recipient = models.CharField("destinataire", max_length=254)
    subject = models.CharField("objet", max_length=200, blank=True)
    body = models.TextField("message")
    attachments = models.JSONField("pièces jointes", default=list, blank=True)
    reply_to = models.EmailField("répondre à", blank=True)  # emails only: who answers reach
    dedup_key = models.CharField(
        max_length=200, null=True, blank=True, unique=True, verbose_name="clé d'unicité"
    )
    status = models.CharField(
        "statut", max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    last_error = models.TextField("dernière erreur", blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)
    # After a failure, not retried before this moment (growing delays: services.retry_delay).
    next_attempt_at = models.DateTimeField("prochain essai", null=True, blank=True)
    # Not sent after this moment (an appointment already started, an offer already expired):
    # a message delayed by an outage would only mislead.
    valid_until = models.DateTimeField("à envoyer avant", null=True, blank=True)

    class Meta:
        verbose_name = "notification"
        verbose_name_plural = "notifications"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        """« SMS — confirmation de rendez-vous (envoyée) »."""
        kind = self.get_kind_display()  # the code itself for a kind without a label
        status = self.get_status_display().replace(" (", ", ").rstrip(")")
        return f"{self.get_channel_display()} — {kind[:1].lower()}{kind[1:]} ({status.lower()})"
