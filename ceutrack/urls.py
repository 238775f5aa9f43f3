from django.contrib import admin
from django.urls import include, path

from ceutrack import timeline, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("changes/", timeline.timeline, name="timeline"),
    path("credentials/", include("ceutrack.credentials.urls")),
    path("activities/", include("ceutrack.activities.urls")),
    path("organizations/", include("ceutrack.organizations.urls")),
    path("reminders/", include("ceutrack.reminders.urls")),
    path("api/", include("ceutrack.api.urls")),
    path("accounts/tokens/", include("ceutrack.api.token_urls")),
    path("", include("ceutrack.api.page_urls")),
    path("accounts/", include("ceutrack.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
