from django.urls import path

from ceutrack.organizations import views

app_name = "organizations"

urlpatterns = [
    path("", views.organization_list, name="list"),
    path("new/", views.organization_create, name="create"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("mine/<int:membership_id>/withdraw/", views.membership_withdraw, name="withdraw"),
    path("mine/<int:membership_id>/consent/", views.membership_consent, name="consent"),
    path("mine/<int:membership_id>/leave/", views.membership_leave, name="leave"),
    path("<slug:slug>/", views.dashboard, name="dashboard"),
    path("<slug:slug>/export.csv", views.dashboard_export, name="export"),
    path("<slug:slug>/staff/<int:membership_id>/", views.member_detail, name="member_detail"),
    path(
        "<slug:slug>/staff/<int:membership_id>/activities/<int:activity_id>/certificate/",
        views.member_certificate,
        name="member_certificate",
    ),
    path("<slug:slug>/staff/<int:membership_id>/nudge/", views.member_nudge, name="member_nudge"),
    path(
        "<slug:slug>/staff/<int:membership_id>/changes/",
        views.member_changes,
        name="member_changes",
    ),
    path("<slug:slug>/people/", views.people, name="people"),
    path("<slug:slug>/people/<int:membership_id>/team/", views.member_team, name="member_team"),
    path(
        "<slug:slug>/people/<int:membership_id>/remove/", views.member_remove, name="member_remove"
    ),
    path("<slug:slug>/invitations/", views.invitations, name="invitations"),
    path(
        "<slug:slug>/invitations/<int:invitation_id>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "<slug:slug>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
]
