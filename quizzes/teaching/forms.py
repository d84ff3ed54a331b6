"""Forms of classes: creating and joining one, assigning quizzes, the gradebook's and analysis's options."""

from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone

from ..authoring.forms import DateTimeInput
from ..models import Assignment, Classroom, Quiz
from ..validators import PlainTextField, validate_moment
from .analysis import WHICH_LABELS, Which
from .classes import JOIN_CODE_LENGTH, find_classroom
from .gradebook import PICK_LABELS, SORT_LEARNER, Pick


class ClassroomForm(forms.ModelForm):
    class Meta:
        model = Classroom
        fields = ["name"]
        labels = {"name": "Class name"}
        help_texts = {"name": "Learners see it when they join, e.g. “Neurology nursing, spring cohort”."}


class JoinForm(forms.Form):
    code = PlainTextField(
        label="Join code",
        max_length=20,
        help_text=f"The {JOIN_CODE_LENGTH} letters and digits your educator gave you.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> Classroom:
        classroom = find_classroom(self.cleaned_data["code"])
        if classroom is None:
            raise forms.ValidationError("No class has this code. Check it with your educator.")
        return classroom


def _quiz_label(quiz: Quiz) -> str:
    hidden = not (quiz.is_published and quiz.bank.is_published)
    return f"{quiz.bank.title}: {quiz.title}" + (
        " (not published: learners cannot start it yet)" if hidden else ""
    )


class AssignmentForm(forms.ModelForm):
    """Assign one of the educator's quizzes not yet assigned to the class."""

    class Meta:
        model = Assignment
        fields = ["quiz", "due_at"]
        labels = {"quiz": "Quiz", "due_at": "Due (optional)"}
        help_texts = {"due_at": "After this, learners who have not finished it see it as overdue."}
        widgets = {"due_at": DateTimeInput}

    def __init__(self, data=None, *, classroom: Classroom, quizzes, **kwargs):
        super().__init__(data, **kwargs)
        self.instance.classroom = classroom
        # An archived quiz takes no new attempts, so it cannot be handed out.
        self.fields["quiz"].queryset = (
            quizzes.exclude(assignments__classroom=classroom)
            .filter(is_archived=False)
            .order_by("bank__title", "position", "pk")
        )
        self.fields["quiz"].label_from_instance = _quiz_label
        self.fields["quiz"].empty_label = None


class DueDateForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ["due_at"]
        labels = {"due_at": "Due (optional)"}
        help_texts = {"due_at": "Leave empty for no due date."}
        widgets = {"due_at": DateTimeInput}


def _amount(label: str, most: int, help_text: str) -> forms.IntegerField:
    """An optional whole number from 0 to `most`; empty means none."""
    return forms.IntegerField(label=label, min_value=0, max_value=most, required=False, help_text=help_text)


class OverrideForm(forms.Form):
    """One learner's accommodations on an assignment. Everything left at nothing removes them."""

    learner = forms.TypedChoiceField(label="Learner", coerce=int)
    who = "this learner"
    extra_time_percent = _amount(
        "Extra time (%)", 400, "Of the time limit: 50 gives one and a half times as long."
    )
    extra_minutes = _amount("Extra minutes", 600, "Added to the time limit.")
    extra_attempts = _amount(
        "Extra attempts", 100, "On top of the attempts the quiz allows (unlimited attempts need none)."
    )
    closes_at = forms.DateTimeField(
        label="Closes for them at",
        required=False,
        validators=[validate_moment],
        widget=DateTimeInput,
        help_text="Empty: when the quiz closes.",
    )

    def __init__(self, data=None, *, assignment: Assignment, members, **kwargs):
        super().__init__(data, **kwargs)
        self.assignment = assignment
        self.fields["learner"].choices = [(m.pk, m.get_username()) for m in members]
        self._set_close_label()

    def _set_close_label(self):
        self.fields["closes_at"].label = f"Closes for {self.who} at"
        zone = timezone.get_current_timezone_name()
        self.fields["closes_at"].help_text = f"Time zone {zone}. Empty: when the quiz closes."

    def clean_closes_at(self):
        closes = self.cleaned_data.get("closes_at")
        opens = self.assignment.quiz.opens_at
        if closes is not None and opens is not None and closes <= opens:
            raise forms.ValidationError("The quiz must close after it opens.")
        return closes

    def values(self) -> dict:
        """The accommodations, each at nothing (0 or None) where left empty."""
        data = self.cleaned_data
        return {
            "extra_time_percent": data.get("extra_time_percent") or 0,
            "extra_minutes": data.get("extra_minutes") or 0,
            "extra_attempts": data.get("extra_attempts") or 0,
            "closes_at": data.get("closes_at"),
        }


class GroupOverrideForm(OverrideForm):
    """A group's accommodations on an assignment: every learner of the group gets them."""

    learner = None
    group = forms.TypedChoiceField(label="Group", coerce=int)
    who = "the group"
    field_order = ["group"]

    def __init__(self, data=None, *, assignment: Assignment, groups, **kwargs):
        forms.Form.__init__(self, data, prefix="group", **kwargs)
        self.assignment = assignment
        self.fields["group"].choices = [(g.pk, g.name) for g in groups]
        zone = timezone.get_current_timezone_name()
        self.fields["closes_at"].help_text = f"Time zone {zone}. Empty: when the quiz closes."
        self._set_close_label()


class GroupForm(forms.Form):
    """A named group of the class's learners, to give them accommodations at once."""

    name = PlainTextField(
        label="Name", max_length=100, help_text="What the group is for, e.g. “Extra time 50 %”."
    )
    members = forms.TypedMultipleChoiceField(
        label="Learners in the group", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, data=None, *, members, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["members"].choices = [(m.pk, m.get_username()) for m in members]


class GradebookForm(forms.Form):
    """The gradebook's options, from its links' query strings; anything unknown falls back to the default."""

    score = forms.ChoiceField(choices=list(PICK_LABELS.items()), required=False)
    sort = PlainTextField(required=False)
    dir = forms.ChoiceField(choices=[("asc", "ascending"), ("desc", "descending")], required=False)

    def pick(self) -> Pick:
        return Pick(self._value("score") or Pick.BEST)

    def sorting(self, sort_keys: list[str]) -> tuple[str, bool]:
        """(the column sorted by, descending?)"""
        sort = self._value("sort")
        return (sort if sort in sort_keys else SORT_LEARNER), self._value("dir") == "desc"

    def _value(self, name: str) -> str:
        self.is_valid()
        return self.cleaned_data.get(name, "") if name not in self.errors else ""


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class AnalysisFilterForm(forms.Form):
    """Which attempts an item analysis covers: first or all, a class's learners, a range of dates."""

    attempts = forms.ChoiceField(
        label="Attempts", choices=list(WHICH_LABELS.items()), required=False, initial=Which.FIRST
    )
    classroom = forms.ModelChoiceField(
        label="Class", queryset=Classroom.objects.none(), required=False, empty_label="All learners"
    )
    since = forms.DateField(label="Finished from", required=False, widget=DateInput)
    until = forms.DateField(label="Finished until", required=False, widget=DateInput)

    def __init__(self, data, *, classrooms):
        super().__init__(data)
        self.fields["classroom"].queryset = classrooms

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError("“Finished from” must be on or before “Finished until”.")
        return data

    def filters(self) -> dict:
        """Arguments for analysis.analysed_attempts; the dates as whole days in the current time zone."""
        data = self.cleaned_data
        return {
            "which": Which(data.get("attempts") or Which.FIRST),
            "classroom": data.get("classroom"),
            "since": _start_of(data["since"]) if data.get("since") else None,
            "until": _start_of(data["until"] + timedelta(days=1))
            if (data.get("until") or date.max) < date.max
            else None,
        }


def _start_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
