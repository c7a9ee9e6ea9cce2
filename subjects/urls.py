from django.urls import path

from subjects import views

app_name = "subjects"

urlpatterns = [
    path("", views.subject_list, name="list"),
    path("new/", views.subject_create, name="create"),
    path("<int:pk>/", views.subject_detail, name="detail"),
    path("<int:pk>/edit/", views.subject_edit, name="edit"),
    path("<int:pk>/removal/", views.removal_request, name="removal_request"),
    path("removals/", views.removal_list, name="removals"),
    path("removals/<int:pk>/decide/", views.removal_decide, name="removal_decide"),
    path("tags/", views.tag_list, name="tags"),
    path("filters/save/", views.filter_save, name="filter_save"),
    path("import/", views.import_upload, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("import/cancel/", views.import_cancel, name="import_cancel"),
    path("import/errors/", views.import_errors, name="import_errors"),
    path("import/template/", views.import_template, name="import_template"),
    path("import/progress/", views.import_progress, name="import_progress"),
]
