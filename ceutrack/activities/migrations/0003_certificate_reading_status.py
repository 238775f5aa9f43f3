from django.db import migrations, models


def status_from_has_text(apps, schema_editor):
    """Uploads waiting at the confirm step were read in the request before: keep their result."""
    pending = apps.get_model("activities", "PendingCertificate")
    pending.objects.filter(has_text=True).update(status="read")
    pending.objects.filter(has_text=False).update(status="unreadable")


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0002_records"),
    ]

    operations = [
        migrations.CreateModel(
            name="CertificateReading",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200, unique=True)),
                ("readable", models.BooleanField()),
                ("method", models.CharField(blank=True, max_length=8)),
                ("problem", models.CharField(blank=True, max_length=200)),
                ("proposal", models.JSONField(blank=True, default=dict)),
                ("read_at", models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.AddField(
            model_name="pendingcertificate",
            name="status",
            field=models.CharField(
                choices=[
                    ("reading", "Being read"),
                    ("read", "Read"),
                    ("unreadable", "Could not be read"),
                ],
                default="reading",
                max_length=10,
            ),
        ),
        migrations.RunPython(status_from_has_text, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="pendingcertificate",
            name="has_text",
        ),
    ]
