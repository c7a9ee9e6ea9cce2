from django.urls import path

from tasks import views

app_name = "tasks"

urlpatterns = [
    path("", views.task_list, name="list"),
    path("new/", views.task_create, name="create"),
    path("<int:pk>/", views.task_detail, name="detail"),
    path("<int:pk>/draw/", views.draw_new, name="draw_new"),
    path("<int:pk>/complete/", views.task_complete, name="complete"),
    path("<int:pk>/summary/", views.task_summary, name="summary"),
    path("<int:pk>/targeted/", views.targeted_add, name="targeted_add"),
    path("<int:pk>/joint-registry/", views.joint_registry_page, name="joint_registry"),
    path("draws/<int:pk>/witness/", views.witness, name="witness"),
    path("draws/<int:pk>/lottery/", views.draw_lottery, name="draw_lottery"),
    path("draws/<int:pk>/execute/", views.draw_execute, name="draw_execute"),
    path("draws/<int:pk>/void/", views.draw_void_request, name="draw_void"),
    path("draws/<int:pk>/void/decide/", views.draw_void_decide, name="draw_void_decide"),
    path("draws/<int:pk>/record.json", views.draw_record, name="draw_record"),
    path("draws/<int:pk>/pool.csv", views.draw_pool, name="draw_pool"),
    path("draws/<int:pk>/export.<str:fmt>", views.draw_export, name="draw_export"),
    path("draws/<int:pk>/teams/", views.draw_teams, name="draw_teams"),
    path("draws/<int:pk>/distribute/", views.draw_distribute, name="draw_distribute"),
    path("members/<int:pk>/recuse/", views.member_recuse, name="member_recuse"),
    path(
        "draws/<int:pk>/subjects/<int:subject_pk>/<str:kind>.docx", views.document, name="document"
    ),
]
