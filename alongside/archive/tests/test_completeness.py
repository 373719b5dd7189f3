"""Every model of every installed app is carried by the archive or named, with a reason, as not
carried (decision 0085): a new model holding the organisation's records fails here until it is
one or the other."""

from django.apps import apps

from alongside.archive.tables import (
    BY_HAND,
    IMPORT_KIND_TABLES,
    MANY_TO_MANY,
    NOT_CARRIED,
    TABLE_OF_MODEL,
)
from alongside.imports.kinds import KINDS


def _carried() -> set[str]:
    carried = {model._meta.label_lower for model in TABLE_OF_MODEL}
    for pair in MANY_TO_MANY:
        carried.add(getattr(pair.owner, pair.attribute).through._meta.label_lower)
    return carried | set(BY_HAND)


def test_every_model_is_carried_or_left_out_with_a_reason() -> None:
    models = {model._meta.label_lower for model in apps.get_models(include_auto_created=True)}
    carried = _carried()
    neither = sorted(models - carried - set(NOT_CARRIED))
    assert neither == [], (
        "Carry these in the archive (a Table or ManyToMany in archive/tables.py) or name them "
        "in NOT_CARRIED with the reason: " + ", ".join(neither)
    )
    assert carried & set(NOT_CARRIED) == set(), "a model is both carried and not carried"
    assert set(NOT_CARRIED) <= models, "NOT_CARRIED names a model that no longer exists"
    assert all(len(reason.split()) >= 3 for reason in NOT_CARRIED.values())


def test_a_model_added_later_is_caught() -> None:
    """The check above would fail for a model in neither list (here: one taken out of both)."""
    models = {model._meta.label_lower for model in apps.get_models(include_auto_created=True)}
    not_carried = dict(NOT_CARRIED)
    not_carried.pop("people.equalitymonitoring")
    assert "people.equalitymonitoring" in models - _carried() - set(not_carried)


def test_every_import_kind_names_the_table_its_records_are_in() -> None:
    assert set(KINDS) <= set(IMPORT_KIND_TABLES), (
        "Add the import kind to archive/tables.py IMPORT_KIND_TABLES"
    )
