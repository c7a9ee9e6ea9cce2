"""This app's endpoints under /api/v1/."""

from rest_framework.routers import SimpleRouter

from inspectors.api import ExpertViewSet, InspectorViewSet

router = SimpleRouter()
router.register("inspectors", InspectorViewSet, basename="inspector")
router.register("experts", ExpertViewSet, basename="expert")

urlpatterns = router.urls
