from django.urls import path

from ceutrack.api import pages

app_name = "verification"

urlpatterns = [
    path("verification/", pages.link_list, name="list"),
    path("verification/<int:pk>/revoke/", pages.link_revoke, name="revoke"),
    # The public page: the token in the URL is the only credential.
    path("v/<str:token>/", pages.public, name="public"),
]
