from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ceutrack.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Load the Celery app in every Django process so @shared_task binds to it.
        # (Not in ceutrack/__init__.py: the rules engine must import without Celery or Django.)
        import ceutrack.celery  # noqa: F401
