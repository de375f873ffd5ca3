"""Fill the stage visits from the history of the nominations that exist already, and start
with one alert rule of each kind (managers change them on /alerts/rules/).

The backfill runs the current replay code (monitoring.visits), written for the schema of
0001: squash this migration once every installation has run it."""

from django.db import migrations

from monitoring.visits import visits_rebuild

DEFAULT_RULES = [
    ("overdue", 0),
    ("queue", 20),
    ("drafts_before_deadline", 5),
    ("silent_unit", 10),
    ("idle_holder", 5),
    ("return_share", 30),
]


def forwards(apps, schema_editor):
    AlertRule = apps.get_model("monitoring", "AlertRule")
    for kind, threshold in DEFAULT_RULES:
        if not AlertRule.objects.filter(kind=kind).exists():
            AlertRule.objects.create(kind=kind, threshold=threshold)
    visits_rebuild()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_stage_visits_alerts")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
