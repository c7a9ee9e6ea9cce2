"""/api/v1/: one router for every app's endpoints."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.api import UserViewSet, me
from audit.api import AuditEventViewSet
from organisations.api import DepartmentViewSet, RegionViewSet, UnitViewSet

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("departments", DepartmentViewSet, basename="department")
router.register("units", UnitViewSet, basename="unit")
router.register("users", UserViewSet, basename="user")
router.register("audit-events", AuditEventViewSet, basename="audit-event")

urlpatterns = [
    path("me/", me, name="api-me"),
    path("", include(router.urls)),
    path("", include("items.api_urls")),
    path("", include("subjects.api_urls")),
    path("", include("inspectors.api_urls")),
    path("", include("workdays.api_urls")),
    path("", include("plans.api_urls")),
    path("", include("inspections.api_urls")),
    path("", include("tasks.api_urls")),
    path("", include("publication.api_urls")),
    path("", include("oversight.api_urls")),
]
