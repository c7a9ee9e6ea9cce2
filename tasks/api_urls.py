from rest_framework.routers import SimpleRouter

from tasks.api import DrawViewSet, TaskViewSet, TeamMemberViewSet

router = SimpleRouter()
router.register("tasks", TaskViewSet, basename="task")
router.register("draws", DrawViewSet, basename="draw")
router.register("team-members", TeamMemberViewSet, basename="team-member")
urlpatterns = router.urls
