from django.db import migrations


def load(apps, schema_editor):
    from approvals.catalogue import load_catalogue

    load_catalogue(apps.get_model("approvals", "Award"))


class Migration(migrations.Migration):
    dependencies = [("approvals", "0002_documents_jobs")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
