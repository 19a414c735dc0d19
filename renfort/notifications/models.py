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


class Notification(models.Model):
    """One message to one recipient on one channel, recorded before it is sent.

    The record is written in the caller's transaction; the send happens in a background task
    after commit, so a provider outage never rolls back (or loses) the business change."""

    kind = models.CharField("type", max_length=60)
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
        return f"{self.get_channel_display()} {self.kind} ({self.get_status_display()})"
