from django.urls import path

from inspections import views

app_name = "inspections"

urlpatterns = [
    path("", views.record_list, name="list"),
    path("mine/", views.my_records, name="mine"),
    path("review/", views.review_queue, name="review"),
    path("tasks/<int:task_pk>/generate/", views.generate, name="generate"),
    path("<int:pk>/", views.record_detail, name="detail"),
    path("<int:pk>/edit/", views.record_edit, name="edit"),
    path("<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("<int:pk>/follow-ups/new/", views.follow_up_new, name="follow_up_new"),
    path("<int:pk>/<str:action>/", views.record_action, name="action"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("evidence/<int:pk>/archive/", views.evidence_archive, name="evidence_archive"),
    path("follow-ups/", views.follow_up_list, name="follow_ups"),
    path("follow-ups/<int:pk>/", views.follow_up_detail, name="follow_up"),
    path("follow-ups/<int:pk>/<str:action>/", views.follow_up_action, name="follow_up_action"),
]
