import calendar
import zoneinfo
from datetime import date

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

TIME_ZONE_CHOICES = sorted((tz, tz.replace("_", " ")) for tz in zoneinfo.available_timezones())


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: object) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

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
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    def local_today(self) -> date:
        """Today's calendar date where the person lives (domain.md section 2)."""
        return timezone.now().astimezone(zoneinfo.ZoneInfo(self.time_zone)).date()
