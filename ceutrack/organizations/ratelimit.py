"""A ceiling on invitation emails: per organization and per inviter, per clock hour.

Invitations send mail to addresses someone typed in, so a compromised or careless account could
turn ceutrack into a spam relay. Counters live in the cache (Redis, or the database cache table
without it; shared by every web process, like allauth's sign-in limits). Each counter is
incremented first and given back when over the limit, so two requests racing cannot both slip
past it.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

WINDOW = timedelta(hours=1)


def _window_start(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0)


def _keys(*, organization_id: int, inviter_id: int, start: datetime) -> list[str]:
    stamp = start.strftime("%Y%m%d%H")
    return [f"invites:org:{organization_id}:{stamp}", f"invites:user:{inviter_id}:{stamp}"]


def reserve_invitations(
    *, organization_id: int, inviter_id: int, count: int, now: datetime | None = None
) -> str | None:
    """Reserve `count` invitation emails in this hour's budget; None when granted, else the
    message to show (nothing is reserved then)."""
    now = now or timezone.now()
    limit = settings.INVITATIONS_PER_HOUR
    start = _window_start(now)
    timeout = int(WINDOW.total_seconds()) + 60
    taken: list[str] = []
    used = 0
    for key in _keys(organization_id=organization_id, inviter_id=inviter_id, start=start):
        cache.add(key, 0, timeout=timeout)
        total = cache.incr(key, count)
        taken.append(key)
        used = max(used, total - count)
        if total > limit:
            for done in taken:
                cache.decr(done, count)
            break
    else:
        return None
    left = max(limit - used, 0)
    retry = timezone.localtime(start + WINDOW).strftime("%H:%M")
    return (
        f"You can send at most {limit} invitations an hour. "
        + (f"{left} more can go out this hour; " if left else "")
        + f"try again after {retry}."
    )
