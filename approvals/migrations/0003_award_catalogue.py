from django.db import migrations


def load(apps, schema_editor):
    from approvals.catalogue import AWARDS, required_documents

    Award = apps.get_model("approvals", "Award")
    for code, name_vi, name_en, subject, decided_by, decider, vote in AWARDS:
        Award.objects.update_or_create(
            code=code,
            defaults=dict(
                name_vi=name_vi, name_en=name_en, subject=subject, decided_by=decided_by,
                decider_note=decider, requires_council_vote=vote,
                required_documents=required_documents(code, vote),
            ),
        )


class Migration(migrations.Migration):
    dependencies = [("approvals", "0002_documents_jobs")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
