"""Match voucher codes however they are typed: a `code_key` (letters and digits, upper case),
unique per organisation in place of the exact code (docs/decisions/0015 and issue 11).

Existing vouchers get their key. Where two existing vouchers of one organisation already share a
key (one paper voucher recorded twice, e.g. RI-11948 and RI11948), the first recorded keeps it and
each later one is keyed `<key>~<id>`: still listed and shown, but a typed code finds the first.
"""

from django.db import migrations, models


def key(code):
    return "".join(c for c in code if c.isalnum()).upper()


def fill_keys(apps, schema_editor):
    Voucher = apps.get_model("eligibility", "Voucher")
    seen = set()
    for voucher in Voucher._base_manager.order_by("organisation_id", "recorded_at", "id"):
        value = key(voucher.code)
        if (voucher.organisation_id, value) in seen:
            value = f"{value}~{voucher.pk}"
        seen.add((voucher.organisation_id, value))
        Voucher._base_manager.filter(pk=voucher.pk).update(code_key=value)


class Migration(migrations.Migration):
    dependencies = [("eligibility", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="voucher",
            name="code_key",
            field=models.CharField(
                default="",
                editable=False,
                help_text="The code as it is matched (`voucher_key`): letters and digits, upper case.",
                max_length=48,
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="voucher", name="voucher_code_unique_in_organisation"
        ),
        migrations.AddConstraint(
            model_name="voucher",
            constraint=models.UniqueConstraint(
                fields=("organisation", "code_key"),
                name="voucher_code_key_unique_in_organisation",
            ),
        ),
    ]
