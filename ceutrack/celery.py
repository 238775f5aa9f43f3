"""The Celery app. Broker and schedule come from settings (CELERY_* names).

Without REDIS_URL the broker is kombu's filesystem transport under var/celery/: web, worker
and beat exchange messages as files, so a first run needs no server.
"""

import os
from pathlib import Path
from typing import Any

from celery import Celery
from celery.signals import beat_init, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ceutrack.settings")

app = Celery("ceutrack")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def ensure_broker_folders() -> None:
    """The filesystem transport needs its folders before the first `.delay()`."""
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if key in options:
            Path(options[key]).mkdir(parents=True, exist_ok=True)


@worker_init.connect
@beat_init.connect
def _prepare_broker(**kwargs: Any) -> None:
    # A worker or beat started by hand (not through `make run`) must not die on a fresh var/.
    ensure_broker_folders()
