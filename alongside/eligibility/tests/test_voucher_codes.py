"""A voucher code matches however it is typed, so one paper voucher is recorded and redeemed once
(issue 11, part 4): "ci 11946", "CI11946" and "ci-11946" are all CI-11946."""

import importlib
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alongside.eligibility import services
from alongside.eligibility.models import ReasonCode, Voucher, voucher_key
from alongside.eligibility.queries import find_voucher
from alongside.testing.clock import SUMMER_MIDDAY

pytestmark = pytest.mark.time_machine(SUMMER_MIDDAY)


def _record(world, partner, code, **overrides):
    fields = dict(
        by=world.members["amir"],
        code=code,
        adults=1,
        children=0,
        reason_codes=[ReasonCode.LOW_INCOME],
        issued_on=timezone.localdate() - timedelta(days=2),
        issued_by_name="Dr Okafor",
    )
    fields.update(overrides)
    return services.record_voucher(partner, **fields)


@pytest.mark.parametrize("typed", ["ci 11946", "CI11946", "ci-11946", " Ci - 119 46 ", "CI/11946"])
def test_a_code_is_found_however_it_is_typed(world, partner, typed):
    voucher = _record(world, partner, "CI-11946")
    assert find_voucher(world.members["amir"], typed) == voucher


def test_recording_ri_11948_beside_ri_dash_11948_is_refused(world, partner):
    _record(world, partner, "RI-11948")
    with pytest.raises(ValidationError) as error:
        _record(world, partner, "ri 11948")
    assert error.value.message_dict["code"] == ["A voucher with code RI11948 is already recorded."]
    assert Voucher.objects.for_system("test").count() == 1


def test_the_database_refuses_two_codes_that_match(world, partner, make_voucher):
    make_voucher(code="RI-11948")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_voucher(code="RI11948")


def test_a_code_with_no_letters_or_digits_finds_nothing(world, partner):
    _record(world, partner, "CI-11946")
    assert find_voucher(world.members["amir"], " - / ") is None


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1900, 6, 1)])
def test_a_voucher_issued_long_ago_is_refused(world, partner, day):
    with pytest.raises(ValidationError) as error:
        _record(world, partner, "CI-11946", issued_on=day)
    assert error.value.message_dict["issued_on"] == ["Enter a date from 1 January 2000 onwards."]


segments = st.lists(
    st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=1, max_size=5),
    min_size=1,
    max_size=4,
)


@st.composite
def typings(draw, parts):
    """The same code as someone might type it: any case, any separators between its parts."""
    separators = draw(st.lists(st.sampled_from(["", " ", "-", "/", " - "]), min_size=len(parts)))
    text = "".join(part + sep for part, sep in zip(parts, separators, strict=False))
    return "".join(c.lower() if draw(st.booleans()) else c for c in text)


@settings(
    max_examples=40,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data(), parts=segments)
def test_any_typing_of_a_recorded_code_finds_it_and_cannot_record_it_again(
    world, partner, data, parts
):
    code = "-".join(parts)
    if not services.CODE_PATTERN.fullmatch(code) or len(code) > 32:
        return
    with transaction.atomic():
        voucher = _record(world, partner, code)
        typed = data.draw(typings(parts))
        assert find_voucher(world.members["amir"], typed) == voucher
        assert voucher_key(typed) == voucher.code_key
        if services.CODE_PATTERN.fullmatch("".join(typed.split()).upper()):
            with pytest.raises(ValidationError):
                _record(world, partner, typed)
        assert Voucher.objects.for_system("test").count() == 1
        transaction.set_rollback(True)


def test_the_migration_keys_existing_codes_and_keeps_duplicates_findable(
    world, partner, make_voucher
):
    first = make_voucher(code="RI-11948")
    second = make_voucher(code="CI-1")
    # Before the migration: no keys yet, and one paper voucher recorded twice.
    for voucher in (first, second):
        Voucher.objects.for_system("test").filter(pk=voucher.pk).update(code_key=f"old{voucher.pk}")
    Voucher.objects.for_system("test").filter(pk=second.pk).update(code="ri11948")
    migration = importlib.import_module("alongside.eligibility.migrations.0002_voucher_code_key")

    state = MigrationLoader(connection).project_state(("eligibility", "0002_voucher_code_key"))
    migration.fill_keys(state.apps, None)

    keys = dict(Voucher.objects.for_system("test").values_list("pk", "code_key"))
    assert keys == {first.pk: "RI11948", second.pk: f"RI11948~{second.pk}"}
    assert find_voucher(world.members["amir"], "ri 11948") == first
