from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from portal.views import task as public_task

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("org/", include("organisations.urls")),
    path("audit/", include("audit.urls")),
    path("items/", include("items.urls")),
    path("subjects/", include("subjects.urls")),
    path("inspectors/", include("inspectors.urls")),
    path("calendar/", include("workdays.urls")),
    path("plans/", include("plans.urls")),
    path("tasks/", include("tasks.urls")),
    path("inspections/", include("inspections.urls")),
    path("publication/", include("publication.urls")),
    path("oversight/", include("oversight.urls")),
    path("public/", include("portal.urls")),
    path("api/public/", include("portal.api_urls")),
    path("public/tasks/<str:code>/", public_task, name="public-task"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
