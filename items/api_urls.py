"""This app's endpoints under /api/v1/."""

from rest_framework.routers import SimpleRouter

from items.api import EnforcementAreaViewSet, InspectionItemViewSet, ItemListViewSet

router = SimpleRouter()
router.register("enforcement-areas", EnforcementAreaViewSet, basename="enforcement-area")
router.register("item-lists", ItemListViewSet, basename="item-list")
router.register("items", InspectionItemViewSet, basename="inspection-item")

urlpatterns = router.urls
