from django.db import migrations, models


def backfill(apps, schema_editor):
    """The latest submission of each nomination, read from its history."""
    Nomination = apps.get_model("approvals", "Nomination")
    AuditRecord = apps.get_model("workflow", "AuditRecord")
    latest = {}
    for nomination_id, created_at in (
        AuditRecord.objects.filter(action="submit").order_by("id")
        .values_list("nomination_id", "created_at")
    ):
        latest[nomination_id] = created_at
    for nomination_id, created_at in latest.items():
        Nomination.objects.filter(pk=nomination_id).update(submitted_at=created_at)


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0006_council_and_board_full_names"),
        ("workflow", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="nomination",
            name="submitted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="trình lúc"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
