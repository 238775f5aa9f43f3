from django.urls import path

from ceutrack.reminders import views

app_name = "reminders"

urlpatterns = [
    path("", views.preferences, name="preferences"),
    path("log/", views.log, name="log"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
