from django.urls import path

from organisations import views

app_name = "organisations"

urlpatterns = [
    path("departments/", views.department_list, name="departments"),
    path("departments/<int:pk>/", views.department_detail, name="department"),
]
