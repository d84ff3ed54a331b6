"""Writing a parsed bank into the database, and reading a bank back out.

Loading is idempotent: an unchanged question is left alone, a changed one gets a new version, and the
whole file is written in one transaction or not at all.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from quizzes.items import get_item_type
from quizzes.models import Bank, Question, QuestionVersion, Quiz, Topic

from .bankfile import BankData, QuestionData, QuizData


@dataclass
class ImportReport:
    bank: Bank
    created: int = 0
    new_versions: int = 0
    unchanged: int = 0
    quizzes: int = 0

    def __str__(self) -> str:
        return (
            f"{self.bank.slug}: {self.created} new questions, {self.new_versions} new versions, "
            f"{self.unchanged} unchanged, {self.quizzes} quizzes"
        )


def content_hash(
    item_type: str, stem: str, explanation: str, source_section: str, difficulty: str, spec: dict
) -> str:
    """Identifies what a version says, so re-loading the same text never makes a new version."""
    content = {
        "type": item_type,
        "stem": stem,
        "explanation": explanation,
        "source_section": source_section,
        "difficulty": difficulty,
        "spec": get_item_type(item_type).content(spec),
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def new_version(question: Question, data: QuestionData, number: int, *, author=None) -> QuestionVersion:
    item = get_item_type(data.type)
    spec = item.normalise(data.spec)
    version = QuestionVersion.objects.create(
        question=question,
        number=number,
        item_type=data.type,
        stem=data.stem,
        explanation=data.explanation,
        source_section=data.source_section,
        difficulty=data.difficulty,
        spec=spec,
        max_points=item.max_points(spec),
        content_hash=_hash(data),
        created_by=author,
    )
    question.current_version = version
    question.save(update_fields=["current_version"])
    return version


def _hash(data: QuestionData) -> str:
    return content_hash(
        data.type, data.stem, data.explanation, data.source_section, data.difficulty, data.spec
    )


@transaction.atomic
def import_bank(data: BankData, *, owner=None) -> ImportReport:
    bank, created = Bank.objects.get_or_create(
        slug=data.slug,
        defaults={
            "title": data.title,
            "description": data.description,
            "source": data.source,
            "owner": owner,
        },
    )
    if not created:
        bank.title, bank.description, bank.source = data.title, data.description, data.source
        if bank.owner is None:
            bank.owner = owner
        bank.save()
    report = ImportReport(bank=bank)

    topics = {t.slug: t for t in bank.topics.all()}
    for position, (slug, title) in enumerate(data.topics):
        topic = topics.get(slug) or Topic(bank=bank, slug=slug)
        if topic.pk is None or (topic.title, topic.position) != (title, position):
            topic.title, topic.position = title, position
            topic.save()
        topics[slug] = topic

    existing = {q.key: q for q in bank.questions.select_related("current_version")}
    for item in data.questions:
        question = existing.get(item.key)
        if question is None:
            question = Question.objects.create(bank=bank, key=item.key, topic=topics[item.topic])
            existing[item.key] = question
            new_version(question, item, 1, author=owner)
            report.created += 1
            continue
        if question.topic_id != topics[item.topic].pk:
            question.topic = topics[item.topic]
            question.save(update_fields=["topic"])
        current = question.current_version
        if current is not None and current.content_hash == _hash(item):
            report.unchanged += 1
            continue
        last = question.versions.order_by("-number").values_list("number", flat=True).first() or 0
        new_version(question, item, last + 1, author=owner)
        report.new_versions += 1

    for position, quiz_data in enumerate(data.quizzes):
        _save_quiz(bank, quiz_data, position, topics, existing)
        report.quizzes += 1
    return report


def _save_quiz(
    bank: Bank, data: QuizData, position: int, topics: dict[str, Topic], questions: dict[str, Question]
) -> Quiz:
    quiz, _ = Quiz.objects.update_or_create(
        bank=bank,
        slug=data.slug,
        defaults={
            "title": data.title,
            "description": data.description,
            "mode": data.mode,
            "question_count": data.question_count,
            "time_limit_minutes": data.time_limit_minutes,
            "position": position,
            "selection": data.selection,
            "shuffle_questions": data.shuffle_questions,
            "shuffle_options": data.shuffle_options,
            "pass_mark_percent": data.pass_mark_percent,
            "attempts_allowed": data.attempts_allowed,
            "sequential": data.sequential,
            "opens_at": datetime.fromisoformat(data.opens_at) if data.opens_at else None,
            "closes_at": datetime.fromisoformat(data.closes_at) if data.closes_at else None,
            "is_published": data.is_published,
        },
    )
    quiz.topics.set([topics[slug] for slug in data.topics])
    quiz.questions.set([questions[key] for key in data.questions])
    return quiz


def export_bank(bank: Bank) -> BankData:
    """The bank as it stands now: its topics, the current version of each question, its quizzes."""
    data = BankData(slug=bank.slug, title=bank.title, description=bank.description, source=bank.source)
    data.topics = [(t.slug, t.title) for t in bank.topics.order_by("position", "id")]
    questions = (
        bank.questions.filter(current_version__isnull=False)
        .select_related("topic", "current_version")
        .order_by("id")
    )
    for question in questions:
        version = question.current_version
        data.questions.append(
            QuestionData(
                key=question.key,
                topic=question.topic.slug,
                type=version.item_type,
                difficulty=version.difficulty,
                source_section=version.source_section,
                stem=version.stem,
                explanation=version.explanation,
                spec=version.item.content(version.spec),
            )
        )
    for quiz in bank.quizzes.prefetch_related("topics", "questions").order_by("position", "id"):
        data.quizzes.append(
            QuizData(
                slug=quiz.slug,
                title=quiz.title,
                mode=quiz.mode,
                question_count=quiz.question_count,
                topics=[t.slug for t in sorted(quiz.topics.all(), key=lambda t: (t.position, t.id))],
                time_limit_minutes=quiz.time_limit_minutes,
                description=quiz.description,
                selection=quiz.selection,
                questions=[q.key for q in sorted(quiz.questions.all(), key=lambda q: q.id)],
                shuffle_questions=quiz.shuffle_questions,
                shuffle_options=quiz.shuffle_options,
                pass_mark_percent=quiz.pass_mark_percent,
                attempts_allowed=quiz.attempts_allowed,
                sequential=quiz.sequential,
                opens_at=quiz.opens_at.isoformat() if quiz.opens_at else None,
                closes_at=quiz.closes_at.isoformat() if quiz.closes_at else None,
                is_published=quiz.is_published,
            )
        )
    return data
