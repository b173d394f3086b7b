"""Report jobs in the admin, read-only: support staff see what ran, for whom, and why it failed."""

from django.contrib import admin

from reports.models import ReportJob


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    list_display = (
        "round",
        "unit",
        "owner",
        "status",
        "done",
        "total",
        "created_at",
        "finished_at",
    )
    list_filter = ("status",)
    list_select_related = ("round__department", "unit", "owner")
    readonly_fields = [f.name for f in ReportJob._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
