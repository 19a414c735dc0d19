from django.contrib import admin

from .models import PriorityZone, ZoneChange, Zoning


@admin.register(Zoning)
class ZoningAdmin(admin.ModelAdmin):
    list_display = ("name", "published_on", "is_active", "expected_zone_count")


class ZoneChangeInline(admin.TabularInline):
    model = ZoneChange
    extra = 0
    readonly_fields = ("action", "reason", "actor", "created_at")


@admin.register(PriorityZone)
class PriorityZoneAdmin(admin.ModelAdmin):
    list_display = ("epci", "zoning", "category", "certainty", "removed_at")
    list_select_related = ("epci", "zoning")
    list_filter = ("zoning", "certainty", "category")
    search_fields = ("epci__name", "epci__siren")
    raw_id_fields = ("epci",)
    inlines = [ZoneChangeInline]
