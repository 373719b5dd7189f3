"""On PostgreSQL, the database itself refuses two appointments that overlap for one worker or person.

The booking service already locks both diaries before it checks (on SQLite writes are serialised
by `transaction_mode=IMMEDIATE`); these exclusion constraints are the second line, so that no
code path, present or future, can double-book. Cancelled and missed appointments free the time.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE scheduling_appointment ADD CONSTRAINT appointment_worker_not_double_booked
    EXCLUDE USING gist (worker_id WITH =, tstzrange(starts_at, ends_at) WITH &&)
    WHERE (status IN ('booked', 'attended'));
ALTER TABLE scheduling_appointment ADD CONSTRAINT appointment_second_worker_not_double_booked
    EXCLUDE USING gist (with_worker_id WITH =, tstzrange(starts_at, ends_at) WITH &&)
    WHERE (status IN ('booked', 'attended') AND with_worker_id IS NOT NULL);
ALTER TABLE scheduling_appointment ADD CONSTRAINT appointment_person_not_double_booked
    EXCLUDE USING gist (person_id WITH =, tstzrange(starts_at, ends_at) WITH &&)
    WHERE (status IN ('booked', 'attended'));
"""
DROP = """
ALTER TABLE scheduling_appointment DROP CONSTRAINT IF EXISTS appointment_person_not_double_booked;
ALTER TABLE scheduling_appointment DROP CONSTRAINT IF EXISTS appointment_second_worker_not_double_booked;
ALTER TABLE scheduling_appointment DROP CONSTRAINT IF EXISTS appointment_worker_not_double_booked;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
