"""Demo accounts for `manage.py seed_demo` (and the browser tests that sign in as them)."""

from allauth.account.models import EmailAddress

from ceutrack.accounts.models import User, normalize_email

DEMO_PASSWORD = "ceutrack-demo"  # published in the README: seed_demo refuses to run without DEBUG
CODER_EMAIL = "coder@example.com"
MANAGER_EMAIL = "manager@example.com"


def ensure_demo_account(*, email: str, full_name: str, time_zone: str) -> User:
    """Create the account, or bring an existing one back to its demo state; never duplicates.

    The address is recorded as verified and primary so the demo login skips the confirmation
    email that mandatory verification would otherwise send.
    """
    email = normalize_email(email)
    user, _ = User.objects.get_or_create(email=email)
    user.full_name = full_name
    user.time_zone = time_zone
    user.is_active = True
    user.set_password(DEMO_PASSWORD)
    user.save()
    EmailAddress.objects.filter(user=user).exclude(email__iexact=email).update(primary=False)
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user
