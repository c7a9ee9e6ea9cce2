"""This app's endpoints under /api/v1/."""

from rest_framework.routers import SimpleRouter

from subjects.api import (
    IndustryViewSet,
    LicenceTypeViewSet,
    RemovalRequestViewSet,
    SubjectTypeViewSet,
    SubjectViewSet,
)

router = SimpleRouter()
router.register("subject-types", SubjectTypeViewSet, basename="subject-type")
router.register("industries", IndustryViewSet, basename="industry")
router.register("licence-types", LicenceTypeViewSet, basename="licence-type")
router.register("subjects", SubjectViewSet, basename="subject")
router.register("removal-requests", RemovalRequestViewSet, basename="removal-request")

urlpatterns = router.urls
