from django.urls import path

from core import import_views
from items import views

app_name = "items"

urlpatterns = [
    *import_views.urlpatterns_for(views.IMPORT_PAGE),
    path("", views.item_list, name="list"),
    path("new/", views.item_create, name="create"),
    path("<int:pk>/", views.item_detail, name="detail"),
    path("<int:pk>/edit/", views.item_edit, name="edit"),
    path("<int:pk>/archive/", views.item_archive, name="archive"),
    path("versions/new/", views.version_create, name="version_create"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("versions/<int:pk>/publish/", views.version_publish, name="publish"),
]
