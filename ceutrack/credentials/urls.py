from django.urls import path

from ceutrack.credentials import views

app_name = "credentials"

urlpatterns = [
    path("", views.credential_list, name="list"),
    path("add/", views.credential_add, name="add"),
    path("<int:pk>/edit/", views.credential_edit, name="edit"),
    path("<int:pk>/remove/", views.credential_delete, name="delete"),
    path("membership-month/", views.membership_month, name="membership_month"),
    path("apprentice/", views.apprentice_evidence, name="apprentice"),
    path("cycles/add/", views.cycle_add, name="cycle_add"),
    path("cycles/<int:pk>/edit/", views.cycle_edit, name="cycle_edit"),
    path("cycles/<int:pk>/remove/", views.cycle_delete, name="cycle_delete"),
]
