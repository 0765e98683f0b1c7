"""What every admin page of Courtdash shares: an admin is no back door.

What a service guards (the extension approver, the targets) is read-only in the admin; the
few tables edited there (the four-type and detection rules, people's contacts) are edited
through `AuditedAdmin`, which puts every add, change and delete on the audit trail with the
fields that changed — the same trail the services write.
"""

from __future__ import annotations

from django.contrib import admin

from cases.choices import AuditAction
from cases.services import audit_record


class ReadOnly:
    """Records written by the services only: shown, never changed here (an admin or an
    inline)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    pass


class AuditedAdmin(admin.ModelAdmin):
    """Every add, change and delete made here is on the audit trail, with what changed."""

    def _record(self, request, obj, detail: dict) -> None:
        audit_record(
            action=AuditAction.CHANGE,
            request=request,
            object_type=obj._meta.label_lower,
            object_id=obj.pk,
            detail={"via": "admin", "object": str(obj), **detail},
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = {name: str(form.cleaned_data.get(name)) for name in form.changed_data}
        self._record(request, obj, {"added": not change, "changed": changed})

    def delete_model(self, request, obj):
        self._record(request, obj, {"deleted": True})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._record(request, obj, {"deleted": True})
        super().delete_queryset(request, queryset)
