"""Django admin for support staff: read the raise tables, sheets and salary records. Writes
belong to the services (HR's pages), so nothing bypasses the budget check or the audit trail."""

from django.contrib import admin

from rewards.models import (
    BudgetUnit,
    RaiseBase,
    RaiseBudgetRate,
    RaiseLine,
    RaiseRange,
    RaiseSheet,
    SalaryRecord,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RaiseBase)
class RaiseBaseAdmin(ReadOnlyAdmin):
    list_display = (
        "grade",
        "effective_from",
        "department",
        "mid",
        "lower_base",
        "upper_base",
        "ceiling",
    )
    list_filter = ("grade",)


@admin.register(RaiseRange)
class RaiseRangeAdmin(ReadOnlyAdmin):
    list_display = ("staff_group", "band", "effective_from", "department", "low", "high")


@admin.register(RaiseBudgetRate)
class RaiseBudgetRateAdmin(ReadOnlyAdmin):
    list_display = ("staff_group", "effective_from", "department", "percent")


@admin.register(BudgetUnit)
class BudgetUnitAdmin(ReadOnlyAdmin):
    list_display = ("name", "department")


class RaiseLineInline(admin.TabularInline):
    model = RaiseLine
    extra = 0
    can_delete = False
    fields = ("order", "name", "salary", "band", "percent", "amount", "new_salary", "special")
    readonly_fields = fields


@admin.register(RaiseSheet)
class RaiseSheetAdmin(ReadOnlyAdmin):
    list_display = ("round", "budget_unit", "staff_group", "state", "budget")
    list_filter = ("state", "staff_group")
    inlines = [RaiseLineInline]


@admin.register(SalaryRecord)
class SalaryRecordAdmin(ReadOnlyAdmin):
    list_display = ("person", "effective_on", "old_salary", "new_salary", "special")
