from dataclasses import dataclass

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import QuerySet
from django.utils import timezone

from .editing import QuestionDraft
from .items import ITEM_TYPE_CHOICES, ItemReview, ItemType, PublicItem
from .models import Bank, Difficulty, Question, QuestionVersion, Quiz, Topic


class SignUpForm(UserCreationForm):
    """Sign-up makes a learner; educators are promoted by an admin or another educator."""

    class Meta(UserCreationForm.Meta):
        fields = ("username",)


class HistoryFilterForm(forms.Form):
    """Filters of the history page; the quiz list holds only quizzes the learner has attempted."""

    quiz = forms.ModelChoiceField(queryset=Quiz.objects.none(), required=False, empty_label="All quizzes")
    mode = forms.ChoiceField(choices=[("", "All modes"), *Quiz.Mode.choices], required=False)

    def __init__(self, data, *, user):
        super().__init__(data)
        self.fields["quiz"].queryset = Quiz.objects.filter(attempts__user=user).distinct().order_by("title")

    def apply(self, attempts):
        if not self.is_bound or not self.is_valid():
            return attempts
        if self.cleaned_data["quiz"]:
            attempts = attempts.filter(quiz=self.cleaned_data["quiz"])
        if self.cleaned_data["mode"]:
            attempts = attempts.filter(mode=self.cleaned_data["mode"])
        return attempts


# -- authoring --------------------------------------------------------------------------------------------

MARKDOWN_HELP = "Markdown: **bold**, *italic*, `code`, lists and links."


class BankForm(forms.ModelForm):
    class Meta:
        model = Bank
        fields = ["title", "description", "source", "is_published"]
        labels = {"is_published": "Published"}
        help_texts = {
            "description": "What the bank covers, for you and other educators.",
            "is_published": "Learners see the published quizzes of published banks only.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.initial["is_published"] = False  # a new bank is private until its author is ready


class TopicForm(forms.ModelForm):
    class Meta:
        model = Topic
        fields = ["title"]


class QuestionForm(forms.Form):
    """What every item type shares; the type's own form (`item.spec_form`) holds the rest."""

    topic = forms.TypedChoiceField(coerce=int)
    difficulty = forms.ChoiceField(choices=Difficulty.choices, initial=Difficulty.MEDIUM)
    stem = forms.CharField(
        label="Question",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"What the learner is asked. {MARKDOWN_HELP}",
    )
    explanation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"Shown after the answer, below the rationales. {MARKDOWN_HELP}",
    )
    source_section = forms.CharField(
        label="Source",
        max_length=200,
        help_text="Where the answer comes from, e.g. a section of the fact sheet.",
    )
    # The version the author started from, so a concurrent edit is caught rather than overwritten.
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, data=None, *, topics: list[Topic], initial: dict | None = None):
        super().__init__(data, initial=initial)
        # Choices from a list, not a queryset: one query renders and validates them.
        self.topics = {topic.pk: topic for topic in topics}
        self.fields["topic"].choices = [(topic.pk, topic.title) for topic in topics]

    def clean_topic(self) -> Topic:
        return self.topics[self.cleaned_data["topic"]]


@dataclass(frozen=True)
class Preview:
    """A question as typed so far: as the learner will see it, then its feedback when answered correctly."""

    item: PublicItem
    review: ItemReview
    version: QuestionVersion  # unsaved: the stem, explanation and source the feedback shows
    problems: list[str]
    shuffle_note: str  # what learners see of the order, e.g. that options are shuffled


class QuestionEditor:
    """The question form and the item type's own form, validated, saved and previewed together."""

    def __init__(self, bank: Bank, item: ItemType, data=None, *, question: Question | None = None):
        self.item = item
        version = question.current_version if question else None
        initial = {}
        if version is not None:
            initial = {
                "topic": question.topic_id,
                "difficulty": version.difficulty,
                "stem": version.stem,
                "explanation": version.explanation,
                "source_section": version.source_section,
                "base_version": version.number,
            }
        self.form = QuestionForm(data, topics=list(bank.topics.all()), initial=initial)
        self.spec_form = item.spec_form(data, spec=version.spec if version else None)

    def is_valid(self) -> bool:
        return all([self.form.is_valid(), self.spec_form.is_valid()])  # both: every error shows at once

    @property
    def base_version(self) -> int | None:
        return self.form.cleaned_data.get("base_version")

    def draft(self) -> QuestionDraft:
        data = self.form.cleaned_data
        return QuestionDraft(
            item_type=self.item.name,
            topic=data["topic"],
            difficulty=data["difficulty"],
            stem=data["stem"],
            explanation=data["explanation"],
            source_section=data["source_section"],
            spec=self.spec_form.draft(),
        )

    def conflict(self, current: QuestionVersion) -> None:
        """Keep the author's text, say a newer version exists, and let a second save replace it."""
        self.form.add_error(
            None,
            f"Version {current.number} was saved while you were editing, so your changes were not saved. "
            "Compare them with the question's history; saving again will replace that version.",
        )
        self.form.data = self.form.data.copy()
        self.form.data["base_version"] = current.number  # the hidden field now names the newer version

    def preview(self) -> Preview | None:
        """The question from whatever has been typed, valid or not; None before anything has been."""
        spec = self.spec_form.draft()
        if spec is None:
            return None
        problems = []
        if self.form.is_bound:
            self.form.is_valid()
            values = self.form.cleaned_data
            problems = [
                f"{self.form[name].label}: {error}"
                for name, errors in self.form.errors.items()
                if name != NON_FIELD_ERRORS
                for error in errors
            ]
        else:
            values = self.form.initial
        stem = values.get("stem", "")
        spec = self.item.normalise(spec)
        version = QuestionVersion(
            item_type=self.item.name,
            stem=stem,
            explanation=values.get("explanation", ""),
            source_section=values.get("source_section", ""),
            spec=spec,
        )
        problems += self.item.validate(spec)
        return Preview(
            item=self.item.public_view(stem, spec, None),
            review=self.item.review(spec, self.item.key_answer(spec), None),
            version=version,
            problems=problems,
            shuffle_note=self.item.shuffle_note,
        )


class QuestionFilterForm(forms.Form):
    """Search and filters of a bank's question list. A filter with a bad value is ignored, not an error."""

    q = forms.CharField(label="Search", required=False, widget=forms.TextInput(attrs={"type": "search"}))
    topic = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    type = forms.ChoiceField(choices=[("", "All types"), *ITEM_TYPE_CHOICES], required=False)
    difficulty = forms.ChoiceField(choices=[("", "Any difficulty"), *Difficulty.choices], required=False)
    status = forms.ChoiceField(choices=[("", "Any status"), *Question.Status.choices], required=False)

    def __init__(self, data, *, topics: list[Topic]):
        super().__init__(data)
        self.fields["topic"].choices = [("", "All topics"), *((t.pk, t.title) for t in topics)]

    def apply(self, questions: QuerySet) -> QuerySet:
        self.is_valid()
        data = self.cleaned_data  # only the fields that were valid
        if data.get("q"):
            questions = questions.filter(current_version__stem__icontains=data["q"])
        if data.get("topic"):
            questions = questions.filter(topic_id=data["topic"])
        if data.get("type"):
            questions = questions.filter(current_version__item_type=data["type"])
        if data.get("difficulty"):
            questions = questions.filter(current_version__difficulty=data["difficulty"])
        if data.get("status"):
            questions = questions.filter(status=data["status"])
        return questions


class MoveQuestionsForm(forms.Form):
    """Bulk move: the ticked questions of this bank, and the topic to move them to."""

    questions = forms.ModelMultipleChoiceField(
        queryset=Question.objects.none(), error_messages={"required": "Tick the questions to move."}
    )
    topic = forms.ModelChoiceField(queryset=Topic.objects.none(), label="Move to topic")

    def __init__(self, data, *, bank: Bank):
        super().__init__(data)
        self.fields["questions"].queryset = bank.questions.all()
        self.fields["topic"].queryset = bank.topics.all()


# The same bounds as a bank file's quizzes, so a quiz built here can be exported and loaded again.
MAX_QUESTIONS, MAX_MINUTES = 500, 600


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class QuizForm(forms.ModelForm):
    """The quiz builder. Topics and hand-picked questions are limited to the quiz's own bank."""

    class Meta:
        model = Quiz
        fields = [
            "title",
            "description",
            "mode",
            "time_limit_minutes",
            "pass_mark_percent",
            "selection",
            "question_count",
            "topics",
            "questions",
            "shuffle_questions",
            "shuffle_options",
            "attempts_allowed",
            "sequential",
            "opens_at",
            "closes_at",
            "is_published",
        ]
        labels = {
            "time_limit_minutes": "Time limit (minutes)",
            "pass_mark_percent": "Pass mark (%)",
            "selection": "Questions",
            "question_count": "Number of questions",
            "topics": "Draw from these topics",
            "questions": "Hand-picked questions",
            "shuffle_questions": "Shuffle the questions",
            "shuffle_options": "Shuffle each question's options",
            "sequential": "Sequential: no going back",
            "opens_at": "Opens",
            "closes_at": "Closes",
            "is_published": "Published",
        }
        help_texts = {
            "time_limit_minutes": "Exams only. Empty: no limit.",
            "question_count": "Drawn at random from the topics for each attempt.",
            "topics": "None ticked: every topic.",
            "questions": "Every attempt gets all of these.",
            "is_published": "Learners see it while it is open, if its bank is published too.",
            "sequential": "Questions are answered in order: no navigator, no skipping, no changed answers.",
        }
        widgets = {
            "selection": forms.RadioSelect,
            "topics": forms.CheckboxSelectMultiple,
            "questions": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 2}),
            "opens_at": DateTimeInput,
            "closes_at": DateTimeInput,
        }

    def __init__(self, *args, bank: Bank, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.bank = bank
        self.fields["topics"].queryset = bank.topics.all()
        questions = self.fields["questions"]
        questions.queryset = (
            bank.questions.filter(status=Question.Status.ACTIVE, current_version__isnull=False)
            .select_related("current_version", "topic")
            .order_by("topic__position", "topic_id", "id")
        )
        questions.label_from_instance = lambda q: f"{q.topic.title}: {q.current_version.stem}"
        zone = timezone.get_current_timezone_name()
        for name in ("opens_at", "closes_at"):
            self.fields[name].help_text = f"Time zone {zone}. Empty: no limit."
        self.fields["question_count"].required = False  # a fixed list has as many as it holds
        self.fields["question_count"].widget.attrs.update(min=1, max=MAX_QUESTIONS)
        self.fields["time_limit_minutes"].widget.attrs.update(min=1, max=MAX_MINUTES)
        if self.instance.pk is None:
            self.initial.setdefault("is_published", False)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("selection") == Quiz.Selection.FIXED:
            data["question_count"] = len(data.get("questions") or [])  # a fixed list gives all it holds
            if not data["question_count"]:
                self.add_error("questions", "Tick at least one question for a fixed list.")
        count = data.get("question_count")
        if data.get("selection") == Quiz.Selection.RANDOM and not (count and 1 <= count <= MAX_QUESTIONS):
            self.add_error("question_count", f"Draw from 1 to {MAX_QUESTIONS} questions.")
        limit = data.get("time_limit_minutes")
        if limit is not None and data.get("mode") != Quiz.Mode.EXAM:
            self.add_error("time_limit_minutes", "Only exams have a time limit: leave it empty for practice.")
        elif limit is not None and not 1 <= limit <= MAX_MINUTES:
            self.add_error("time_limit_minutes", f"A time limit is 1 to {MAX_MINUTES} minutes.")
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", "The quiz must close after it opens.")
        return data


class UserSearchForm(forms.Form):
    q = forms.CharField(label="Username", required=False, widget=forms.TextInput(attrs={"type": "search"}))
