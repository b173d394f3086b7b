"""Django admin for support staff: read the rounds and forms with their history.

Writes belong to the services (pages and commands); the admin is read-only for forms so
nothing bypasses the state machine, the version check or the audit trail."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from appraisal.models import AppraisalForm, AppraisalRound


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AppraisalRound)
class AppraisalRoundAdmin(ReadOnlyAdmin):
    list_display = ("department", "fiscal_year", "number", "phase")
    list_filter = ("phase", "fiscal_year")


@admin.register(AppraisalForm)
class AppraisalFormAdmin(ReadOnlyAdmin):
    list_display = ("person", "round", "state", "evaluator", "final_total", "final_band")
    list_filter = ("state", "round")
    search_fields = ("person__staff_code", "person__first_name", "person__last_name")
    list_select_related = ("person", "round__department", "evaluator")
