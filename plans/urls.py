from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("joint-check/", views.joint_check, name="joint_check"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/export.<str:fmt>", views.plan_export, name="export"),
    path("<int:pk>/entries/new/", views.entry_add, name="entry_add"),
    path("<int:pk>/merge/", views.entry_merge, name="merge"),
    path("<int:pk>/adjustments/new/", views.adjustment_new, name="adjustment_new"),
    path("<int:pk>/<str:action>/", views.plan_action, name="action"),
    path("entries/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/archive/", views.entry_archive, name="entry_archive"),
    path("adjustments/<int:pk>/decide/", views.adjustment_decide, name="adjustment_decide"),
]
