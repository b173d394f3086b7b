"""Report URLs: the forms of a person, HR's unit reports, KPI documents and background jobs."""

from django.urls import path

from reports import raise_list, views, views_trends

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/<int:pk>/", views.round_reports, name="round"),
    path("forms/<int:pk>/summary.pdf", views.form_pdf, {"kind": "summary"}, name="form_summary"),
    path(
        "forms/<int:pk>/achievement.pdf",
        views.form_pdf,
        {"kind": "achievement"},
        name="form_achievement",
    ),
    path(
        "forms/<int:pk>/competency.pdf",
        views.form_pdf,
        {"kind": "competency"},
        name="form_competency",
    ),
    path("rounds/<int:pk>/units/<int:unit_pk>/report.pdf", views.unit_report, name="unit_report"),
    path("rounds/<int:pk>/units/<int:unit_pk>/results.xlsx", views.unit_xlsx, name="unit_xlsx"),
    path(
        "rounds/<int:pk>/units/<int:unit_pk>/announcement.pdf",
        views.announcement,
        name="announcement",
    ),
    path("rounds/<int:pk>/units/<int:unit_pk>/jobs/", views.job_create, name="job_create"),
    path("people/<int:pk>/results.pdf", views_trends.person_trend_pdf, name="person_trend_pdf"),
    path("units/<int:pk>/kpis.pdf", views.unit_kpis, name="unit_kpis"),
    path("kpis/<int:pk>.pdf", views.kpi_sheet, name="kpi_sheet"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
    path("jobs/<int:pk>/retry/", views.job_retry, name="job_retry"),
    path("raises/<int:pk>/list.pdf", raise_list.raise_list_pdf, name="raise_list_pdf"),
    path("raises/<int:pk>/list.xlsx", raise_list.raise_list_xlsx, name="raise_list_xlsx"),
]
