from celery import shared_task

from ceutrack.organizations import summaries


@shared_task
def refresh_stale_summaries() -> int:
    return summaries.refresh_stale()
