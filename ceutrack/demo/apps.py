from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "ceutrack.demo"
    label = "demo"
