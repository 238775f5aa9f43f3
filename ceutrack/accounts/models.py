import calendar
import zoneinfo
from datetime import date

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

# Canonical "Region/City" zones only: tzdata also ships legacy aliases (US/Eastern, EST5EDT,
# localtime, Factory) that would only clutter the list people pick from.
_REGIONS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)
ALL_TIME_ZONES = sorted(
    tz for tz in zoneinfo.available_timezones() if tz == "UTC" or tz.split("/")[0] in _REGIONS
)
COMMON_TIME_ZONES = [
    ("America/New_York", "Eastern (New York)"),
    ("America/Chicago", "Central (Chicago)"),
    ("America/Denver", "Mountain (Denver)"),
    ("America/Phoenix", "Mountain, no daylight saving (Phoenix)"),
    ("America/Los_Angeles", "Pacific (Los Angeles)"),
    ("America/Anchorage", "Alaska (Anchorage)"),
    ("Pacific/Honolulu", "Hawaii (Honolulu)"),
    ("America/Puerto_Rico", "Atlantic (Puerto Rico)"),
    ("UTC", "UTC"),
]
TIME_ZONE_CHOICES = [
    ("Common in the United States", COMMON_TIME_ZONES),
    ("All time zones", [(tz, tz.replace("_", " ")) for tz in ALL_TIME_ZONES]),
]


def normalize_email(email: str) -> str:
    """One spelling per mailbox: `Casey@Example.COM ` and `casey@example.com` are one login."""
    return email.strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: object) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> "User":
        # Emails are stored lowercase; Django's own login forms (admin) pass what was typed.
        return self.get(email=normalize_email(username or ""))

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person using ceutrack: a coder, a manager, or both. Email is the login."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    # No model choices: the zone list changes with tzdata; forms offer TIME_ZONE_CHOICES.
    time_zone = models.CharField(max_length=64, default="UTC")
    aapc_membership_month = models.PositiveSmallIntegerField(
        "AAPC membership renewal month",
        null=True,
        blank=True,
        choices=[(m, calendar.month_name[m]) for m in range(1, 13)],
        help_text="Defaults to the month of your first AAPC certification.",
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["email"]

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email(self.email)

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The person's time zone; UTC if tzdata no longer knows the stored name (forms only
        offer known zones, but an upgrade can drop one and that must not break every page)."""
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    def local_today(self) -> date:
        """Today's calendar date where the person lives (docs/rules.md §2)."""
        return timezone.now().astimezone(self.zone).date()


class FormSubmission(models.Model):
    """One create form's token, stored with what that submission made (ceutrack.accounts.
    submissions): a resubmitted POST (a network retry, back and resubmit) finds it and goes
    to the existing object instead of storing a second one."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    token = models.UUIDField()
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="one_submission_per_token")
        ]

    def __str__(self) -> str:
        return f"{self.token} -> {self.url}"
