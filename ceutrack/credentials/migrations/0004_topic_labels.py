"""Topic display names (ENT, OB/GYN, E/M) in the catalog, filled from the engine's data."""

from django.db import migrations, models


def fill_topic_labels(apps, schema_editor):
    from ceutrack.rules.catalog import DEFAULT_CATALOG

    CredentialType = apps.get_model("credentials", "CredentialType")
    for credential in DEFAULT_CATALOG.credentials:
        if credential.topic_label:
            CredentialType.objects.filter(code=credential.code, topic_label="").update(
                topic_label=credential.topic_label
            )


class Migration(migrations.Migration):
    dependencies = [
        ("credentials", "0003_seed_catalog"),
    ]

    operations = [
        migrations.AddField(
            model_name="credentialtype",
            name="topic_label",
            field=models.CharField(
                blank=True,
                help_text="How the topic is written on pages (ENT, OB/GYN).",
                max_length=64,
            ),
        ),
        migrations.RunPython(fill_topic_labels, migrations.RunPython.noop),
    ]
