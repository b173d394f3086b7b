from django.contrib import admin

from common.models import AccessRecord


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    """Read-only, for administrators: who read whose appraisal data, and when."""

    list_display = ("at", "user_name", "what", "subject_name", "path")
    list_filter = ("what",)
    search_fields = ("user_name", "subject_name", "subject_id", "path")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AccessRecord._meta.fields]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
