"""Celery tasks: thin wrappers around tested functions (a redelivered task finds its pack
already claimed and does nothing)."""

from celery import shared_task

from ceutrack.activities import auditpack, certificates


@shared_task
def build_audit_pack(pack_id: int) -> bool:
    return auditpack.build_pack(pack_id=pack_id)


@shared_task
def read_pending_certificate(pending_id: int) -> bool:
    return certificates.read_pending(pending_id=pending_id)


@shared_task
def read_stored_certificate(name: str, content_type: str) -> bool:
    return certificates.read_stored(name=name, content_type=content_type)
