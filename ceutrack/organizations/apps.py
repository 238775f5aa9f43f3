from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "ceutrack.organizations"
    label = "organizations"
