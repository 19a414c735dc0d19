"""Shared administration pieces (core registers no model of its own)."""


class ReadOnlyRecordAdmin:
    """Records written only by the services (appointments, slots, offers, messages): the
    administration shows them but neither adds, changes nor deletes one, since that would skip
    the rules and the notices the services apply (a booking without its confirmation, a slot
    freed under a patient…). Corrections go through the pages that apply those rules; old
    records are removed by the purge commands."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
