from django.urls import include, path

from core import import_views
from inspectors import views

app_name = "inspectors"

# The expert library's import (A9), as the nested namespace "inspectors:experts": the shared
# import routes have fixed names ("import", "list"…) that the inspector registry already uses.
expert_patterns = [
    *import_views.urlpatterns_for(views.EXPERT_IMPORT_PAGE),
    path("", views.expert_list, name="list"),
]

urlpatterns = [
    *import_views.urlpatterns_for(views.IMPORT_PAGE),
    path("", views.inspector_list, name="list"),
    path("new/", views.inspector_create, name="create"),
    path("<int:pk>/", views.inspector_detail, name="detail"),
    path("<int:pk>/edit/", views.inspector_edit, name="edit"),
    path("<int:pk>/reveal/", views.inspector_reveal, name="reveal"),
    path("experts/", views.expert_list, name="experts"),
    path("experts/new/", views.expert_create, name="expert_create"),
    path("experts/<int:pk>/edit/", views.expert_edit, name="expert_edit"),
    path("experts/", include((expert_patterns, "experts"))),
]
