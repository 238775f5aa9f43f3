from celery import shared_task

from ceutrack.organizations import summaries


@shared_task
def refresh_stale_summaries(full: bool = False) -> int:
    return summaries.dispatch(full=full)


@shared_task
def refresh_summaries_batch(user_ids: list[int], index: int, total: int) -> int:
    return summaries.refresh_logged_batch(user_ids, index=index, total=total)


@shared_task
def refresh_organization_summaries(organization_id: int) -> int:
    return summaries.refresh_organization(organization_id)
