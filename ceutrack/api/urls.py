"""/api/: the OpenAPI schema, its interactive docs, and version 1 of the REST API."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from ceutrack.api import docs, links, organizations, records, views

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs.swagger_ui, name="docs"),
    # --- the signed-in person
    path("v1/me/", views.me, name="me"),
    path("v1/me/evaluation/", views.evaluation, name="evaluation"),
    path("v1/me/scenario/", views.scenario, name="scenario"),
    path("v1/me/history/<slug:body>/", views.cycle_history, name="cycle_history"),
    path(
        "v1/me/reminder-preferences/",
        views.reminder_preferences,
        name="reminder_preferences",
    ),
    path("v1/credential-types/", views.credential_types, name="credential_types"),
    # --- records
    path("v1/credentials/", records.credential_list, name="credential_list"),
    path("v1/credentials/<int:pk>/", records.credential_detail, name="credential_detail"),
    path("v1/official-cycles/", records.cycle_list, name="cycle_list"),
    path("v1/official-cycles/<int:pk>/", records.cycle_detail, name="cycle_detail"),
    path("v1/activities/", records.activity_list, name="activity_list"),
    path("v1/activities/<int:pk>/", records.activity_detail, name="activity_detail"),
    path(
        "v1/activities/<int:pk>/certificate/",
        records.activity_certificate,
        name="activity_certificate",
    ),
    path("v1/activities/<int:pk>/history/", records.activity_history, name="activity_history"),
    # --- verification links
    path("v1/verification-links/", links.link_list, name="verification_link_list"),
    path(
        "v1/verification-links/<int:pk>/",
        links.link_detail,
        name="verification_link_detail",
    ),
    # --- organizations (ceutrack.organizations.access decides)
    path("v1/organizations/", organizations.organization_list, name="organization_list"),
    path(
        "v1/organizations/<slug:slug>/compliance/",
        organizations.compliance,
        name="organization_compliance",
    ),
    path(
        "v1/organizations/<slug:slug>/staff/<int:membership_id>/evaluation/",
        organizations.member_evaluation,
        name="member_evaluation",
    ),
    path(
        "v1/organizations/<slug:slug>/invitations/",
        organizations.invitation_list,
        name="invitation_list",
    ),
    path(
        "v1/organizations/<slug:slug>/invitations/<int:invitation_id>/",
        organizations.invitation_detail,
        name="invitation_detail",
    ),
]
