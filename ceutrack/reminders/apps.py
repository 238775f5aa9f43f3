from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "ceutrack.reminders"
    label = "reminders"

    def ready(self) -> None:
        from ceutrack.reminders import signals

        signals.connect()
