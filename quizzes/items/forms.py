"""Each item type's part of the question editor, built by the type itself: `item.spec_form(data, spec=...)`.

Whatever the type, the editor needs only `is_valid()`, `draft()` (the spec as typed so far, valid or
not, for the live preview) and `template_name` (its fields, included in the editor page). The type's
`validate()` stays the one judge of a spec: the form runs it on the draft and shows each SpecError next
to the input its `field` names. A new item type brings its own form (most are a `SpecForm`: plain fields
and lists of rows) and its template partial, and changes nothing in the editor.
"""

from django import forms
from django.core.exceptions import ValidationError

from ..validators import PlainTextField
from .base import ItemType, SpecError

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


class RowForm(forms.Form):
    """One row of a list in a spec (an option, a step, a matrix row). Nothing is required here: the type's
    validate() says what is missing."""

    def row(self) -> dict:
        data = self.cleaned_data  # {} for an untouched blank row
        return {
            name: data.get(name, False if isinstance(field, forms.BooleanField) else "")
            for name, field in self.fields.items()
        }


def rationale_field(help_text: str) -> PlainTextField:
    """A row's rationale: a short text area, required by validate() rather than by the form."""
    return PlainTextField(
        label="Rationale", required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=help_text
    )


class OptionForm(RowForm):
    """One option of a choice item."""

    text = PlainTextField(label="Text", required=False)
    correct = forms.BooleanField(label="Correct", required=False)
    rationale = rationale_field("Why this option is right or wrong.")


class RowsFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        """The rows as typed, without the blank ones after the last filled row."""
        rows = [form.row() for form in self.forms]
        while rows and not any(rows[-1].values()):
            rows.pop()
        return rows


class ChoiceOptionsFormSet(DraftMixin, RowsFormSet):
    """The options of a choice item, one form a row. Blank rows after the last filled one are left out."""

    template_name = "quizzes/question_spec_options.html"

    def __init__(self, *args, item: ItemType, initial_spec: dict | None = None, **kwargs):
        self.item = item
        self.initial_spec = initial_spec
        super().__init__(*args, **kwargs)

    def clean(self) -> None:
        self._draft = {"options": self.rows()}
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


def rows_formset(
    form_class: type[RowForm],
    data=None,
    *,
    prefix: str,
    rows: list[dict],
    min_rows: int,
    max_rows: int,
    formset: type[RowsFormSet] = RowsFormSet,
    **kwargs,
) -> RowsFormSet:
    """A list of rows: the given ones and two blank rows to grow into, up to `max_rows`.

    Without JavaScript the rows cannot grow in the page, so a form sent back with errors or for a
    preview gets two blank rows again after the last filled one.
    """
    formset_class = forms.formset_factory(
        form_class, formset=formset, extra=0, max_num=max_rows, absolute_max=max_rows, validate_max=True
    )
    if data is not None:
        data = _with_blank_rows(data, prefix, max_rows, list(form_class.base_fields))
        return formset_class(data, prefix=prefix, **kwargs)
    count = min(max_rows, max(len(rows), min_rows) + 2)
    return formset_class(initial=[*rows, *[{}] * (count - len(rows))], prefix=prefix, **kwargs)


def choice_options_formset(item: ItemType, data=None, *, spec: dict | None = None) -> ChoiceOptionsFormSet:
    """The options editor: the spec's options and two blank rows, up to the type's maximum."""
    options = (spec or {}).get("options", [])
    return rows_formset(
        OptionForm,
        data,
        prefix=PREFIX,
        rows=[{name: option[name] for name in OPTION_FIELDS} for option in options],
        min_rows=item.min_options,
        max_rows=item.max_options,
        formset=ChoiceOptionsFormSet,
        item=item,
        initial_spec=spec,
    )


def _with_blank_rows(data, prefix: str, most: int, names: list[str]):
    key = f"{prefix}-TOTAL_FORMS"
    total = data.get(key, "")
    if not total.isdigit() or int(total) > most:
        return data  # a damaged or forged count: the formset refuses it itself
    total = int(total)
    filled = max(
        (row + 1 for row in range(total) if any(data.get(f"{prefix}-{row}-{name}") for name in names)),
        default=0,
    )
    wanted = min(most, max(total, filled + 2))
    if wanted == total:
        return data
    data = data.copy()
    data[key] = str(wanted)
    return data


class SpecForm(DraftMixin):
    """A type's spec form made of plain fields and lists of rows, judged together by the type's validate().

    A subclass gives `Fields` (a Form of the plain fields), `row_lists` (spec key -> row form, fewest and
    most rows), `template_name`, and two translations: `initial(spec)` (a bank-file spec -> the plain
    fields' values and each list's rows) and `build(fields, rows)` (what was typed -> the draft spec).
    An error from validate() goes next to the input its `field` names: a row's field ("steps.1.text"),
    a whole list ("steps"), a plain field named in `error_fields` or by the path's first part ("unit"),
    else the form as a whole. An input that already shows an error of its own gets no second one.
    """

    Fields: type[forms.Form]
    row_lists: dict[str, tuple[type[RowForm], int, int]] = {}
    error_fields: dict[str, str] = {}
    template_name: str

    def __init__(self, item, data=None, *, spec: dict | None = None):
        self.item = item
        self.initial_spec = item.content(spec) if spec else None
        fields, rows = self.initial(self.initial_spec) if self.initial_spec else ({}, {})
        self.form = self.Fields(data, initial=fields, prefix=PREFIX)
        self.formsets = {
            key: rows_formset(
                row_form, data, prefix=f"{PREFIX}-{key}", rows=rows.get(key, []), min_rows=low, max_rows=high
            )
            for key, (row_form, low, high) in self.row_lists.items()
        }

    def initial(self, spec: dict) -> tuple[dict, dict[str, list[dict]]]:
        raise NotImplementedError

    def build(self, fields: dict, rows: dict[str, list[dict]]) -> dict:
        raise NotImplementedError

    @property
    def is_bound(self) -> bool:
        return self.form.is_bound

    def is_valid(self) -> bool:
        if self.is_bound and self._draft is None:
            self._judge()
        return self.form.is_valid() and all(formset.is_valid() for formset in self.formsets.values())

    def draft(self) -> dict | None:
        if not self.is_bound:
            return self.initial_spec
        self.is_valid()
        return self._draft

    def _judge(self) -> None:
        self.form.is_valid()
        for formset in self.formsets.values():
            formset.is_valid()
        rows = {key: formset.rows() for key, formset in self.formsets.items()}
        self._draft = self.build(self.form.cleaned_data, rows)
        for error in self.item.validate(self._draft):
            self._place(error)

    def _place(self, error: SpecError) -> None:
        parts = error.field.split(".") if error.field else []
        if parts and parts[0] in self.formsets:
            formset = self.formsets[parts[0]]
            if len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(formset.forms):
                row = formset.forms[int(parts[1])]
                name = parts[2] if len(parts) > 2 and parts[2] in row.fields else None
                if name is None or not row.has_error(name):
                    row.add_error(name, error)
            else:
                formset.non_form_errors().append(error)
            return
        name = self.error_fields.get(error.field)
        if name is None and parts and parts[0] in self.form.fields:
            name = parts[0]
        if name is None or not self.form.has_error(name):
            self.form.add_error(name, error)


def lines(text: str) -> list[str]:
    """The non-blank lines of a text area, stripped: one entry a line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


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
    true_rationale = PlainTextField(
        label="Rationale for “True”", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    false_rationale = PlainTextField(
        label="Rationale for “False”", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, item: ItemType, data=None, *, spec: dict | None = None):
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
