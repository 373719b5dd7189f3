"""An index of recorded (not removed) contacts by person and time, answered from the index alone:
search's "seen in the last 4 weeks" filter and last-seen column (decision 0082). Statistics are
refreshed after, so the planner weighs the new index against the old (person, at) one."""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def analyze(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    schema_editor.execute("ANALYZE relationships_contact")


class Migration(migrations.Migration):
    dependencies = [
        ("relationships", "0007_continuity_day"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                condition=models.Q(("removed_at__isnull", True)),
                fields=["person", "at", "removed_at"],
                name="contact_recorded_person_at",
            ),
        ),
        migrations.RunPython(analyze, migrations.RunPython.noop),
    ]
