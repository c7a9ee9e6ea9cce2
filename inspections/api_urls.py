from rest_framework.routers import SimpleRouter

from inspections.api import FollowUpViewSet, InspectionRecordViewSet

router = SimpleRouter()
router.register("inspection-records", InspectionRecordViewSet, basename="inspection-record")
router.register("follow-ups", FollowUpViewSet, basename="follow-up")
urlpatterns = router.urls
