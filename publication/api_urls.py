from rest_framework.routers import SimpleRouter

from publication.api import CorrectionViewSet, ObjectionViewSet, PublicationViewSet

router = SimpleRouter()
router.register("publications", PublicationViewSet, basename="publication")
router.register("corrections", CorrectionViewSet, basename="correction")
router.register("objections", ObjectionViewSet, basename="objection")
urlpatterns = router.urls
