from django.urls import path

from kpi import views

app_name = "kpi"

urlpatterns = [
    path("", views.index, name="index"),
    path("units/<int:pk>/", views.unit_list, name="unit"),
    path("units/<int:pk>/new/", views.create, name="create"),
    path("units/<int:pk>/os-matrix/", views.os_matrix, name="os_matrix"),
    path("units/<int:pk>/cascade/", views.cascade_tree, name="cascade_tree"),
    path("units/<int:pk>/delegates/", views.delegates, name="delegates"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/cascade/", views.cascade, name="cascade"),
    path("<int:pk>/targets/", views.target_helper, name="targets"),
    path("<int:pk>/results/", views.record_result, name="record_result"),
]
