"""Spread a sweep over the Celery workers: its batches become one Celery group, each batch a
task that logs its progress ("batch 3/40"). `manage.py` commands and tests run the very same
batch function inline, one batch after another."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from celery import Task, group

logger = logging.getLogger(__name__)


def fan_out(
    task: Task,
    batches: Sequence[Sequence[int]],
    *,
    name: str,
    **kwargs: Any,
) -> int:
    """Dispatch one `task(batch, index=i, total=n, **kwargs)` per batch as a Celery group;
    returns the number of batches. The tasks run on whichever workers are free."""
    total = len(batches)
    if total:
        group(
            task.s(list(batch), index=i, total=total, **kwargs)
            for i, batch in enumerate(batches, 1)
        ).apply_async()
    logger.info(
        "%s: %d batch(es) of %d people dispatched over the workers",
        name,
        total,
        sum(len(b) for b in batches),
    )
    return total


def run_inline(
    function: Callable[..., Any],
    batches: Sequence[Sequence[int]],
    **kwargs: Any,
) -> list[Any]:
    """The same batches, one after another in this process (manage.py, tests)."""
    total = len(batches)
    return [function(list(b), index=i, total=total, **kwargs) for i, b in enumerate(batches, 1)]
