"""Appraisal URLs (hr pages), under rounds/ in the appraisal namespace."""

from django.urls import path

from appraisal import views_hr, views_results

urlpatterns = [
    path("", views_hr.rounds, name="rounds"),
    path("<int:pk>/", views_hr.round_console, name="round_console"),
    path("<int:pk>/settings/", views_hr.round_settings, name="round_settings"),
    path("<int:pk>/phase/", views_hr.round_phase, name="round_phase"),
    path("<int:pk>/remind/", views_hr.round_remind, name="round_remind"),
    path("<int:pk>/release/", views_hr.round_release, name="round_release"),
    path("<int:pk>/job/", views_hr.round_job_progress, name="round_job_progress"),
    path("<int:pk>/forms/", views_results.round_forms, name="round_forms"),
    path("<int:pk>/forms.xlsx", views_results.round_forms_xlsx, name="round_forms_xlsx"),
    path("<int:pk>/distribution/", views_results.distribution, name="distribution"),
    path("<int:pk>/distribution.xlsx", views_results.distribution_xlsx, name="distribution_xlsx"),
    path("<int:pk>/audit/", views_results.round_audit, name="round_audit"),
    path("forms/<int:pk>/evaluator/", views_results.form_evaluator, name="form_evaluator"),
    path("exports/<int:pk>/", views_results.export_job, name="export_job"),
    path("exports/<int:pk>/progress/", views_results.export_job_progress, name="export_progress"),
    path("exports/<int:pk>/download/", views_results.export_download, name="export_download"),
]
