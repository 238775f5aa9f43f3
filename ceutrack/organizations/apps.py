from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "ceutrack.organizations"
    label = "organizations"

    def ready(self) -> None:
        from ceutrack.organizations import signals  # noqa: F401 - connects the receivers
