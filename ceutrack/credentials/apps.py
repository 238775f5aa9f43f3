from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "ceutrack.credentials"
    label = "credentials"
