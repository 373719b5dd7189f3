"""Stored search keys on Person (decision 0038), filled for everyone already recorded; on
PostgreSQL, pg_trgm and a GIN trigram index so substring search on the folded names is indexed."""

from typing import Any

from django.db import migrations, models

from alongside.people.names import looks_like_phone, name_key, normal_postcode, phone_digits

TRIGRAM_INDEX = "person_search_key_trgm"


def fill_keys(apps: Any, schema_editor: Any) -> None:
    Person = apps.get_model("people", "Person")
    rows = Person.objects.using(schema_editor.connection.alias).order_by("pk")
    last = 0
    while True:
        chunk = list(rows.filter(pk__gt=last)[:2000])
        if not chunk:
            return
        for person in chunk:
            phone = person.phone or person.contact_details
            person.search_key = name_key(
                person.given_name, person.family_name, person.preferred_name
            )[:310]
            person.phone_digits = phone_digits(phone)[:30] if looks_like_phone(phone) else ""
            person.postcode_key = normal_postcode(person.postcode)[:10]
        Person.objects.using(schema_editor.connection.alias).bulk_update(
            chunk, ["search_key", "phone_digits", "postcode_key"]
        )
        last = chunk[-1].pk


def add_trigram_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite scans the folded column; decision 0038
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON people_person "
        "USING gin (search_key gin_trgm_ops)"
    )


def drop_trigram_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0005_late_record_days"),
        ("people", "0004_record_basics"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="phone_digits",
            field=models.CharField(blank=True, default="", editable=False, max_length=30),
        ),
        migrations.AddField(
            model_name="person",
            name="postcode_key",
            field=models.CharField(blank=True, default="", editable=False, max_length=10),
        ),
        migrations.AddField(
            model_name="person",
            name="search_key",
            field=models.CharField(blank=True, default="", editable=False, max_length=310),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["organisation", "search_key"], name="person_search_key"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["organisation", "phone_digits"], name="person_phone_digits"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["organisation", "postcode_key"], name="person_postcode_key"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["organisation", "date_of_birth"], name="person_date_of_birth"
            ),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(add_trigram_index, drop_trigram_index),
    ]
