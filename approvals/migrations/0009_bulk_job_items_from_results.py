# Earlier bulk jobs keep their outcomes and inputs; in a migration of its own, so that the
# rows it writes are committed before 0010 alters the table (PostgreSQL refuses ALTER TABLE
# with pending deferred-constraint triggers).

from django.db import migrations


def carry_over(apps, schema_editor):
    """Earlier jobs keep their outcomes: each `results` entry becomes an item row, and the
    comment and the action's fields become the job's `inputs`."""
    BulkJob = apps.get_model("approvals", "BulkJob")
    BulkJobItem = apps.get_model("approvals", "BulkJobItem")
    for job in BulkJob.objects.all().iterator():
        job.inputs = {**(job.params or {}), "comment": job.comment or ""}
        job.save(update_fields=["inputs"])
        BulkJobItem.objects.bulk_create(
            [
                BulkJobItem(
                    job=job, nomination_id=r["id"], ok=r["ok"], state=r.get("state", ""),
                    code=r.get("code", ""), status=r.get("status"), message=r.get("message", ""),
                    reasons=r.get("reasons", []), fields=r.get("fields", {}),
                )
                for r in job.results or []
            ],
            ignore_conflicts=True,
        )


def carry_back(apps, schema_editor):
    BulkJob = apps.get_model("approvals", "BulkJob")
    for job in BulkJob.objects.all().iterator():
        inputs = dict(job.inputs or {})
        job.comment = inputs.pop("comment", "") or ""
        job.params = inputs
        job.results = [
            {"id": i.nomination_id, "ok": True, "state": i.state} if i.ok else
            {"id": i.nomination_id, "ok": False, "code": i.code, "status": i.status,
             "message": i.message, "reasons": i.reasons, "fields": i.fields}
            for i in job.items.order_by("id")
        ]
        job.save(update_fields=["comment", "params", "results"])


class Migration(migrations.Migration):

    dependencies = [
        ('approvals', '0008_background_jobs'),
    ]

    operations = [
        migrations.RunPython(carry_over, carry_back),
    ]
