from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from ceutrack.accounts.models import TIME_ZONE_CHOICES, User


class UserAddForm(AdminUserCreationForm):
    """Django's stock add form asks for a username; ours is the email address."""

    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES, initial="America/New_York")

    class Meta:
        model = User
        fields = ("email", "full_name", "time_zone")


class UserEditForm(UserChangeForm):
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES)

    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserAddForm
    ordering = ["email"]
    list_display = ["email", "full_name", "time_zone", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name", "time_zone", "aapc_membership_month")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "description": "The person confirms this address when they first sign in.",
                "fields": (
                    "email",
                    "full_name",
                    "time_zone",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
