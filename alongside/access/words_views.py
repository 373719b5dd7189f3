""" "Our words" (decision 0088): the coordinator or data lead words the organisation's reason lists
and names its services. Thin: `access.services.save_words` and `save_services` decide."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alongside.access.decorators import rule_required
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.access.models import Team
from alongside.access.services import WordEdit, save_services, save_words
from alongside.access.words import LISTS, Word, WordList, words
from alongside.common.forms import Form, add_service_errors, use_plain_messages
from alongside.common.responses import form_status

BLANK = gettext_lazy("Write the word. To stop offering it, untick “in use” instead of emptying it.")


class WordsForm(Form):
    """One row per word (label, place, in use) and an empty row to add one."""

    def __init__(self, *args: Any, spec: WordList, current: list[Word], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.spec, self.current = spec, current
        for n, word in enumerate(current):
            self.fields[f"label_{n}"] = forms.CharField(
                label=gettext_lazy("The word"),
                max_length=200,
                initial=word.label,
                error_messages={"required": BLANK},
            )
            self.fields[f"position_{n}"] = forms.IntegerField(
                label=gettext_lazy("Place in the list for word %(n)s") % {"n": n + 1},
                min_value=0,
                max_value=999,
                initial=n + 1,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input-short"}),
            )
            self.fields[f"active_{n}"] = forms.BooleanField(
                label=gettext_lazy("In use (untick to retire it)"),
                required=False,
                initial=word.active,
            )
        if spec.can_add:
            n = len(current)
            self.fields[f"label_{n}"] = forms.CharField(
                label=gettext_lazy("Add a word"),
                required=False,
                max_length=200,
                help_text=gettext_lazy("It goes at the end of the list; old records keep theirs."),
            )
        use_plain_messages(self)  # for the fields added here

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "word": word,
                "label": self[f"label_{n}"],
                "position": self[f"position_{n}"],
                "active": self[f"active_{n}"],
            }
            for n, word in enumerate(self.current)
        ]

    def new_field(self) -> forms.BoundField | None:
        name = f"label_{len(self.current)}"
        return self[name] if name in self.fields else None

    def edits(self) -> list[WordEdit]:
        data = self.cleaned_data
        edits = [
            WordEdit(
                word.code,
                data.get(f"label_{n}") or "",
                n + 1 if data.get(f"position_{n}") is None else data[f"position_{n}"],
                bool(data.get(f"active_{n}")),
            )
            for n, word in enumerate(self.current)
        ]
        if self.spec.can_add:
            edits.append(WordEdit("", data.get(f"label_{len(self.current)}") or "", 10_000, True))
        return edits


@rule_required("access.change_words")
def words_home(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    lists = [(spec, words(membership.organisation_id, spec.key)) for spec in LISTS.values()]
    services = Team.objects.filter(organisation_id=membership.organisation_id)
    return render(request, "access/words.html", {"lists": lists, "services": services})


@rule_required("access.change_words")
def edit_words(request: AuthedHttpRequest, word_list: str) -> HttpResponse:
    membership = membership_of(request)
    key = word_list
    spec = LISTS.get(key)
    if spec is None:
        raise Http404
    current = words(membership.organisation_id, key)
    form = WordsForm(request.POST if request.method == "POST" else None, spec=spec, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            save_words(membership.organisation, by=membership, key=key, edits=form.edits())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved. Every page uses these words now."))
            return redirect("access:words")
    return render(
        request,
        "access/words_edit.html",
        {"form": form, "spec": spec},
        status=form_status(request, form),
    )


class ServicesForm(Form):
    def __init__(self, *args: Any, services: list[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.services = services
        for team in services:
            self.fields[f"service_{team.pk}"] = forms.CharField(
                label=gettext_lazy("Name of “%(name)s”") % {"name": team.name},
                required=False,
                max_length=300,
                initial=team.name,
            )
        self.fields["new"] = forms.CharField(
            label=gettext_lazy("Add a service"),
            required=False,
            max_length=300,
            help_text=gettext_lazy("Such as “Warm space” or “Debt advice”."),
        )
        use_plain_messages(self)  # for the fields added here

    def named(self) -> list[forms.BoundField]:
        return [self[f"service_{team.pk}"] for team in self.services]


@rule_required("access.change_words")
def edit_services(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    services = list(Team.objects.filter(organisation_id=membership.organisation_id))
    form = ServicesForm(request.POST if request.method == "POST" else None, services=services)
    if request.method == "POST" and form.is_valid():
        try:
            save_services(
                membership.organisation,
                by=membership,
                names={t.pk: form.cleaned_data[f"service_{t.pk}"] for t in services},
                new=form.cleaned_data["new"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved. Every page uses these names now."))
            return redirect("access:words")
    return render(
        request, "access/services_edit.html", {"form": form}, status=form_status(request, form)
    )
