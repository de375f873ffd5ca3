"""The history table refuses TRUNCATE as well as UPDATE and DELETE (PostgreSQL).

A row trigger does not fire on TRUNCATE, so 0002's trigger let the whole table be
emptied in one statement; this statement trigger calls the same refusing function.
"""

from django.db import migrations

CREATE = """
CREATE TRIGGER workflow_auditrecord_no_truncate
    BEFORE TRUNCATE ON workflow_auditrecord
    FOR EACH STATEMENT EXECUTE FUNCTION workflow_auditrecord_append_only();
"""

DROP = "DROP TRIGGER IF EXISTS workflow_auditrecord_no_truncate ON workflow_auditrecord;"


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("workflow", "0005_audit_on_behalf_of")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
