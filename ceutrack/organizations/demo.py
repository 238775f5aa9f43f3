"""Demo employer for `manage.py seed_demo`: "Riverside Health Coding", owned by the demo
manager, with about 30 consented staff spread across every status.

Each recipe places credentials and activities relative to `today` so the engine lands on the
intended status whatever day the demo is seeded (a test checks every recipe against the
engine). Running it again resets the demo staff to their recipes.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import cycle

from django.db import transaction
from django.utils import timezone

from ceutrack.accounts.models import User
from ceutrack.activities.models import Activity, Kind
from ceutrack.credentials.models import Credential, CredentialType, OfficialCycle
from ceutrack.organizations import history, summaries
from ceutrack.organizations.models import Membership, Organization, Role, Team

DEMO_SLUG = "riverside-health-coding"
DEMO_NAME = "Riverside Health Coding"
STAFF_DOMAIN = "riverside.example"


@dataclass(frozen=True)
class Recipe:
    """Credentials as (code, days before today); official cycles as (body, days before
    today it started, days after today it ends); activities as (days before today, units,
    body), AAPC ones each with its own index number.

    Official cycle dates (copied from the body's portal in real life) pin each cycle, so the
    status does not depend on where today falls in a computed 12- or 24-month first cycle.
    """

    credentials: tuple[tuple[str, int], ...]
    cycles: tuple[tuple[str, int, int], ...] = ()
    activities: tuple[tuple[int, str, str], ...] = ()


_COMPLETE_AAPC = tuple((d, "6", "AAPC") for d in (250, 200, 160, 120, 80, 40, 10))

RECIPES: dict[str, Recipe] = {
    "complete": Recipe(
        credentials=(("CPC", 1200),), cycles=(("AAPC", 300, 430),), activities=_COMPLETE_AAPC
    ),
    "on_track": Recipe(
        credentials=(("CPC", 1200),),
        cycles=(("AAPC", 200, 530),),
        activities=tuple((d, "3", "AAPC") for d in (180, 140, 90, 50, 20)),
    ),
    # 20 % of the cycle gone (too early to be "behind") and well under the expected pace.
    "at_risk": Recipe(
        credentials=(("CPC", 1200),),
        cycles=(("AAPC", 150, 580),),
        activities=((100, "1", "AAPC"),),
    ),
    "behind": Recipe(
        credentials=(("CPC", 1200),),
        cycles=(("AAPC", 400, 330),),
        activities=((300, "2", "AAPC"), (100, "1.5", "AAPC")),
    ),
    # The previous cycle ended 70 days ago short of its units: it stays current, lapsed.
    "lapsed": Recipe(
        credentials=(("CPC", 1200),),
        cycles=(("AAPC", 800, -70),),
        activities=((500, "4", "AAPC"),),
    ),
    "none": Recipe(credentials=()),
    "ahima_on_track": Recipe(
        credentials=(("CCS", 1200),),
        cycles=(("AHIMA", 200, 530),),
        activities=tuple((d, "2", "AHIMA") for d in (170, 120, 60, 30)),
    ),
    "mixed_behind": Recipe(
        credentials=(("CPC", 1200), ("CCS", 1200)),
        cycles=(("AAPC", 300, 430), ("AHIMA", 400, 330)),
        activities=(*_COMPLETE_AAPC, (350, "2", "AHIMA")),
    ),
}

# Which status each recipe gives the person overall (the worst of their bodies).
EXPECTED_STATUS = {
    "complete": "complete",
    "on_track": "on_track",
    "at_risk": "at_risk",
    "behind": "behind",
    "lapsed": "lapsed",
    "none": "none",
    "ahima_on_track": "on_track",
    "mixed_behind": "behind",
}

STAFF_NAMES = [
    "Avery Brooks", "Jordan Reyes", "Taylor Nguyen", "Riley Patel", "Quinn Foster",
    "Harper Lee", "Rowan Diaz", "Emerson Clark", "Skyler Wong", "Parker Hughes",
    "Dakota Kim", "Reese Morgan", "Finley Scott", "Sawyer Price", "Hayden Cruz",
    "Jamie Ortiz", "Cameron Bell", "Logan Rivera", "Peyton Shaw", "Morgan Hale",
    "Casey Lin", "Drew Carter", "Kendall Ross", "Blake Young", "Alexis Ward",
    "Jesse Kent", "Robin Park", "Sage Turner",
]  # fmt: skip

# 28 demo staff: more people in the common states, at least two in every one.
RECIPE_MIX = [
    "on_track", "complete", "at_risk", "behind", "lapsed", "none", "ahima_on_track",
    "mixed_behind", "on_track", "complete", "at_risk", "on_track", "behind", "complete",
    "on_track", "ahima_on_track", "at_risk", "lapsed", "on_track", "complete",
    "behind", "on_track", "none", "complete", "at_risk", "on_track", "complete", "on_track",
]  # fmt: skip


def apply_recipe(user: User, recipe_name: str, *, today: date) -> None:
    """Replace the person's credentials and activities with the recipe's."""
    apply_recipes([(user, recipe_name, today)])


def apply_recipes(assignments: Sequence[tuple[User, str, date]]) -> None:
    """Replace each person's credentials and activities with their recipe's as of their
    `today`: everyone's old records deleted, and the new ones created, in a few queries
    rather than a dozen per person."""
    users = [user for user, _, _ in assignments]
    Activity.objects.filter(user__in=users).delete()
    Credential.objects.filter(user__in=users).delete()
    OfficialCycle.objects.filter(user__in=users).delete()
    history.forget_people([user.pk for user in users])  # a reseed is a fresh start, not a change
    codes = {code for _, name, _ in assignments for code, _ in RECIPES[name].credentials}
    types = {t.code: t for t in CredentialType.objects.filter(code__in=codes)}
    cycles: list[OfficialCycle] = []
    credentials: list[Credential] = []
    activities: list[Activity] = []
    for user, name, today in assignments:
        recipe = RECIPES[name]
        cycles.extend(
            OfficialCycle(
                user=user,
                body=body,
                start=today - timedelta(days=ago),
                end=today + timedelta(days=ahead),
            )
            for body, ago, ahead in recipe.cycles
        )
        credentials.extend(
            Credential(
                user=user, credential_type=types[code], earned_on=today - timedelta(days=ago)
            )
            for code, ago in recipe.credentials
        )
        activities.extend(
            Activity(
                user=user,
                title=f"{'AAPC webinar' if body == 'AAPC' else 'AHIMA virtual meeting'} #{n + 1}",
                provider=body,
                completed_on=today - timedelta(days=ago),
                units=Decimal(units),
                kind=Kind.WEBINAR,
                aapc=body == "AAPC",
                aapc_index=f"DEMO-{user.pk}-{n}" if body == "AAPC" else "",
                ahima=body == "AHIMA",
                ahima_sourced=body == "AHIMA",
            )
            for n, (ago, units, body) in enumerate(recipe.activities)
        )
    OfficialCycle.objects.bulk_create(cycles)
    Credential.objects.bulk_create(credentials)
    Activity.objects.bulk_create(activities)


def _staff_user(name: str) -> User:
    email = f"{name.lower().replace(' ', '.')}@{STAFF_DOMAIN}"
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": name, "time_zone": "America/New_York"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def seed_organization(
    manager: User, *coders: User, today: date | None = None, size: int = len(STAFF_NAMES)
) -> Organization:
    """The demo organization owned by `manager`, with the first `size` demo staff (all 28 by
    default; the first 8 are one in each state) and `coders` (existing demo coders, kept as
    they are) as consented staff. Idempotent."""
    organization, _ = Organization.objects.get_or_create(
        slug=DEMO_SLUG, defaults={"name": DEMO_NAME, "created_by": manager}
    )
    now = timezone.now()
    Membership.objects.update_or_create(
        user=manager,
        organization=organization,
        defaults={"role": Role.OWNER, "left_at": None, "removed": False},
    )
    teams = [
        Team.objects.get_or_create(organization=organization, name=name)[0]
        for name in ("Inpatient coding", "Outpatient coding", "Audit & compliance")
    ]
    demo_staff = [_staff_user(name) for name in STAFF_NAMES[:size]]
    apply_recipes(
        [
            (user, recipe, today or user.local_today())
            for user, recipe in zip(demo_staff, RECIPE_MIX[:size], strict=True)
        ]
    )
    staff = [*coders, *demo_staff]
    team_of = cycle(teams)
    for user in staff:
        Membership.objects.update_or_create(
            user=user,
            organization=organization,
            defaults={
                "role": Role.MEMBER,
                "team": next(team_of),
                "consent_given_at": now,
                "consent_withdrawn_at": None,
                "left_at": None,
                "removed": False,
            },
        )
    # bulk_create skips the signals that keep summaries fresh: refresh them here.
    summaries.refresh_summaries(u.pk for u in staff)
    return organization
