from django.urls import path

from orgchart import views

app_name = "orgchart"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("units/<int:pk>/children/", views.tree_children, name="children"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/suggest/", views.people_suggest, name="people_suggest"),
    path("people/<int:pk>/evaluator/", views.person_evaluator, name="person_evaluator"),
]

from orgchart import import_views  # noqa: E402

urlpatterns += [
    path("import/", import_views.import_upload, name="import"),
    path("import/template.xlsx", import_views.import_template, name="import_template"),
]
urlpatterns += [
    path("import/preview/", import_views.import_preview, name="import_preview"),
    path("import/confirm/", import_views.import_confirm, name="import_confirm"),
    path("import/cancel/", import_views.import_cancel, name="import_cancel"),
    path("import/result/", import_views.import_result, name="import_result"),
]
