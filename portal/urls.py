"""The public portal's pages (E2). The task page stays at /public/tasks/<code>/ under the
un-namespaced name "public-task" (config/urls.py), the address printed as a QR code."""

from django.urls import URLPattern, URLResolver, path

from portal import views

app_name = "portal"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("results/", views.results, name="results"),
    path("results/<int:pk>/", views.result, name="result"),
    path("subjects/<str:code>/", views.subject, name="subject"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/<str:code>/files/<str:name>", views.task_file, name="task_file"),
    path("items/", views.item_lists, name="item_lists"),
    path("items/<int:pk>/", views.item_list, name="item_list"),
    path("plans/", views.plans, name="plans"),
    path("plans/<int:pk>/", views.plan, name="plan"),
    path("objections/new/", views.objection_new, name="objection_new"),
    path("objections/status/", views.objection_status, name="objection_status"),
]
