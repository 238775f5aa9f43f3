from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "ceutrack.api"
    label = "api"
    verbose_name = "API and verification links"
