# The concerns list read a page at a time by status and time (decision 0128).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("safeguarding", "0002_matching_hold"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="concern",
            name="safeguardin_organis_346276_idx",
        ),
        migrations.AddIndex(
            model_name="concern",
            index=models.Index(
                fields=["organisation", "status", "raised_at", "id"],
                name="concern_org_status_raised",
            ),
        ),
    ]
