"""Seed CredentialType and BodyRule rows from the engine's default catalog.

The values are read from ceutrack.rules.catalog.DEFAULT_CATALOG when the migration runs, so
the seeded rows equal the engine's data. Only the fields below are copied, so a later change
to the catalog dataclasses cannot break this migration. Running it again updates the rows
by code/body and creates nothing twice.
"""

from django.db import migrations

CREDENTIAL_FIELDS = (
    "name",
    "body",
    "base_units",
    "topic",
    "topic_minimum",
    "apprentice_of",
    "supersedes",
    "self_review",
)
BODY_FIELDS = (
    "name",
    "extra_units",
    "max_units",
    "cycle_kind",
    "cycle_months",
    "prorate_first_cycle",
    "renewal_month_carry",
    "index_dedupe",
    "domain_share",
    "sourced_share",
    "sourced_from",
    "self_review_count",
    "self_review_until",
)
# Text columns store "" where the engine has None.
TEXT_FIELDS = {"topic", "apprentice_of", "supersedes"}


def _defaults(item, fields):
    values = {}
    for field in fields:
        value = getattr(item, field)
        values[field] = "" if value is None and field in TEXT_FIELDS else value
    return values


def seed_catalog(apps, schema_editor):
    from ceutrack.rules.catalog import DEFAULT_CATALOG

    CredentialType = apps.get_model("credentials", "CredentialType")
    BodyRule = apps.get_model("credentials", "BodyRule")
    for rules in DEFAULT_CATALOG.bodies:
        BodyRule.objects.update_or_create(body=rules.body, defaults=_defaults(rules, BODY_FIELDS))
    # Created in catalog order: load_catalog() reads rows by id to keep that order.
    for credential in DEFAULT_CATALOG.credentials:
        CredentialType.objects.update_or_create(
            code=credential.code, defaults=_defaults(credential, CREDENTIAL_FIELDS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("credentials", "0002_body_rule"),
    ]

    operations = [
        # Rows may already be held by people (PROTECT), so going back leaves them in place.
        migrations.RunPython(seed_catalog, migrations.RunPython.noop),
    ]
