from django.urls import path

from items import views

app_name = "items"

urlpatterns = [
    path("", views.item_list, name="list"),
    path("new/", views.item_create, name="create"),
    path("<int:pk>/", views.item_detail, name="detail"),
    path("<int:pk>/edit/", views.item_edit, name="edit"),
    path("<int:pk>/archive/", views.item_archive, name="archive"),
    path("versions/new/", views.version_create, name="version_create"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("versions/<int:pk>/publish/", views.version_publish, name="publish"),
    path("import/", views.import_upload, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("import/cancel/", views.import_cancel, name="import_cancel"),
    path("import/errors/", views.import_errors, name="import_errors"),
    path("import/template/", views.import_template, name="import_template"),
    path("import/progress/", views.import_progress, name="import_progress"),
]
