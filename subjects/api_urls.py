"""This app's endpoints under /api/v1/."""

from rest_framework.routers import SimpleRouter

from subjects.api import (
    IndustryViewSet,
    LicenceTypeViewSet,
    RemovalRequestViewSet,
    SubjectTagViewSet,
    SubjectTypeViewSet,
    SubjectViewSet,
)

router = SimpleRouter()
router.register("subject-types", SubjectTypeViewSet, basename="subject-type")
router.register("industries", IndustryViewSet, basename="industry")
router.register("licence-types", LicenceTypeViewSet, basename="licence-type")
# Before "subjects", whose detail route would otherwise take "tags" for an id.
router.register("subjects/tags", SubjectTagViewSet, basename="subject-tag")
router.register("subjects", SubjectViewSet, basename="subject")
router.register("removal-requests", RemovalRequestViewSet, basename="removal-request")

urlpatterns = router.urls
