"""This app's endpoints under /api/v1/."""

from django.urls import path

from workdays import api

urlpatterns = [
    path("workdays/years/<int:year>/", api.WorkdayYearView.as_view(), name="workdays-year"),
    path("workdays/deadline/", api.DeadlineView.as_view(), name="workdays-deadline"),
    path("workdays/between/", api.BetweenView.as_view(), name="workdays-between"),
]
