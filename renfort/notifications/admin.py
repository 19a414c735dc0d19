from django.contrib import admin

from renfort.core.redact import redact_secrets
from renfort.core.validators import mask_email, mask_phone

from .models import Channel, Notification
from .services import notifications_send_again

# Messages to patients (booking confirmations, reminders, waiting-list offers): the admin never
# shows their contact or their secret links (docs/booking.md, « Protection des données »). Nor
# does it show the links that open an account (password reset, first password) of any message.
PATIENT_KINDS_PREFIX = "booking_"
SHOWN_BY_METHOD = ("recipient", "body", "attachments")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "channel", "status", "attempts")
    list_filter = ("channel", "status", "kind")
    actions = ["send_again"]

    def has_add_permission(self, request, obj=None):
        return False  # a message is recorded by the service that sends it, never by hand

    @admin.action(description="Renvoyer maintenant (notifications abandonnées ou en échec)")
    def send_again(self, request, queryset):
        sent = notifications_send_again(queryset)
        self.message_user(
            request,
            f"{sent} notification(s) renvoyée(s) ; les autres sont envoyées, périmées ou en "
            "attente.",
        )

    exclude = SHOWN_BY_METHOD
    readonly_fields = [
        *(f.name for f in Notification._meta.fields if f.name not in SHOWN_BY_METHOD),
        "recipient_shown",
        "body_shown",
        "attachments_shown",
    ]

    @staticmethod
    def _for_patient(notification: Notification) -> bool:
        return notification.kind.startswith(PATIENT_KINDS_PREFIX)

    @admin.display(description="destinataire")
    def recipient_shown(self, notification: Notification) -> str:
        if not self._for_patient(notification):
            return notification.recipient
        if notification.channel == Channel.SMS:
            return mask_phone(notification.recipient)
        return mask_email(notification.recipient)

    @admin.display(description="message")
    def body_shown(self, notification: Notification) -> str:
        return redact_secrets(notification.body)

    @admin.display(description="pièces jointes")
    def attachments_shown(self, notification: Notification) -> str:
        names = [a.get("filename", "") for a in notification.attachments or []]
        return ", ".join(name for name in names if name) or "—"
