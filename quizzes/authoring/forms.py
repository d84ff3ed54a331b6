"""The authoring forms: banks, topics, the question editor, the question list's filters and moves, quizzes."""

from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import F, Q, QuerySet
from django.template.defaultfilters import pluralize
from django.utils import timezone

from ..formats.bankfile import QuestionData, media_names
from ..items import ITEM_TYPE_CHOICES, ItemReview, ItemType, PublicItem
from ..media import MAX_BYTES as MAX_IMAGE_BYTES
from ..models import (
    Bank,
    ClinicalJudgment,
    CognitiveLevel,
    Difficulty,
    Passage,
    Question,
    QuestionVersion,
    Quiz,
    Topic,
)
from ..sources import facts
from ..validators import PlainTextField
from .checks import CHECKS
from .editing import QuestionDraft
from .quality import Reviewed, review_draft

# -- authoring --------------------------------------------------------------------------------------------

MARKDOWN_HELP = (
    "Markdown: **bold**, *italic*, `code`, lists and links; an image of the bank's as "
    "![what it shows](media:…), from the bank's Images page."
)


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
    stem = PlainTextField(
        label="Question",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"What the learner is asked. {MARKDOWN_HELP}",
    )
    explanation = PlainTextField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"Shown after the answer, below the rationales. {MARKDOWN_HELP}",
    )
    source_section = PlainTextField(
        label="Source",
        max_length=200,
        required=False,
        help_text="Where the answer comes from, e.g. a section of the fact sheet. Citing a passage below "
        "fills this in from the passage's section.",
    )
    cites = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Cited passages",
        help_text="The sentences of the bank's source that support the answer; learners see them after "
        "answering.",
    )
    passage_search = PlainTextField(
        required=False, max_length=200, label="Find passages by their text", strip=True
    )
    clinical_judgment = forms.ChoiceField(
        label="Clinical judgment step",
        choices=[("", "Not tagged"), *ClinicalJudgment.choices],
        required=False,
        help_text="The step of the NCSBN Clinical Judgment Measurement Model the item exercises.",
    )
    cognitive_level = forms.ChoiceField(
        label="Cognitive level",
        choices=[("", "Not tagged"), *CognitiveLevel.choices],
        required=False,
        help_text="Recall a fact, apply it to a patient, or analyze a situation.",
    )
    # The version the author started from, so a concurrent edit is caught rather than overwritten.
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, data=None, *, topics: list[Topic], initial: dict | None = None, passages: list[Passage] = ()
    ):
        super().__init__(data, initial=initial)
        # Choices from a list, not a queryset: one query renders and validates them.
        self.topics = {topic.pk: topic for topic in topics}
        self.fields["topic"].choices = [(topic.pk, topic.title) for topic in topics]
        self.passages = {passage.pk: passage for passage in passages}
        self.fields["cites"].choices = [(p.pk, f"{p.key}: {p.text}") for p in passages]

    def clean_topic(self) -> Topic:
        return self.topics[self.cleaned_data["topic"]]

    def clean(self) -> dict:
        data = super().clean()
        cites = [self.passages[pk] for pk in data.get("cites") or []]
        data["cited"] = tuple(cites)
        if cites:
            data["source_section"] = cites[0].section[:200]
        elif "source_section" in data and not data["source_section"]:
            self.add_error(
                "source_section", "Cite a passage of the source, or say where the answer comes from."
            )
        return data

    def shown_passages(self) -> list[Passage]:
        """The passages the editor lists: those matching the search (all without one), and those cited."""
        query = (self.data.get("passage_search", "") if self.is_bound else "").strip().casefold()
        chosen = {str(v) for v in (self["cites"].value() or [])}
        words = query.split()
        return [
            p
            for p in self.passages.values()
            if str(p.pk) in chosen or all(w in p.text.casefold() or w in p.section.casefold() for w in words)
        ]


@dataclass(frozen=True)
class Preview:
    """A question as typed so far: as the learner will see it, then its feedback when answered correctly."""

    item: PublicItem
    review: ItemReview
    version: QuestionVersion  # unsaved: the stem, explanation and source the feedback shows
    problems: list[str]
    shuffle_note: str  # what learners see of the order, e.g. that options are shuffled
    warnings: list[Reviewed]  # what the item-writing checks say about the draft (authoring.checks)


def citable_passages(bank: Bank, also: list[int] = ()) -> list[Passage]:
    """The passages of the current versions of the bank's sources, and any in `also` (an older version's,
    which a question still cites): one query."""
    current = Q(version__source__bank=bank, version__source__current_version=F("version"))
    passages = Passage.objects.filter(current | Q(pk__in=list(also), version__source__bank=bank))
    return list(
        passages.select_related("version__source").order_by("version__source_id", "version_id", "position")
    )


class QuestionEditor:
    """The question form and the item type's own form, validated, saved and previewed together."""

    def __init__(
        self,
        bank: Bank,
        item: ItemType,
        data=None,
        *,
        question: Question | None = None,
        passage: Passage | None = None,
    ):
        self.item = item
        self.bank, self.question = bank, question
        version = question.current_version if question else None
        initial = {}
        cited: list[int] = []
        if version is not None:
            cited = list(version.citations.order_by("position").values_list("passage_id", flat=True))
            initial = {
                "topic": question.topic_id,
                "difficulty": version.difficulty,
                "clinical_judgment": version.clinical_judgment,
                "cognitive_level": version.cognitive_level,
                "stem": version.stem,
                "explanation": version.explanation,
                "source_section": version.source_section,
                "base_version": version.number,
                "cites": cited,
            }
        elif passage is not None:  # "Write a question from this passage"
            initial = {"cites": [passage.pk], "source_section": passage.section}
        self.form = QuestionForm(
            data, topics=list(bank.topics.all()), initial=initial, passages=citable_passages(bank, cited)
        )
        self.spec_form = item.spec_form(data, spec=version.spec if version else None)

    def is_valid(self) -> bool:
        if not all([self.form.is_valid(), self.spec_form.is_valid()]):  # both: every error shows at once
            return False
        # An image is shown to those who may see its bank's images (accounts.access): one of another bank,
        # or a name typed by hand, would be a broken image for every learner.
        names = media_names(self.draft().data("draft"))
        if missing := sorted(
            set(names) - set(self.bank.media.filter(name__in=names).values_list("name", flat=True))
        ):
            self.form.add_error(
                None,
                f"The image{pluralize(len(missing))} {', '.join(missing)} "
                f"{pluralize(len(missing), 'is,are')} not among this bank's images: add it on the bank's "
                "Images page and paste the line it gives.",
            )
            return False
        return True

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
            cites=data["cited"],
            clinical_judgment=data.get("clinical_judgment", ""),
            cognitive_level=data.get("cognitive_level", ""),
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
        chosen = values.get("cited") or [
            self.form.passages[pk] for pk in values.get("cites", []) if pk in self.form.passages
        ]
        version.cited_passages = list(chosen)
        problems += self.item.validate(spec)
        return Preview(
            warnings=self.warnings(values, spec),
            item=self.item.public_view(stem, spec, None),
            review=self.item.review(spec, self.item.key_answer(spec), None),
            version=version,
            problems=problems,
            shuffle_note=self.item.shuffle_note,
        )

    def warnings(self, values: dict, spec: dict) -> list[Reviewed]:
        """The item-writing checks on the draft as typed (fields not filled in yet read as empty)."""
        try:
            content = self.item.content(spec)  # the checks read the bank file's shape
        except (KeyError, TypeError, AttributeError, ValueError):
            content = spec
        data = QuestionData(
            key=self.question.key if self.question else "",
            topic="",
            type=self.item.name,
            difficulty=values.get("difficulty") or Difficulty.MEDIUM,
            source_section=values.get("source_section", ""),
            stem=values.get("stem", ""),
            explanation=values.get("explanation", ""),
            spec=content,
        )
        return review_draft(self.bank, data, question=self.question)


class DismissForm(forms.Form):
    """Dismiss one check's warning on a question's current version, saying why."""

    check_id = forms.ChoiceField(choices=[(c.id, c.title) for c in CHECKS.values()], widget=forms.HiddenInput)
    reason = PlainTextField(
        label="Why it does not apply",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Recorded with your name and the date; a new version is checked afresh.",
    )


class QuestionFilterForm(forms.Form):
    """Search and filters of a bank's question list. A filter with a bad value is ignored, not an error."""

    q = PlainTextField(label="Search", required=False, widget=forms.TextInput(attrs={"type": "search"}))
    topic = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    type = forms.ChoiceField(choices=[("", "All types"), *ITEM_TYPE_CHOICES], required=False)
    difficulty = forms.ChoiceField(choices=[("", "Any difficulty"), *Difficulty.choices], required=False)
    status = forms.ChoiceField(
        choices=[("", "Any status"), *Question.Status.choices, ("review", "Needs review")], required=False
    )
    checks = forms.ChoiceField(
        label="Item-writing checks",
        choices=[("", "Any"), ("warnings", "With warnings left"), ("clean", "No warnings left")],
        required=False,
    )

    def __init__(self, data, *, topics: list[Topic]):
        super().__init__(data)
        self.fields["topic"].choices = [("", "All topics"), *((t.pk, t.title) for t in topics)]

    def apply(self, questions: QuerySet, *, warned: Iterable[int] = ()) -> QuerySet:
        """The questions the filters let through; `warned`: those with warnings left (quality.open_counts)."""
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
        if data.get("status") == "review":  # a source revision changed what they cite
            questions = questions.filter(review_flags__isnull=False).distinct()
        elif data.get("status"):
            questions = questions.filter(status=data["status"])
        if data.get("checks") == "warnings":
            questions = questions.filter(pk__in=list(warned))
        elif data.get("checks") == "clean":
            questions = questions.exclude(pk__in=list(warned))
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
            "audience",
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
            "audience": "Who can take it",
        }
        help_texts = {
            "time_limit_minutes": "Exams only. Empty: no limit.",
            "question_count": "Drawn at random from the topics for each attempt.",
            "topics": "None ticked: every topic.",
            "questions": "Every attempt gets all of these.",
            "is_published": "Off: a draft nobody can take. On: the learners below see it while it is open, "
            "if its bank is published too.",
            "sequential": "Questions are answered in order: no navigator, no skipping, no changed answers.",
        }
        widgets = {
            "selection": forms.RadioSelect,
            "audience": forms.RadioSelect,
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
        # A form sent without it (an older page, a script) keeps the quiz's audience: class-only when new.
        self.fields["audience"].required = False

    def _questions_in(self, topics) -> tuple[int, int]:
        """Active questions a random draw from `topics` (none ticked: every topic) can take, and the
        facts they test (a draw takes one question per fact, see quizzes.taking.selection). One query."""
        questions = self.instance.bank.questions.filter(
            status=Question.Status.ACTIVE, current_version__isnull=False
        )
        rows = list(
            (questions.filter(topic__in=topics) if topics else questions)
            .annotate(**facts.first_cited())
            .values_list("id", "fact_source", "fact_passage")
        )
        return len(rows), facts.count_facts(rows)

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("audience") and "audience" not in self.errors:
            data["audience"] = self.instance.audience or Quiz.Audience.CLASSES
        if data.get("selection") == Quiz.Selection.FIXED:
            data["question_count"] = len(data.get("questions") or [])  # a fixed list gives all it holds
            if not data["question_count"]:
                self.add_error("questions", "Tick at least one question for a fixed list.")
        count = data.get("question_count")
        if data.get("selection") == Quiz.Selection.RANDOM and not (count and 1 <= count <= MAX_QUESTIONS):
            self.add_error("question_count", f"Draw from 1 to {MAX_QUESTIONS} questions.")
        elif data.get("selection") == Quiz.Selection.RANDOM and "topics" in data:
            held, tested = self._questions_in(data["topics"])
            where = "The topics ticked hold" if data["topics"] else "The bank holds"
            if count > held:
                self.add_error(
                    "question_count",
                    f"{where} {held} active question{pluralize(held)}: "
                    f"draw at most {held}, or tick more topics.",
                )
            elif count > tested:
                # An attempt never tests one fact twice while it can help it: more would repeat facts.
                self.add_error(
                    "question_count",
                    f"{where} {held} active question{pluralize(held)} but they test {tested} "
                    f"fact{pluralize(tested)} (questions that cite the same passage first test the same "
                    f"fact, and an attempt asks each fact once): draw at most {tested}, or tick more topics.",
                )
        limit = data.get("time_limit_minutes")
        if limit is not None and data.get("mode") != Quiz.Mode.EXAM:
            self.add_error("time_limit_minutes", "Only exams have a time limit: leave it empty for practice.")
        elif limit is not None and not 1 <= limit <= MAX_MINUTES:
            self.add_error("time_limit_minutes", f"A time limit is 1 to {MAX_MINUTES} minutes.")
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", "The quiz must close after it opens.")
        return data


class MediaUploadForm(forms.Form):
    """An image for the bank's questions: the file (checked by quizzes.media when stored) and its alt text."""

    image = forms.FileField(
        label="Image",
        help_text="PNG, JPEG, GIF or WebP, at most 2 MB. Not SVG: it can carry scripts.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}),
    )
    alt = PlainTextField(
        label="Alt text",
        max_length=500,
        required=False,
        help_text="What the figure shows that the question needs, for learners who cannot see it. Never "
        "the answer. Each question may word it its own way when it shows the image.",
    )

    def clean_image(self):
        upload = self.cleaned_data["image"]
        if upload.size > MAX_IMAGE_BYTES:
            raise forms.ValidationError(
                f"The image is {upload.size:,} bytes; the limit is {MAX_IMAGE_BYTES:,} bytes (2 MB)."
            )
        return upload
