"""The history table refuses UPDATE and DELETE at the database (PostgreSQL)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION workflow_auditrecord_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'workflow_auditrecord is append-only: %% refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER workflow_auditrecord_append_only
    BEFORE UPDATE OR DELETE ON workflow_auditrecord
    FOR EACH ROW EXECUTE FUNCTION workflow_auditrecord_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS workflow_auditrecord_append_only ON workflow_auditrecord;
DROP FUNCTION IF EXISTS workflow_auditrecord_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


def create_chain_head(apps, schema_editor):
    apps.get_model("workflow", "AuditChainHead").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("workflow", "0001_initial")]

    operations = [
        migrations.RunPython(create_trigger, drop_trigger),
        migrations.RunPython(create_chain_head, migrations.RunPython.noop),
    ]
