from rest_framework.routers import SimpleRouter

from plans.api import AdjustmentViewSet, PlanViewSet

router = SimpleRouter()
router.register("plans", PlanViewSet, basename="plan")
router.register("plan-adjustments", AdjustmentViewSet, basename="plan-adjustment")
urlpatterns = router.urls
