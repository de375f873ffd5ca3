"""The role map's token (approvals/role_map.py) and, on PostgreSQL, the triggers that change
it in the same transaction as any change of what the map holds: role grants (guardian's
object permissions and the permissions they name), delegations, units, a user's active flag.
"""

from django.db import migrations, models

TABLES = ("guardian_userobjectpermission", "auth_permission", "approvals_delegation",
          "approvals_unit")

FUNCTION = """
CREATE OR REPLACE FUNCTION approvals_role_map_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO approvals_rolemapversion (id, token)
    VALUES (1, replace(gen_random_uuid()::text, '-', ''))
    ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
    RETURN NULL;
END $$;
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # no triggers: approvals/role_map.py reads the map each time there
    execute = schema_editor.execute
    execute(FUNCTION)
    for table in TABLES:
        execute(f"CREATE TRIGGER {table}_role_map AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION approvals_role_map_changed()")
    execute("CREATE TRIGGER auth_user_role_map AFTER UPDATE OF is_active ON auth_user "
            "FOR EACH ROW WHEN (OLD.is_active IS DISTINCT FROM NEW.is_active) "
            "EXECUTE FUNCTION approvals_role_map_changed()")
    execute("INSERT INTO approvals_rolemapversion (id, token) "
            "VALUES (1, replace(gen_random_uuid()::text, '-', ''))")


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in (*TABLES, "auth_user"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_role_map ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS approvals_role_map_changed()")


class Migration(migrations.Migration):

    dependencies = [
        ('approvals', '0027_exemplar_verbose_names'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('guardian', '0002_generic_permissions_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='RoleMapVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token', models.CharField(max_length=32)),
            ],
        ),
        migrations.RunPython(install, remove),
    ]
