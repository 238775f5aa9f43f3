from django.urls import path

from ceutrack.accounts import views

urlpatterns = [
    path("profile/", views.profile, name="profile"),
]
