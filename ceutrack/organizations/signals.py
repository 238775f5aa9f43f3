"""Keep ComplianceSummary equal to the engine: any change to a person's inputs queues a
refresh; a catalog change makes every row stale. Code that writes these models with
bulk_create/update (no signals) must call summaries.refresh_tracked(user_ids) itself."""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ceutrack.accounts.models import User
from ceutrack.activities.models import Activity
from ceutrack.credentials.models import (
    ApprenticeEvidence,
    BodyRule,
    Credential,
    CredentialType,
    OfficialCycle,
)
from ceutrack.organizations import history, summaries

PERSON_INPUTS = (Credential, Activity, OfficialCycle, ApprenticeEvidence)
# User fields the engine reads (membership month) or that move the person's "today".
USER_INPUT_FIELDS = frozenset({"time_zone", "aapc_membership_month"})


def _input_changed(sender: type, instance: Any, **kwargs: Any) -> None:
    summaries.queue_refresh(instance.user_id)


for model in PERSON_INPUTS:
    post_save.connect(_input_changed, sender=model, dispatch_uid=f"summary-save-{model.__name__}")
    post_delete.connect(
        _input_changed, sender=model, dispatch_uid=f"summary-delete-{model.__name__}"
    )


@receiver(post_save, sender=User, dispatch_uid="summary-user-save")
def _user_changed(
    sender: type, instance: User, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    if created:
        return
    if update_fields is None or USER_INPUT_FIELDS & set(update_fields):
        summaries.queue_refresh(instance.pk)


@receiver(post_save, sender=CredentialType, dispatch_uid="summary-catalog-save")
@receiver(post_save, sender=BodyRule, dispatch_uid="summary-rule-save")
def _catalog_changed(sender: type, **kwargs: Any) -> None:
    summaries.mark_all_stale()


@receiver(post_delete, sender=User, dispatch_uid="history-forget-person")
def _person_removed(sender: type, instance: User, **kwargs: Any) -> None:
    # After the cascade: the person's records (and their deletion records) go with them.
    history.forget_person(instance.pk)
