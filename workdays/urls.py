from django.urls import path

from workdays import views

app_name = "workdays"

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("<int:year>/", views.calendar, name="year"),
    path("deadline/", views.deadline, name="deadline"),
    path("import/", views.import_notice, name="import"),
    path("<int:year>/days/add/", views.day_add, name="day_add"),
    path("<int:year>/official/", views.year_official, name="year_official"),
    path("days/<int:pk>/archive/", views.day_archive, name="day_archive"),
]
