from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "ceutrack.reminders"
    label = "reminders"
