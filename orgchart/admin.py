"""Admin for what has no page of its own yet. Tree structure is read-only here: tree writes
must go through orgchart.services (advisory lock), never through the admin."""

from django.contrib import admin

from orgchart.models import HrScope, Ministry, OrgUnit


@admin.register(Ministry)
class MinistryAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(HrScope)
class HrScopeAdmin(admin.ModelAdmin):
    list_display = ["user", "unit"]
    autocomplete_fields = ["unit"]
    raw_id_fields = ["user"]


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "is_active"]
    search_fields = ["code", "name", "short_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
