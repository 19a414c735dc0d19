from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "channel", "status", "attempts")
    list_filter = ("channel", "status", "kind")
    readonly_fields = [f.name for f in Notification._meta.fields]
