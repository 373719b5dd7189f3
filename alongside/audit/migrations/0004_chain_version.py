"""Record each audit event's chain version (its hash algorithm; decision 0030). Every event
written before is version 1 (the default here); adding the column rewrites no row, so
PostgreSQL's append-only trigger is not involved."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_search_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="chain_version",
            field=models.PositiveSmallIntegerField(default=1),
        ),
    ]
