from django.urls import path

from ceutrack.activities import dashboard, views

app_name = "activities"

urlpatterns = [
    path("", views.activity_list, name="list"),
    path("add/", views.activity_add, name="add"),
    path("<int:pk>/edit/", views.activity_edit, name="edit"),
    path("<int:pk>/delete/", views.activity_delete, name="delete"),
    path("<int:pk>/certificate/", views.certificate, name="certificate"),
    path("history/<slug:body>/", dashboard.history, name="history"),
]
