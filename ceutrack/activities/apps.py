from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "ceutrack.activities"
    label = "activities"
