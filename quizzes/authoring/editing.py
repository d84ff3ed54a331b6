"""Changing a bank: its topics, its questions (each edit a new version) and the quizzes built from it.

Plain functions, no request. Question versions are immutable: an edit or a restore writes a new version
through formats.database.new_version, and attempts keep the versions their slots point at, so no score
or history changes after the fact. A question that has been in an attempt is archived, never deleted.
"""

import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils.text import slugify

from ..formats.bankfile import QuestionData
from ..formats.database import content_hash, new_version
from ..items import get_item_type
from ..models import Bank, Citation, Passage, Question, QuestionVersion, Quiz, Slot, Topic
from ..sources.revisions import cited_texts


class EditConflict(Exception):
    """Someone saved a newer version while this edit was being written; saving would overwrite it."""

    def __init__(self, current: QuestionVersion):
        super().__init__(f"Version {current.number} was saved while you were editing.")
        self.current = current


class InvalidQuestion(ValueError):
    """The draft's spec breaks its item type's rules (forms check first; this guards every other caller)."""


class QuestionInUse(Exception):
    """The question has been in an attempt, so deleting it would change history: archive it instead."""


class QuizInUse(Exception):
    """Learners have attempted the quiz, so deleting it would take their results with it: archive it."""


class TopicInUse(Exception):
    """The topic still holds questions, or a quiz draws from it."""


@dataclass(frozen=True)
class QuestionDraft:
    """What an author wrote for a question: everything a version holds, and the question's topic."""

    item_type: str
    topic: Topic
    difficulty: str
    stem: str
    explanation: str
    source_section: str
    spec: dict
    # The passages cited, with their source version and source; the first names the source section.
    cites: tuple[Passage, ...] = ()
    clinical_judgment: str = ""
    cognitive_level: str = ""

    @classmethod
    def from_version(cls, version: QuestionVersion, topic: Topic) -> "QuestionDraft":
        return cls(
            item_type=version.item_type,
            topic=topic,
            difficulty=version.difficulty,
            stem=version.stem,
            explanation=version.explanation,
            source_section=version.source_section,
            spec=version.item.content(version.spec),
            cites=tuple(cited_texts([version]).get(version.pk, [])),
            clinical_judgment=version.clinical_judgment,
            cognitive_level=version.cognitive_level,
        )

    @property
    def cite_refs(self) -> list[str]:
        """The citations as the bank file writes them: "<source key>#<passage key>"."""
        return [f"{p.version.source.key}#{p.key}" for p in self.cites]

    def data(self, key: str) -> QuestionData:
        return QuestionData(
            key=key,
            topic=self.topic.slug,
            type=self.item_type,
            difficulty=self.difficulty,
            source_section=self.source_section,
            stem=self.stem,
            explanation=self.explanation,
            spec=self.spec,
            cites=self.cite_refs,
            clinical_judgment=self.clinical_judgment,
            cognitive_level=self.cognitive_level,
        )

    def check(self) -> None:
        errors = get_item_type(self.item_type).validate(self.spec)
        if errors:
            raise InvalidQuestion("; ".join(errors))

    def content_hash(self) -> str:
        return content_hash(
            self.item_type,
            self.stem,
            self.explanation,
            self.source_section,
            self.difficulty,
            self.spec,
            self.cite_refs,
            self.data("").tags(),
        )


def unique_slug(
    text: str, taken: QuerySet, field: str, *, fallback: str, reserved=frozenset(), max_length: int = 50
) -> str:
    """A slug for `text` that bank files accept (a-z, 0-9, dashes) and no row of `taken` has yet."""
    base = re.sub(r"[^a-z0-9]+", "-", slugify(text))[:max_length].strip("-") or fallback
    used = set(taken.filter(**{f"{field}__startswith": base}).values_list(field, flat=True)) | reserved
    slug, number = base, 1
    while slug in used:
        number += 1
        slug = f"{base}-{number}"
    return slug


# -- banks and topics -------------------------------------------------------------------------------------


def create_bank(
    owner, *, title: str, description: str = "", source: str = "", is_published: bool = False
) -> Bank:
    """A new bank, unpublished unless its author says otherwise."""
    return Bank.objects.create(
        # "new" would be read as the URL of the new-bank page.
        slug=unique_slug(title, Bank.objects.all(), "slug", fallback="bank", reserved={"new"}),
        title=title,
        description=description,
        source=source,
        owner=owner,
        is_published=is_published,
    )


def create_topic(bank: Bank, title: str) -> Topic:
    """A topic at the end of the bank's list."""
    last = bank.topics.aggregate(last=Max("position"))["last"]
    return Topic.objects.create(
        bank=bank,
        title=title,
        slug=unique_slug(title, bank.topics.all(), "slug", fallback="topic"),
        position=0 if last is None else last + 1,
    )


def delete_topic(topic: Topic) -> None:
    """Delete an unused topic. A quiz that drew from it alone would silently draw from every topic."""
    if topic.questions.exists():
        raise TopicInUse("This topic still has questions: move them to another topic first.")
    titles = list(topic.quiz_set.values_list("title", flat=True))
    if titles:
        raise TopicInUse(f"Quizzes draw from this topic ({', '.join(titles)}): change them first.")
    topic.delete()


@transaction.atomic
def move_topic(topic: Topic, step: int) -> None:
    """Move a topic one place up (-1) or down (+1) in its bank; at either end nothing changes.

    Positions are renumbered 0..n-1 on the way, so gaps or ties left by earlier edits heal.
    """
    topics = list(Topic.objects.select_for_update().filter(bank_id=topic.bank_id).order_by("position", "id"))
    index = next(i for i, t in enumerate(topics) if t.pk == topic.pk)
    target = index + step
    if 0 <= target < len(topics):
        topics[index], topics[target] = topics[target], topics[index]
    for position, each in enumerate(topics):
        each.position = position
    Topic.objects.bulk_update(topics, ["position"])


# -- questions --------------------------------------------------------------------------------------------


@transaction.atomic
def create_question(bank: Bank, draft: QuestionDraft, *, author) -> Question:
    """A new question with its first version; its key comes from the stem."""
    draft.check()
    question = Question.objects.create(
        bank=bank,
        topic=draft.topic,
        key=unique_slug(draft.stem, bank.questions.all(), "key", fallback="question"),
    )
    _cite(new_version(question, draft.data(question.key), 1, author=author), draft)
    return question


def _cite(version: QuestionVersion, draft: QuestionDraft) -> QuestionVersion:
    Citation.objects.bulk_create(
        [Citation(question_version=version, passage=p, position=i) for i, p in enumerate(draft.cites)]
    )
    return version


@transaction.atomic
def edit_question(
    question: Question, draft: QuestionDraft, *, author, base_version: int | None = None
) -> QuestionVersion | None:
    """Save an edit as a new version; None when only the topic changed, or nothing at all.

    `base_version` is the version the author started from: if another has been saved since, the edit
    is refused (EditConflict) rather than silently overwriting it.
    """
    draft.check()
    locked = Question.objects.select_for_update().get(pk=question.pk)
    # Read after the lock, in a query of its own: a version saved by whoever held the lock is seen.
    current = locked.current_version
    if base_version is not None and current is not None and current.number != base_version:
        raise EditConflict(current)
    if locked.topic_id != draft.topic.pk:  # the topic belongs to the question, not to a version
        locked.topic = draft.topic
        locked.save(update_fields=["topic"])
    # An author who saves has looked at the question again: a revision's "needs review" is answered.
    locked.review_flags.all().delete()
    if current is not None and current.content_hash == draft.content_hash():
        return None
    last = locked.versions.aggregate(last=Max("number"))["last"] or 0
    return _cite(new_version(locked, draft.data(locked.key), last + 1, author=author), draft)


def restore_version(question: Question, version: QuestionVersion, *, author) -> QuestionVersion | None:
    """Make an old version's content current again, as a new version. None if it already is."""
    return edit_question(question, QuestionDraft.from_version(version, question.topic), author=author)


def in_use(question: Question) -> bool:
    """Whether any version of the question has been given to a learner in an attempt."""
    return Slot.objects.filter(version__question=question).exists()


def set_status(question: Question, status: Question.Status) -> None:
    """Archive a question (new attempts no longer draw it) or make it active again."""
    question.status = status
    question.save(update_fields=["status"])


@transaction.atomic
def delete_question(question: Question) -> None:
    """Delete a question that no attempt has ever shown; one that has been shown must be archived."""
    if in_use(question):
        raise QuestionInUse("Learners have seen this question, so it can only be archived.")
    question.delete()


def move_questions(bank: Bank, question_ids: list[int], topic: Topic) -> int:
    """Move the bank's questions among `question_ids` to `topic`; returns how many moved."""
    if topic.bank_id != bank.pk:
        raise ValueError("The topic belongs to another bank.")
    return bank.questions.filter(pk__in=question_ids).exclude(topic=topic).update(topic=topic)


# -- quizzes ----------------------------------------------------------------------------------------------


@transaction.atomic
def save_quiz(quiz: Quiz, *, topics, questions) -> Quiz:
    """Save a quiz built in the quiz builder, with the topics it draws from or its fixed list.

    Only the list its selection uses is kept, so the data says what the quiz does; a fixed list's
    question count is its length.
    """
    if quiz.pk is None:
        quiz.slug = unique_slug(quiz.title, quiz.bank.quizzes.all(), "slug", fallback="quiz")
        last = quiz.bank.quizzes.aggregate(last=Max("position"))["last"]
        quiz.position = 0 if last is None else last + 1
    questions = list(questions) if quiz.is_fixed else []
    if quiz.is_fixed:
        quiz.question_count = len(questions)
    quiz.save()
    quiz.topics.set([] if quiz.is_fixed else topics)
    quiz.questions.set(questions)
    return quiz


def quiz_in_use(quiz: Quiz) -> bool:
    """Whether any learner has started the quiz (their attempts and results point at it)."""
    return quiz.attempts.exists()


@transaction.atomic
def delete_quiz(quiz: Quiz) -> None:
    """Delete a quiz nobody has attempted (its class assignments go with it); one attempted is archived."""
    locked = Quiz.objects.select_for_update().get(pk=quiz.pk)
    if quiz_in_use(locked):
        raise QuizInUse("Learners have attempted this quiz, so it can only be archived.")
    locked.delete()


def set_quiz_archived(quiz: Quiz, archived: bool) -> None:
    """Archive a quiz (gone from every list, closed to new attempts, results kept) or bring it back."""
    quiz.is_archived = archived
    quiz.save(update_fields=["is_archived"])
