"""Create forms that store one row however often they are posted.

Each create form carries a hidden token (`{% submission_token %}` from `submission_tags`).
The view runs its create inside `once(request)`: the token is claimed in the same transaction
as the new row, so a second POST with the same token (a network retry, back and resubmit, a
double click) finds the first one's object through `previous(request)` and redirects to it,
and two POSTs racing each other store one row (the unique constraint refuses the second).
A POST without a token (an old page, a script) behaves as before.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.utils import timezone

from ceutrack.accounts.models import FormSubmission

TOKEN_FIELD = "submission_token"
# A resubmission comes seconds or days later (a retry, the back button); older tokens go.
KEEP = timedelta(days=30)


class AlreadySubmitted(Exception):
    """A twin POST with the same token committed first."""


def token_of(request: HttpRequest) -> uuid.UUID | None:
    """The posted token, or None when the form had none (or it is not a UUID)."""
    value = request.POST.get(TOKEN_FIELD, "")
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def token_for_form(request: HttpRequest) -> str:
    """The token to put in a rendered form: the posted one when the form comes back with
    errors (nothing was stored), else a new one."""
    posted = token_of(request) if request.method == "POST" else None
    return str(posted or uuid.uuid4())


def previous(request: HttpRequest) -> str | None:
    """Where the object an earlier POST of this very form created is (its URL), if any."""
    token = token_of(request)
    if token is None or not request.user.is_authenticated:
        return None
    return (
        FormSubmission.objects.filter(user=request.user, token=token)
        .values_list("url", flat=True)
        .first()
    )


@dataclass
class Submission:
    row: FormSubmission | None

    def created(self, url: str) -> None:
        """Record where the new object lives, for a later replay to go there."""
        if self.row is not None:
            self.row.url = url
            self.row.save(update_fields=["url"])


@contextmanager
def once(request: HttpRequest) -> Iterator[Submission]:
    """Run the block (the create) in a transaction that also claims the form's token.
    Raises AlreadySubmitted, with nothing stored, when a twin POST claimed it first."""
    token = token_of(request)
    with transaction.atomic():
        row = None
        if token is not None and request.user.is_authenticated:
            try:
                with transaction.atomic():
                    row = FormSubmission.objects.create(user=request.user, token=token)
            except IntegrityError as exc:
                raise AlreadySubmitted from exc
            FormSubmission.objects.filter(
                user=request.user, created_at__lt=timezone.now() - KEEP
            ).delete()
        yield Submission(row)


def replay(request: HttpRequest, url: str | None, *, what: str) -> HttpResponseRedirect:
    """Answer a resubmitted form: say so, and go to what the first submission saved."""
    messages.info(request, f"This form was already sent: {what} was saved once, not twice.")
    return HttpResponseRedirect(url or "/")
