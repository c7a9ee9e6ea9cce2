from django.urls import path

from core import import_views
from subjects import views

app_name = "subjects"

urlpatterns = [
    *import_views.urlpatterns_for(views.IMPORT_PAGE),
    path("", views.subject_list, name="list"),
    path("new/", views.subject_create, name="create"),
    path("<int:pk>/", views.subject_detail, name="detail"),
    path("<int:pk>/edit/", views.subject_edit, name="edit"),
    path("<int:pk>/removal/", views.removal_request, name="removal_request"),
    path("removals/", views.removal_list, name="removals"),
    path("removals/<int:pk>/decide/", views.removal_decide, name="removal_decide"),
    path("tags/", views.tag_list, name="tags"),
    path("tags/bulk/", views.bulk_tag, name="bulk_tag"),
    path("tags/<int:pk>/edit/", views.tag_edit, name="tag_edit"),
    path("tags/<int:pk>/archive/", views.tag_archive, name="tag_archive"),
    path("tags/<int:pk>/restore/", views.tag_restore, name="tag_restore"),
    path("filters/save/", views.filter_save, name="filter_save"),
]
