from django.urls import path

from ceutrack.accounts import views

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    # Same path and name as allauth's; included before allauth.urls so this one answers.
    path("confirm-email/<str:key>/", views.confirm_email, name="account_confirm_email"),
]
