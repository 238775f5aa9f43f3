from celery import shared_task

from ceutrack.organizations import summaries


@shared_task
def refresh_stale_summaries() -> int:
    return summaries.refresh_stale()


@shared_task
def refresh_organization_summaries(organization_id: int) -> int:
    return summaries.refresh_organization(organization_id)
