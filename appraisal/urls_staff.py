"""Appraisal URLs (staff pages): my appraisal, the form, agreement, monitoring, evaluation."""

from django.urls import path

from appraisal import views_monitoring as m
from appraisal import views_staff as v

urlpatterns = [
    path("my/", v.my, name="my"),
    path("forms/<int:pk>/", v.form_detail, name="form"),
    path("forms/<int:pk>/agreement/", v.agreement, name="agreement"),
    path("forms/<int:pk>/agreement/row/", v.agreement_row, name="agreement_row"),
    path("forms/<int:pk>/agreement/pull/", v.agreement_pull, name="agreement_pull"),
    path("forms/<int:pk>/agreement/submit/", v.agreement_submit, name="agreement_submit"),
    path("forms/<int:pk>/agreement/revise/", v.agreement_revise, name="agreement_revise"),
    path("forms/<int:pk>/checkin/", m.checkin, name="checkin"),
    path("forms/<int:pk>/journal/", m.journal, name="journal"),
    path("evidence/<int:pk>/", m.evidence, name="evidence"),
    path("forms/<int:pk>/self-assessment/", v.self_assess, name="self_assess"),
    path("forms/<int:pk>/acknowledge/", v.acknowledge, name="acknowledge"),
]
