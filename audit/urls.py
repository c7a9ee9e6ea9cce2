from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("events/", views.event_list, name="events"),
    path("events/export.<str:fmt>", views.event_export, name="export"),
    path("verify/", views.chain_verify, name="verify"),
]
