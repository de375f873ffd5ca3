from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """Accent-insensitive search (approvals.search); does nothing on SQLite."""

    dependencies = [("approvals", "0004_export_job")]

    operations = [UnaccentExtension()]
