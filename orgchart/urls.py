from django.urls import path

from orgchart import views

app_name = "orgchart"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("units/<int:pk>/children/", views.tree_children, name="children"),
    path("people/<int:pk>/", views.person_detail, name="person"),
]

from orgchart import import_views  # noqa: E402

urlpatterns += [
    path("import/", import_views.import_upload, name="import"),
]
