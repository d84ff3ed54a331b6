"""Each item type's part of the question editor, built by the type itself: `item.spec_form(data, spec=...)`.

Whatever the type, the editor needs only `is_valid()`, `draft()` (the spec as typed so far, valid or
not, for the live preview) and `template_name` (its fields, included in the editor page). The type's
`validate()` stays the one judge of a spec: the form runs it on the draft and shows each SpecError next
to the input its `field` names. A new item type brings its own form and template and changes nothing
in the editor.
"""

from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from .choice import ChoiceItem
    from .truefalse import TrueFalse

PREFIX = "spec"
OPTION_FIELDS = ("text", "correct", "rationale")


class DraftMixin:
    """`draft()` for a spec form: the initial spec when unbound, else what `clean()` built from the input."""

    initial_spec: dict | None
    _draft: dict | None = None

    def draft(self) -> dict | None:
        if not self.is_bound:
            return self.initial_spec
        self.errors  # noqa: B018 - cleaning builds the draft
        return self._draft


class OptionForm(forms.Form):
    """One option of a choice item. Nothing is required here: the type's validate() says what is missing."""

    text = forms.CharField(label="Text", required=False)
    correct = forms.BooleanField(label="Correct", required=False)
    rationale = forms.CharField(
        label="Rationale",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why this option is right or wrong.",
    )

    def row(self) -> dict:
        data = self.cleaned_data  # {} for an untouched blank row
        return {
            "text": data.get("text", ""),
            "correct": bool(data.get("correct")),
            "rationale": data.get("rationale", ""),
        }


class ChoiceOptionsFormSet(DraftMixin, forms.BaseFormSet):
    """The options of a choice item, one form a row. Blank rows after the last filled one are left out."""

    template_name = "quizzes/question_spec_options.html"

    def __init__(self, item: "ChoiceItem", *args, initial_spec: dict | None = None, **kwargs):
        self.item = item
        self.initial_spec = initial_spec
        super().__init__(*args, **kwargs)

    def clean(self) -> None:
        rows = [form.row() for form in self.forms]
        while rows and not any(rows[-1].values()):
            rows.pop()
        self._draft = {"options": rows}
        whole = []
        for error in self.item.validate(self._draft):
            form, field = self._locate(error.field)
            if form is None:
                whole.append(error)
            else:
                form.add_error(field, error)
        if whole:
            raise ValidationError(whole)

    def _locate(self, path: str) -> tuple[forms.Form | None, str | None]:
        """Where an error goes: "options.2.text" is the third row's text; "options" is the whole list."""
        parts = path.split(".")
        if (
            len(parts) < 2
            or parts[0] != "options"
            or not parts[1].isdigit()
            or int(parts[1]) >= len(self.forms)
        ):
            return None, None
        form = self.forms[int(parts[1])]
        field = parts[2] if len(parts) > 2 and parts[2] in form.fields else None
        return form, field


def choice_options_formset(
    item: "ChoiceItem", data=None, *, spec: dict | None = None
) -> ChoiceOptionsFormSet:
    """The options editor: the spec's options and two blank rows, up to the type's maximum.

    Without JavaScript the rows cannot grow in the page, so a form sent back with errors or for a
    preview gets two blank rows again after the last filled one.
    """
    formset_class = forms.formset_factory(
        OptionForm,
        formset=ChoiceOptionsFormSet,
        extra=0,
        max_num=item.max_options,
        absolute_max=item.max_options,
        validate_max=True,
    )
    if data is not None:
        return formset_class(item, _with_blank_rows(data, item.max_options), prefix=PREFIX, initial_spec=spec)
    options = (spec or {}).get("options", [])
    rows = min(item.max_options, max(len(options), item.min_options) + 2)
    initial = [{name: option[name] for name in OPTION_FIELDS} for option in options]
    initial += [{}] * (rows - len(initial))
    return formset_class(item, initial=initial, prefix=PREFIX, initial_spec=spec)


def _with_blank_rows(data, most: int):
    key = f"{PREFIX}-TOTAL_FORMS"
    total = data.get(key, "")
    if not total.isdigit() or int(total) > most:
        return data  # a damaged or forged count: the formset refuses it itself
    total = int(total)
    filled = max(
        (
            row + 1
            for row in range(total)
            if any(data.get(f"{PREFIX}-{row}-{name}") for name in OPTION_FIELDS)
        ),
        default=0,
    )
    wanted = min(most, max(total, filled + 2))
    if wanted == total:
        return data
    data = data.copy()
    data[key] = str(wanted)
    return data


class TrueFalseForm(DraftMixin, forms.Form):
    """A true/false statement: the options are fixed, so the author picks the true one and explains both."""

    template_name = "quizzes/question_spec_truefalse.html"
    # Where each SpecError that validate() can give is shown.
    FIELDS = {
        "options": "answer",
        "options.0.rationale": "true_rationale",
        "options.1.rationale": "false_rationale",
    }

    answer = forms.ChoiceField(
        label="The statement is",
        choices=[("True", "True"), ("False", "False")],
        widget=forms.RadioSelect,
        required=False,
    )
    true_rationale = forms.CharField(
        label="Rationale for “True”", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    false_rationale = forms.CharField(
        label="Rationale for “False”", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, item: "TrueFalse", data=None, *, spec: dict | None = None):
        self.item = item
        self.initial_spec = spec
        initial = {}
        if spec:
            true, false = spec["options"]
            initial = {
                "answer": "True" if true["correct"] else "False",
                "true_rationale": true["rationale"],
                "false_rationale": false["rationale"],
            }
        super().__init__(data, initial=initial, prefix=PREFIX)

    def clean(self) -> dict:
        data = self.cleaned_data
        self._draft = {
            "options": [
                {"text": text, "correct": data.get("answer") == text, "rationale": data.get(field, "")}
                for text, field in (("True", "true_rationale"), ("False", "false_rationale"))
            ]
        }
        for error in self.item.validate(self._draft):
            self.add_error(self.FIELDS.get(error.field), error)
        return data
