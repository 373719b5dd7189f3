"""The old need codes are gone (migration 0002 moved every referral to a word of its
organisation's needs list); the need is now required. Separate from 0002 so that PostgreSQL
alters the tables after the rows were updated, in a transaction of its own."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("referrals", "0002_need_in_local_words")]

    operations = [
        migrations.RemoveField("referralout", "old_need"),
        migrations.RemoveField("referralin", "old_need"),
        migrations.AlterField(
            model_name="referralout",
            name="need",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="directory.taxonomyterm",
                verbose_name="what it is for",
            ),
        ),
        migrations.AlterField(
            model_name="referralin",
            name="need",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="directory.taxonomyterm",
                verbose_name="what it is for",
            ),
        ),
    ]
