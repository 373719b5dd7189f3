"""Load version 1 of the built-in instruments (see alongside/measures/builtins.py)."""

from django.db import migrations


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    from alongside.measures.builtins import BUILT_IN
    from alongside.measures.scoring import to_json

    Instrument = apps.get_model("measures", "Instrument")
    InstrumentVersion = apps.get_model("measures", "InstrumentVersion")
    for built_in in BUILT_IN:
        instrument, _ = Instrument.objects.get_or_create(
            organisation=None,
            key=built_in.key,
            defaults={
                "name": built_in.name,
                "notice": built_in.notice,
                "licensed_permission_confirmed": True,
            },
        )
        InstrumentVersion.objects.get_or_create(
            instrument=instrument,
            number=1,
            defaults={"definition_json": to_json(built_in.definition)},
        )


class Migration(migrations.Migration):
    dependencies = [("measures", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
