"""Referrals name a word of the organisation's own needs list instead of a fixed code (issue 16,
section 3; decision 0079). Each old code becomes a word of the organisation's list, with the code
kept as the word's code: a list that already has a word with that code (any case) is used as it
is; otherwise the word is added under its old plain name. Every organisation with referrals or
referral partners gets all eight, so a partner's script that sends an old code keeps working
(the API stays compatible). The next migration removes the old column."""

import uuid

import django.db.models.deletion
from django.db import migrations, models

# The fixed codes referrals carried until now, with the words they were shown as.
OLD_NEEDS = {
    "money": "Money, debt or benefits",
    "housing": "Housing",
    "food": "Food",
    "mental_health": "Mental health and wellbeing",
    "connection": "Company, groups and activities",
    "health": "Physical health",
    "forms": "Help with forms and letters",
    "other": "Something else",
}


def to_local_words(apps, schema_editor):
    Organisation = apps.get_model("access", "Organisation")
    Taxonomy = apps.get_model("directory", "Taxonomy")
    TaxonomyTerm = apps.get_model("directory", "TaxonomyTerm")
    models_ = [
        apps.get_model("referrals", "ReferralOut"),
        apps.get_model("referrals", "ReferralIn"),
    ]
    Partner = apps.get_model("referrals", "Partner")
    used: dict[int, set[str]] = {}
    for organisation_id in Partner.objects.values_list("organisation_id", flat=True):
        used.setdefault(organisation_id, set()).update(OLD_NEEDS)
    for model in models_:
        for organisation_id, code in model.objects.values_list("organisation_id", "old_need"):
            used.setdefault(organisation_id, set()).update({code, *OLD_NEEDS})
    for organisation_id, codes in sorted(used.items()):
        organisation = Organisation.objects.get(pk=organisation_id)
        taxonomy = Taxonomy.objects.filter(organisation_id=organisation_id, local=True).first()
        if taxonomy is None:
            taxonomy = Taxonomy.objects.create(
                organisation_id=organisation_id,
                oruk_id=uuid.uuid4(),
                name=f"{organisation.name}: needs",
                description="The words this organisation finds services by.",
                local=True,
            )
        for code in sorted(codes):
            term = (
                TaxonomyTerm.objects.filter(taxonomy=taxonomy, code__iexact=code)
                .order_by("pk")
                .first()
            )
            if term is None:
                term = TaxonomyTerm.objects.create(
                    organisation_id=organisation_id,
                    oruk_id=uuid.uuid4(),
                    taxonomy=taxonomy,
                    taxonomy_name=taxonomy.name,
                    name=OLD_NEEDS.get(code, code),
                    code=code,
                )
            for model in models_:
                model.objects.filter(organisation_id=organisation_id, old_need=code).update(
                    need=term
                )


def to_codes(apps, schema_editor):
    for name in ("ReferralOut", "ReferralIn"):
        model = apps.get_model("referrals", name)
        for row in model.objects.select_related("need"):
            code = row.need.code if row.need.code in OLD_NEEDS else "other"
            model.objects.filter(pk=row.pk).update(old_need=code)


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0006_organisation_role_names"),
        ("directory", "0001_directory"),
        ("referrals", "0001_referrals"),
    ]

    operations = [
        migrations.RenameField("referralout", "need", "old_need"),
        migrations.RenameField("referralin", "need", "old_need"),
        migrations.AddField(
            model_name="referralout",
            name="need",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="directory.taxonomyterm",
                verbose_name="what it is for",
            ),
        ),
        migrations.AddField(
            model_name="referralin",
            name="need",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="directory.taxonomyterm",
                verbose_name="what it is for",
            ),
        ),
        migrations.RunPython(to_local_words, to_codes),
    ]
