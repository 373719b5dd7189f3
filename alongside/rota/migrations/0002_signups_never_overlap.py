"""On PostgreSQL, the database itself refuses two shifts that overlap for one member.

The sign-up services lock the member's membership row before they check (the same lock an
appointment booking takes, decision 0004), so a shift and an appointment cannot overlap either;
this exclusion constraint is the second line for shifts against shifts (decision 0076).
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE rota_signup ADD CONSTRAINT signup_member_not_double_booked
    EXCLUDE USING gist (membership_id WITH =, tstzrange(starts_at, ends_at) WITH &&)
    WHERE (status IN ('asked', 'confirmed'));
"""
DROP = "ALTER TABLE rota_signup DROP CONSTRAINT IF EXISTS signup_member_not_double_booked;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("rota", "0001_rota")]
    operations = [migrations.RunPython(forwards, backwards)]
