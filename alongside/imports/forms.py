"""The upload form and the column mapping form of the import pages."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from alongside.common.forms import Form
from alongside.imports import kinds
from alongside.imports.reading import DEFAULT_LIMITS
from alongside.imports.services import DEFAULT_SOURCE


class UploadForm(Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("A CSV file (UTF-8 or Windows-1252) or an Excel workbook (.xlsx)."),
    )
    kind = forms.ChoiceField(label=_("What the file holds"), choices=())
    source = forms.CharField(
        label=_("System it comes from"),
        max_length=100,
        initial=DEFAULT_SOURCE,
        help_text=_(
            "For example Lamplight or Charitylog. Importing again from the same system updates "
            "the records it brought in, and never adds them twice."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [(k.name, k.label) for k in (kinds.get(n) for n in kinds.names())]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > DEFAULT_LIMITS.max_bytes:
            raise forms.ValidationError(
                _("The file is too large: files up to %(mb)s MB can be imported.")
                % {"mb": DEFAULT_LIMITS.max_bytes // (1024 * 1024)}
            )
        return upload


class MappingForm(Form):
    """One choice per column of the file: the field it fills, or nothing."""

    def __init__(
        self,
        *args: Any,
        header: list[str],
        kind: kinds.Kind,
        current: dict[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("Do not import"))] + [(f.name, f.label) for f in kind.fields]
        self.columns = [c for c in header if c][:200]
        for position, column in enumerate(self.columns):
            self.fields[f"column_{position}"] = forms.ChoiceField(
                label=column[:100], choices=choices, required=False, initial=current.get(column, "")
            )

    def mapping(self) -> dict[str, str]:
        return {
            column: self.cleaned_data[f"column_{position}"]
            for position, column in enumerate(self.columns)
        }
