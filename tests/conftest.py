import pytest


@pytest.fixture(autouse=True)
def _isolated_settings(settings, tmp_path):
    """Every test: private uploads in a temp dir, mail in memory, Celery tasks run inline."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = settings.PRIVATE_MEDIA_ROOT
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.utils.functional import empty

    from ceutrack.activities.models import private_storage
    from ceutrack.celery import app

    # The lazy storage fixed its location on first use: rebuild it in this test's temp dir.
    private_storage._wrapped = empty
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
