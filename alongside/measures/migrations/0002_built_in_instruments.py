"""Load version 1 of the built-in instruments (see alongside/measures/builtins.py)."""

from django.db import migrations


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    from alongside.measures.builtins import load_built_in

    load_built_in(
        apps.get_model("measures", "Instrument"), apps.get_model("measures", "InstrumentVersion")
    )


class Migration(migrations.Migration):
    dependencies = [("measures", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
