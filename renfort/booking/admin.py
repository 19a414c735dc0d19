from django.contrib import admin

from renfort.core.admin import ReadOnlyRecordAdmin

from .models import Appointment, BookingSettings, Slot, WaitingListEntry, WaitingListOffer


@admin.register(BookingSettings)
class BookingSettingsAdmin(admin.ModelAdmin):
    list_display = ("site", "reserved_share")
    list_select_related = ("site",)
    autocomplete_fields = ()
    raw_id_fields = ("site",)


@admin.register(Slot)
class SlotAdmin(ReadOnlyRecordAdmin, admin.ModelAdmin):
    list_display = ("start", "site", "doctor", "status", "reserved_for_priority")
    # What the columns show (without it the admin joins every foreign key, 31 joins).
    list_select_related = ("site", "doctor")
    list_filter = ("status", "reserved_for_priority")
    raw_id_fields = ("mission", "site", "doctor")


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyRecordAdmin, admin.ModelAdmin):
    """Lists show the reference and status only: no personal data in lists."""

    list_display = ("reference", "start", "site", "status", "walk_in")
    list_select_related = ("site",)
    list_filter = ("status", "walk_in")
    search_fields = ("reference",)
    raw_id_fields = ("slot", "mission", "site", "doctor")
    exclude = ("secret",)


@admin.register(WaitingListEntry)
class WaitingListEntryAdmin(ReadOnlyRecordAdmin, admin.ModelAdmin):
    list_display = ("pk", "site", "zone", "start_date", "end_date", "status", "offers_sent")
    list_select_related = ("site", "zone__epci")
    list_filter = ("status",)
    raw_id_fields = ("site", "zone")
    exclude = ("secret",)


@admin.register(WaitingListOffer)
class WaitingListOfferAdmin(ReadOnlyRecordAdmin, admin.ModelAdmin):
    list_display = ("pk", "slot", "status", "expires_at")
    list_select_related = ("slot__site",)
    list_filter = ("status",)
    raw_id_fields = ("entry", "slot", "appointment")
    exclude = ("secret",)
