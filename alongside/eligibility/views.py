"""The foodbank's pages, for assessors only: every other role, and every other organisation, gets 404."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alongside.access.decorators import rule_required
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.common.forms import add_service_errors
from alongside.common.ids import parse_id
from alongside.common.keyset import BadCursor, keyset_page
from alongside.common.once import submit_once
from alongside.common.responses import bad_cursor, form_status
from alongside.eligibility import services
from alongside.eligibility.forms import (
    FindVoucherForm,
    PartnerForm,
    PersonSearchForm,
    RedeemForm,
    SupportOfferForm,
    UndoRedemptionForm,
    VoucherForm,
)
from alongside.eligibility.models import Voucher
from alongside.eligibility.queries import (
    REPEAT_VISIT_VOUCHERS,
    earlier_redemptions,
    find_voucher,
    foodbank_counts,
    get_referral_partner_for_user,
    get_voucher_for_user,
    recently_redeemed,
    referral_partners_visible_to,
    supported_among,
    waiting_for_a_worker,
    waiting_vouchers,
)
from alongside.people.models import Person
from alongside.people.queries import get_person_for_user, search_people, second_identifier
from alongside.people.services import PossibleMatch

PAGE_SIZE = 50
RECENT_ROWS = 10
SEARCH_ROWS = 10

assessors_only = rule_required("eligibility.use")


def _twelve_months_back(today: date) -> date:
    """The first day of the month eleven months before this one: twelve months with this one."""
    months = today.year * 12 + today.month - 1 - 11
    return date(months // 12, months % 12 + 1, 1)


@assessors_only
def foodbank(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    # Found by POST: a voucher code in the address would stay in the browser's history and in
    # every proxy's log (issue 18, item 3; decision 0025). A code in `?code=` is not read.
    find_form = FindVoucherForm(request.POST if request.method == "POST" else None)
    if find_form.is_bound and find_form.is_valid():
        found = find_voucher(membership, find_form.cleaned_data["code"])
        if found is not None:
            return redirect("eligibility:voucher", voucher_id=found.pk)
        find_form.add_error(
            "code", _("No voucher has this code. Check the code, or record the voucher.")
        )
    today = timezone.localdate()
    try:
        page = keyset_page(
            waiting_vouchers(membership),
            request.GET.get("cursor"),
            size=PAGE_SIZE,
            scope="eligibility.waiting_vouchers",
        )
    except BadCursor as error:
        return bad_cursor(request, error)
    return render(
        request,
        "eligibility/foodbank.html",
        {
            "find_form": find_form,
            "page": page,
            "recent": list(recently_redeemed(membership)[:RECENT_ROWS]),
            "counts": foodbank_counts(membership, _twelve_months_back(today), today),
        },
        status=form_status(request, find_form),
    )


@assessors_only
@submit_once
def record_voucher(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    form = VoucherForm(request.POST if request.method == "POST" else None, membership=membership)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            voucher = services.record_voucher(
                data["partner"],
                by=membership,
                code=data["code"],
                adults=data["adults"],
                children=data["children"],
                reason_codes=data["reason_codes"],
                issued_on=data["issued_on"],
                issued_by_name=data["issued_by_name"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Voucher %(code)s recorded.") % {"code": voucher.code})
            return redirect("eligibility:voucher", voucher_id=voucher.pk)
    return render(
        request, "eligibility/voucher_form.html", {"form": form}, status=form_status(request, form)
    )


def _voucher_page(
    request: AuthedHttpRequest, voucher: Voucher, offer_form: SupportOfferForm | None = None
) -> HttpResponse:
    earlier = earlier_redemptions(voucher) if voucher.is_redeemed else 0
    repeat = earlier >= REPEAT_VISIT_VOUCHERS
    asked = repeat and voucher.person_id is not None and waiting_for_a_worker(voucher.person_id)
    return render(
        request,
        "eligibility/voucher_detail.html",
        {
            "voucher": voucher,
            "repeat_visit": repeat,
            "earlier": earlier,
            "already_asked": asked,
            "offer_form": offer_form or SupportOfferForm(),
        },
    )


@assessors_only
def voucher_detail(request: AuthedHttpRequest, voucher_id: int) -> HttpResponse:
    membership = membership_of(request)
    voucher = services.read_voucher(membership, voucher_id)
    return _voucher_page(request, voucher)


@assessors_only
def redeem_voucher(request: AuthedHttpRequest, voucher_id: int) -> HttpResponse:
    membership = membership_of(request)
    voucher = get_voucher_for_user(membership, voucher_id)
    if voucher.is_redeemed:
        messages.info(request, _("This voucher has already been redeemed."))
        return redirect("eligibility:voucher", voucher_id=voucher.pk)
    search = PersonSearchForm(request.POST or request.GET)
    text = search.cleaned_data["q"].strip() if search.is_valid() else ""
    people = list(search_people(membership, text)[:SEARCH_ROWS]) if text else []
    supported = supported_among(membership.user_id, [person.pk for person in people])
    candidates = [(person, person.pk in supported) for person in people]
    posted = request.POST.copy() if request.method == "POST" else None
    use_person = request.POST.get("use_person", "") if posted is not None else ""
    if posted is not None and use_person:
        # "Yes, it is them" on the possible-match question: redeem for that person instead.
        posted["person"] = use_person
        picked = get_person_for_user(membership, parse_id(use_person) or 0)
        candidates.append((picked, picked.pk in supported_among(membership.user_id, [picked.pk])))
    form = RedeemForm(posted, membership=membership, candidates=candidates)
    matches: list[tuple[Person, str]] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["person"] is None:
                services.redeem_voucher_for_new_person(
                    voucher,
                    by=membership,
                    team=data["team"],
                    given_name=data["given_name"],
                    family_name=data["family_name"],
                    parcels=data["parcels"],
                    confirm_new=data["confirm_new"],
                )
            else:
                services.redeem_voucher(
                    voucher, by=membership, person=data["person"], parcels=data["parcels"]
                )
        except PossibleMatch as question:
            matches = [(person, second_identifier(person)) for person in question.people]
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Voucher redeemed."))
            return redirect("eligibility:voucher", voucher_id=voucher.pk)
    return render(
        request,
        "eligibility/redeem.html",
        {
            "matches": matches,
            "voucher": voucher,
            "search": search,
            "q": text,
            "form": form,
            "searched": bool(text),
            "found": len(people),
            "found_supported": bool(supported),
        },
        status=409 if matches else form_status(request, form),
    )


@assessors_only
def undo_redemption(request: AuthedHttpRequest, voucher_id: int) -> HttpResponse:
    """Undo a redemption recorded by mistake, saying why (audited; the voucher can be redeemed
    again)."""
    membership = membership_of(request)
    voucher = get_voucher_for_user(membership, voucher_id)
    form = UndoRedemptionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.undo_redemption(voucher, by=membership, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The redemption is undone. The voucher can be redeemed again.")
            )
            return redirect("eligibility:voucher", voucher_id=voucher.pk)
    return render(
        request,
        "eligibility/undo_redemption.html",
        {"voucher": voucher, "form": form},
        status=form_status(request, form),
    )


@assessors_only
@require_POST
def accept_support_offer(request: AuthedHttpRequest, voucher_id: int) -> HttpResponse:
    membership = membership_of(request)
    voucher = get_voucher_for_user(membership, voucher_id)
    form = SupportOfferForm(request.POST)
    if form.is_valid():
        try:
            services.accept_support_offer(voucher, by=membership, on=timezone.localdate())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Thank you. A coordinator will ask a link worker to get in touch.")
            )
            return redirect("eligibility:voucher", voucher_id=voucher.pk)
    return _voucher_page(request, voucher, offer_form=form)


@assessors_only
@submit_once
def partners(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    form = PartnerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.add_referral_partner(
                membership.organisation,
                by=membership,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s added.") % {"name": partner.name})
            return redirect("eligibility:partners")
    rows = referral_partners_visible_to(membership).order_by("-active", "name", "id")
    return render(
        request,
        "eligibility/partners.html",
        {"form": form, "partners": rows},
        status=form_status(request, form),
    )


@assessors_only
@require_POST
def change_partner(request: AuthedHttpRequest, partner_id: int) -> HttpResponse:
    membership = membership_of(request)
    partner = get_referral_partner_for_user(membership, partner_id)
    active = request.POST.get("active") == "yes"
    services.set_referral_partner_active(partner, by=membership, active=active)
    if active:
        messages.success(request, _("%(name)s can issue vouchers again.") % {"name": partner.name})
    else:
        messages.success(
            request,
            _("%(name)s no longer issues vouchers. Their earlier vouchers are kept.")
            % {"name": partner.name},
        )
    return redirect("eligibility:partners")
