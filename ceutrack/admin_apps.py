from django.contrib.admin.apps import AdminConfig


class CeutrackAdminConfig(AdminConfig):
    """Django's admin with ceutrack's site: sign-in through allauth (ceutrack/admin_site.py)."""

    default_site = "ceutrack.admin_site.CeutrackAdminSite"
