"""The shared cache table (django.core.cache.backends.db.DatabaseCache) when there is no Redis:
login lockouts, used TOTP codes and invitation caps must be seen by every web process, so
`migrate` (make run, compose's migrate service) creates it, by name, whichever cache is
configured now: a deployment that drops Redis later finds it there."""

from django.core.management import call_command
from django.db import migrations

CACHE_TABLE = "ceutrack_cache"  # settings.CACHES' LOCATION for the database cache


def create_cache_table(apps, schema_editor):
    call_command(
        "createcachetable", CACHE_TABLE, database=schema_editor.connection.alias, verbosity=0
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
