from django.urls import path

from inspectors import views

app_name = "inspectors"

urlpatterns = [
    path("", views.inspector_list, name="list"),
    path("new/", views.inspector_create, name="create"),
    path("<int:pk>/", views.inspector_detail, name="detail"),
    path("<int:pk>/edit/", views.inspector_edit, name="edit"),
    path("<int:pk>/reveal/", views.inspector_reveal, name="reveal"),
    path("experts/", views.expert_list, name="experts"),
    path("experts/new/", views.expert_create, name="expert_create"),
    path("experts/<int:pk>/edit/", views.expert_edit, name="expert_edit"),
    path("import/", views.import_upload, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("import/cancel/", views.import_cancel, name="import_cancel"),
    path("import/errors/", views.import_errors, name="import_errors"),
    path("import/template/", views.import_template, name="import_template"),
    path("import/progress/", views.import_progress, name="import_progress"),
]
