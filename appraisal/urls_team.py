"""Appraisal URLs (team pages): the evaluator's and the higher supervisor's work."""

from django.urls import path

from appraisal import views_scoring, views_team

urlpatterns = [
    path("", views_team.team, name="team"),
    path("export.xlsx", views_team.team_xlsx, name="team_xlsx"),
    path("approve/", views_team.team_approve, name="team_approve"),
    path("<int:pk>/agreement/", views_team.agreement_review, name="agreement_review"),
    path("<int:pk>/score/", views_scoring.score, name="score"),
    path("<int:pk>/score/preview/", views_scoring.score_preview, name="score_preview"),
    path("<int:pk>/score/finish/", views_scoring.score_finish, name="score_finish"),
    path("<int:pk>/score/reopen/", views_scoring.score_reopen, name="score_reopen"),
    path("<int:pk>/followups/", views_scoring.idp_followup, name="idp_followup"),
    path("<int:pk>/inform/", views_team.inform, name="inform"),
    path("<int:pk>/refusal/", views_team.refusal, name="refusal"),
    path("<int:pk>/review/", views_team.review, name="review"),
    path("<int:pk>/coaching/", views_team.coaching, name="coaching"),
]
