"""The maintained baseline rows (decision 0108), filled from the answers already there."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models


def fill(apps: Any, schema_editor: Any) -> None:
    from alongside.measures.baselines import rebuild  # noqa: PLC0415 - a migration's own import

    rebuild(
        (
            apps.get_model("measures", "Response"),
            apps.get_model("measures", "InstrumentVersion"),
            apps.get_model("measures", "MeasureBaseline"),
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0007_local_words"),
        ("measures", "0002_built_in_instruments"),
        ("people", "0011_consent_for_a_referral"),
    ]

    operations = [
        migrations.CreateModel(
            name="MeasureBaseline",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("first_id", models.PositiveBigIntegerField()),
                ("first_at", models.DateTimeField()),
                ("first_measures", models.JSONField(null=True)),
                ("latest_id", models.PositiveBigIntegerField()),
                ("latest_at", models.DateTimeField()),
                ("latest_measures", models.JSONField(null=True)),
                (
                    "instrument",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="measures.instrument",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="access.organisation",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="people.person",
                    ),
                ),
            ],
            options={
                "base_manager_name": "objects",
                "indexes": [
                    models.Index(
                        fields=["organisation", "instrument", "latest_at"],
                        name="measures_baseline_latest",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("person", "instrument"), name="measures_baseline_person_instrument"
                    )
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
