from django.urls import path

from orgchart import views

app_name = "orgchart"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("units/<int:pk>/children/", views.tree_children, name="children"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/evaluator/", views.person_evaluator, name="person_evaluator"),
]

from orgchart import import_views  # noqa: E402

urlpatterns += [
    path("import/", import_views.import_upload, name="import"),
]
