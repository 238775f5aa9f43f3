from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ceutrack.accounts.demo import (
    CODER_EMAIL,
    DEMO_PASSWORD,
    MANAGER_EMAIL,
    ensure_demo_account,
)
from ceutrack.activities.demo import seed_coder_records
from ceutrack.organizations.demo import seed_organization


class Command(BaseCommand):
    help = "Create the demo accounts (and each app's demo data). Safe to run again; DEBUG only."

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates accounts with a published password, so it only runs with "
                "DEBUG=1 (development). Refusing to touch this database."
            )
        with transaction.atomic():
            coder = ensure_demo_account(
                email=CODER_EMAIL, full_name="Casey Coder", time_zone="America/Chicago"
            )
            manager = ensure_demo_account(
                email=MANAGER_EMAIL, full_name="Morgan Manager", time_zone="America/New_York"
            )
            # One idempotent call per app for its demo data; add yours below.
            seed_coder_records(coder)
            seed_organization(manager, coder)

        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in with:"))
        for user, role in ((coder, "coder"), (manager, "manager")):
            self.stdout.write(
                f"  {user.email:<22} password: {DEMO_PASSWORD}   ({role}, {user.full_name})"
            )
