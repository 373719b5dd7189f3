"""Issue 16, section 3 for referrals (decision 0079): referrals out and in are for a word of the
organisation's own needs list, on the pages, the partner form and the API (whose version 1 still
takes the old codes); the report counts by those words with small numbers withheld; and the
migration moves old rows onto words seeded in each organisation's list."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from alongside.directory.models import Taxonomy, TaxonomyTerm
from alongside.directory.services import STARTING_NEEDS, add_term
from alongside.referrals import services
from alongside.referrals.models import ReferralIn, ReferralOut
from alongside.referrals.queries import referrals_summary

pytestmark = pytest.mark.time_machine("2026-06-15 12:00:00+00:00", tick=False)


def _partner(world):
    return services.add_partner(world.org, by=world.members["colin"], name="Surgery", email="")


def _page(response):
    return response.content.decode()


@pytest.mark.django_db
def test_the_referral_form_offers_the_organisations_own_words_and_saves_one(world):
    word = add_term(world.members["colin"], "Lonely since the move")
    other = add_term(world.members["olly"], "Only in Hillside")
    client = world.client("alice")
    url = reverse("referrals:refer", args=[world.person.pk])
    page = _page(client.get(url))
    assert "Lonely since the move" in page and "Only in Hillside" not in page
    assert f'value="{word.code}"' in page
    data = {"service_name": "Knit club", "need": word.code, "share_contact": "on"}
    page = _page(client.post(url, data))
    assert "what it is for (Lonely since the move)" in page
    shown = services.what_is_shared(
        world.person, service_name="Knit club", need=word, share_contact=True, share_note=False
    )
    response = client.post(url, {**data, "send": "yes", "consent_given": "on", "shown": shown})
    assert response.status_code == 200, _page(response)[:2000]
    assert ReferralOut.objects.get().need == word
    # Another organisation's word is not one of ours.
    response = client.post(url, {**data, "need": other.code})
    assert response.status_code == 400
    assert "Choose “What is the referral for?” from the list" in _page(response)
    with pytest.raises(Exception, match="Choose what the referral is for"):
        services.refer(
            world.person,
            by=world.members["alice"],
            service=None,
            service_name="Knit club",
            service_email="",
            need=other,
            share_contact=True,
            share_note=False,
            note="",
            consent_given=True,
        )


@pytest.mark.django_db
def test_a_new_list_starts_with_the_starting_words_and_an_imported_term_is_not_a_need(world):
    imported = Taxonomy.objects.create(organisation=world.org, name="Council taxonomy")
    TaxonomyTerm.objects.create(organisation=world.org, taxonomy=imported, name="Debt", code="debt")
    words = services.needs_of(world.org)
    assert [(w.code, w.name) for w in sorted(words, key=lambda w: w.code)] == sorted(STARTING_NEEDS)
    assert services.need_for(world.org, "debt") is None
    assert services.need_for(world.org, "MONEY").code == "money"  # any case
    assert services.need_for(world.org, str(words[0].oruk_id)) == words[0]
    # A word added later gets a code of its own, unique in the list.
    first = add_term(world.members["colin"], "Food")
    assert first.code == "food_2"


@pytest.mark.django_db
def test_the_partner_form_asks_for_the_key_then_offers_that_organisations_words(world, client):
    word = add_term(world.members["colin"], "Bereavement")
    add_term(world.members["olly"], "Only in Hillside")
    _row, key = _partner(world)
    url = reverse("referrals:partner_form")
    page = _page(client.get(url))
    assert 'name="key"' in page and 'name="given_name"' not in page  # the key first
    response = client.post(url, {"key": key})
    page = _page(response)
    assert response.status_code == 200 and 'name="given_name"' in page
    assert "Bereavement" in page and "Only in Hillside" not in page
    assert world.org.name in page
    data = {"key": key, "given_name": "Robin", "phone": "0700", "agreed": "on"}
    response = client.post(url, {**data, "need": "only_in_hillside"})
    assert response.status_code == 400 and ReferralIn.objects.count() == 0
    response = client.post(url, {**data, "need": word.code})
    assert response.status_code == 200 and "we have your referral" in _page(response)
    assert ReferralIn.objects.get().need == word


@pytest.mark.django_db
def test_the_api_lists_the_words_takes_a_code_or_an_id_and_still_takes_the_old_codes(world, client):
    word = add_term(world.members["colin"], "Bereavement")
    _row, key = _partner(world)
    headers = {"X-Partner-Key": key}
    listed = client.get("/api/v1/referrals/needs", headers=headers).json()
    codes = {row["code"]: row for row in listed}
    assert codes["bereavement"] == {
        "id": str(word.oruk_id),
        "code": "bereavement",
        "name": "Bereavement",
    }
    assert "money" in codes  # the starting words: version 1's old codes still work
    assert client.get("/api/v1/referrals/needs").status_code == 404
    body = {"given_name": "Robin", "phone": "0700", "agreed": True}
    for need in ("bereavement", str(word.oruk_id), "money"):
        response = client.post(
            "/api/v1/referrals/in",
            {**body, "need": need},
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 201, response.content
    assert [r.need.code for r in ReferralIn.objects.order_by("pk")] == [
        "bereavement",
        "bereavement",
        "money",
    ]
    response = client.post(
        "/api/v1/referrals/in",
        {**body, "need": "not-ours"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "need"
    assert ReferralIn.objects.count() == 3


@pytest.mark.django_db
def test_the_served_schema_documents_the_need_and_the_needs_list(world):
    schema = world.client("alice").get("/api/v1/openapi.json").json()
    assert "/api/v1/referrals/needs" in schema["paths"]
    need = schema["components"]["schemas"]["ReferralInIn"]["properties"]["need"]
    assert need["type"] == "string" and "needs list" in need["description"]
    assert "403" in schema["paths"]["/api/v1/referrals/in"]["post"]["responses"]


@pytest.mark.django_db
def test_the_report_counts_by_the_organisations_words_with_small_numbers_withheld(world):
    from alongside.referrals.tests.test_referrals_out import _refer

    word = add_term(world.members["colin"], "Lonely since the move")
    for _n in range(6):
        _refer(world, need=word)
    _refer(world, need="housing")
    summary = referrals_summary(world.org.pk, date(2026, 6, 1), date(2026, 6, 30))
    rows = {row.label: row.cells for row in summary.out_rows}
    assert list(rows) == ["Housing", "Lonely since the move"]
    assert rows["Lonely since the move"][0] == "6"
    assert rows["Housing"][0] == "fewer than 5"


@pytest.mark.usefixtures("committed_db")
def test_the_migration_moves_old_codes_onto_words_of_each_organisations_list(world):
    executor = MigrationExecutor(connection)
    before = [("referrals", "0001_referrals")]
    after = [("referrals", "0003_drop_need_codes")]
    # The organisation already has a needs list with its own word for "money".
    own = Taxonomy.objects.create(organisation=world.org, name="Ours", local=True)
    TaxonomyTerm.objects.create(
        organisation=world.org, taxonomy=own, name="Money worries", code="MONEY"
    )
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    partner = old.get_model("referrals", "Partner").objects.create(
        organisation_id=world.org.pk, name="Old partner"
    )
    for code in ("money", "connection", "connection"):
        old.get_model("referrals", "ReferralIn").objects.create(
            organisation_id=world.org.pk, partner=partner, given_name="Robin", need=code
        )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    needs = [r.need for r in ReferralIn.objects.select_related("need").order_by("pk")]
    assert [n.name for n in needs] == [
        "Money worries",  # the list's own word for the code, kept
        "Company, groups and activities",  # added under its old plain name
        "Company, groups and activities",
    ]
    assert needs[1] == needs[2] and needs[1].code == "connection"
    assert all(n.taxonomy.local and n.organisation_id == world.org.pk for n in needs)


@pytest.mark.django_db
def test_the_needs_page_says_referrals_use_these_words_and_shows_their_codes(world):
    add_term(world.members["colin"], "Bereavement")
    page = _page(world.client("colin").get(reverse("directory:needs")))
    assert "Referrals out and in are for one of our own words" in page
    assert "Bereavement" in page and "(code bereavement)" in page
