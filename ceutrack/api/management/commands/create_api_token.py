"""`python manage.py create_api_token EMAIL [--scope read|write] [--days N] [--name NAME]`:
a new personal access token, printed alone on the last line (for scripts)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ceutrack.accounts.models import User, normalize_email
from ceutrack.api.models import Scope
from ceutrack.api.tokens import TOKEN_MAX_DAYS, create_token


class Command(BaseCommand):
    help = "Create a personal access token for a user and print it on the last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--scope", choices=["read", "write"], default="read")
        parser.add_argument("--days", type=int, default=90)
        parser.add_argument("--name", default="Created with manage.py")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if not 1 <= days <= TOKEN_MAX_DAYS:
            raise CommandError(f"--days must be from 1 to {TOKEN_MAX_DAYS}.")
        user = User.objects.filter(email=normalize_email(options["email"])).first()
        if user is None:
            raise CommandError(f"No user has the email address {options['email']}.")
        if not user.is_active:
            raise CommandError(f"{user.email} is deactivated.")
        token, secret = create_token(
            user=user, name=options["name"], scope=Scope(options["scope"]), days=days
        )
        self.stderr.write(
            f"{token.get_scope_display()} token for {user.email}, expires "
            f"{token.expires_at:%Y-%m-%d}. It is shown only now:"
        )
        self.stdout.write(secret)
