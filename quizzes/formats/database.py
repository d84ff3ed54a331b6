"""Writing a parsed bank into the database, and reading a bank back out.

Loading is idempotent: an unchanged question is left alone, a changed one gets a new version, and the
whole file is written in one transaction or not at all. Before anything is written, `storage_problems`
checks what every format's parse gives against what the database can hold (lengths, control
characters), so a file the tables would refuse is a line-numbered error at the preview, not a 500 at
the confirm. The writing is in bulk: a fixed number of queries for questions and versions, whatever
the file's size.
"""

import hashlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from quizzes.authoring.checks import item_warnings
from quizzes.authoring.media import read as read_media
from quizzes.authoring.media import store as store_media
from quizzes.items import get_item_type
from quizzes.models import (
    Bank,
    BankMedia,
    Citation,
    Passage,
    Question,
    QuestionVersion,
    Quiz,
    Source,
    Topic,
    WarningDismissal,
)
from quizzes.sources.revisions import add_version, cited_texts, passages_of
from quizzes.validators import control_character_problem

from .bankfile import (
    BankData,
    BankFileError,
    MediaData,
    PassageData,
    QuestionData,
    QuizData,
    SourceData,
    media_names,
)

BATCH = 1_000  # rows per INSERT or UPDATE: well inside every backend's limit on query parameters


def _max_length(model, name: str) -> int | None:
    return model._meta.get_field(name).max_length


# What each parsed object's text fields are stored in, for their length limits (None: no limit).
LIMITS = {
    "bank": {name: _max_length(Bank, name) for name in ("slug", "title", "description", "source")},
    "topic": {"slug": _max_length(Topic, "slug"), "title": _max_length(Topic, "title")},
    "question": {
        "key": _max_length(Question, "key"),
        "source_section": _max_length(QuestionVersion, "source_section"),
        "stem": None,
        "explanation": None,
        "dismissed": None,  # the reasons (the bank file limits their length)
    },
    "quiz": {name: _max_length(Quiz, name) for name in ("slug", "title", "description")},
    "source": {"key": _max_length(Source, "key"), "title": _max_length(Source, "title")},
    "passage": {"key": _max_length(Passage, "key"), "section": _max_length(Passage, "section"), "text": None},
}


def _strings(name: str, value) -> Iterator[tuple[str, str]]:
    """(name, text) for `value` and every string inside it, however deep, all named `name`."""
    if isinstance(value, str):
        yield name, value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(name, item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(name, item)


def storage_problems(data: BankData) -> list[str]:
    """Why the database cannot hold `data` as parsed, each problem with its line; empty when it can.

    Every format (bank file, GIFT, Moodle XML) passes through here, so the rules live in one place:
    no text longer than its column, and no control character (quizzes.validators) in any text,
    including the texts inside a question's spec (PostgreSQL's jsonb cannot hold NUL).
    """
    problems: list[str] = []

    def check(kind: str, where: str, line: int | None, texts) -> None:
        prefix = f"line {line}: {where}" if line else where
        for name, text in texts:
            limit = LIMITS[kind].get(name)
            if limit is not None and len(text) > limit:
                problems.append(f'{prefix}: "{name}" is too long: {len(text):,} characters, at most {limit}')
            if problem := control_character_problem(text):
                problems.append(f'{prefix}: "{name}" {problem}')

    def fields(obj, kind: str) -> Iterator[tuple[str, str]]:
        for name in LIMITS[kind]:
            yield from _strings(name, getattr(obj, name))

    check("bank", "bank", data.line, fields(data, "bank"))
    for slug, title in data.topics:
        check("topic", f"topic {slug[:40]}", data.topic_lines.get(slug), [("slug", slug), ("title", title)])
    for q in data.questions:
        spec = (text for name, value in q.spec.items() for text in _strings(name, value))
        check("question", f"question {q.key[:40]}", q.line, [*fields(q, "question"), *spec])
    for quiz in data.quizzes:
        check("quiz", f"quiz {quiz.slug[:40]}", quiz.line, fields(quiz, "quiz"))
    for source in data.sources:
        check("source", f"source {source.key[:40]}", source.line, fields(source, "source"))
        for passage in source.passages:
            check(
                "passage",
                f"source {source.key[:40]}, passage {passage.key[:40]}",
                source.line,
                fields(passage, "passage"),
            )
    return problems


def check_storable(data: BankData) -> BankData:
    """`data`, or a BankFileError listing every reason the database cannot hold it."""
    if not data.storable:
        if problems := storage_problems(data):
            raise BankFileError(problems)
        data.storable = True  # the confirm step checks what the parse already checked: once is enough
    return data


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
    item_type: str,
    stem: str,
    explanation: str,
    source_section: str,
    difficulty: str,
    spec: dict,
    cites: list[str] = (),
    tags: dict | None = None,
) -> str:
    """Identifies what a version says, so re-loading the same text never makes a new version.

    Citations count only when there are some, and `tags` are the clinical-judgment tags that are set
    (QuestionData.tags), so a version written before sources and tags hashes as it did.
    """
    content = {
        "type": item_type,
        "stem": stem,
        "explanation": explanation,
        "source_section": source_section,
        "difficulty": difficulty,
        "spec": get_item_type(item_type).content(spec),
        **({"cites": list(cites)} if cites else {}),
        **(tags or {}),
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _unsaved_version(question: Question, data: QuestionData, number: int, author) -> QuestionVersion:
    item = get_item_type(data.type)
    spec = item.normalise(data.spec)
    return QuestionVersion(
        question=question,
        number=number,
        item_type=data.type,
        stem=data.stem,
        explanation=data.explanation,
        source_section=data.source_section,
        difficulty=data.difficulty,
        clinical_judgment=data.clinical_judgment,
        cognitive_level=data.cognitive_level,
        spec=spec,
        max_points=item.max_points(spec),
        content_hash=_hash(data),
        created_by=author,
        warnings=item_warnings(data),
    )


def new_version(question: Question, data: QuestionData, number: int, *, author=None) -> QuestionVersion:
    version = _unsaved_version(question, data, number, author)
    version.save()
    question.current_version = version
    question.save(update_fields=["current_version"])
    return version


def _hash(data: QuestionData) -> str:
    return content_hash(
        data.type,
        data.stem,
        data.explanation,
        data.source_section,
        data.difficulty,
        data.spec,
        data.cites,
        data.tags(),
    )


@transaction.atomic
def import_bank(data: BankData, *, owner=None) -> ImportReport:
    """Write `data` into its bank, all or nothing; a BankFileError, before any write, when it cannot be.

    Questions and versions are written in bulk, so a file of 20,000 questions is a few dozen queries.
    """
    check_storable(data)
    if problems := source_conflicts(data):
        raise BankFileError(problems)
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
    # The images first: the questions refer to them. Each was proved an image when the file was read; a
    # file is written once under its hash (a rolled-back import leaves only an unreferenced file behind).
    for found in data.media.values():
        store_media(bank, found.data, alt=found.alt, user=owner)
    topics = _save_topics(bank, data.topics)
    passages = _save_sources(bank, data.sources, owner)

    existing = {
        q.key: q
        for q in bank.questions.select_related("current_version").only(
            "key", "topic", "current_version__content_hash"
        )
    }
    new_questions, moved, changed = [], [], []
    for item in data.questions:
        question = existing.get(item.key)
        if question is None:
            new_questions.append(item)
            continue
        if question.topic_id != topics[item.topic].pk:
            question.topic = topics[item.topic]
            moved.append(question)
        current = question.current_version
        if current is not None and current.content_hash == _hash(item):
            report.unchanged += 1
        else:
            changed.append((question, item))
    Question.objects.bulk_update(moved, ["topic"], batch_size=BATCH)
    written = _write_questions(bank, topics, new_questions, changed, owner)
    Citation.objects.bulk_create(
        [
            Citation(question_version_id=version_id, passage_id=passages[cite], position=position)
            for version_id, item in written
            for position, cite in enumerate(item.cites)
        ],
        batch_size=BATCH,
    )
    if wanted := {key for quiz in data.quizzes for key in quiz.questions if key not in existing}:
        existing.update((q.key, q) for q in bank.questions.filter(key__in=wanted))
    report.created, report.new_versions = len(new_questions), len(changed)
    _save_dismissals(bank, data.questions, owner)

    for position, quiz_data in enumerate(data.quizzes):
        _save_quiz(bank, quiz_data, position, topics, existing)
        report.quizzes += 1
    return report


def source_conflicts(data: BankData) -> list[str]:
    """The file's source versions that its bank already holds with other passages (versions are
    immutable, so a changed text needs a new version number), each with its line: a few queries."""
    problems = []
    stored = Source.objects.filter(bank__slug=data.slug, key__in=[s.key for s in data.sources])
    for source in stored:
        wanted = next(s for s in data.sources if s.key == source.key)
        version = source.versions.filter(number=wanted.version).first()
        if version is None:
            continue
        if [(p.key, p.section, p.text) for p in passages_of(version)] != [
            (p.key, p.section, p.text) for p in wanted.passages
        ]:
            where = f"line {wanted.line}: source {wanted.key}" if wanted.line else f"source {wanted.key}"
            problems.append(
                f"{where}: version {wanted.version} is already loaded with other passages; "
                "a changed text needs a new version number"
            )
    return problems


def _save_sources(bank: Bank, sources: list[SourceData], owner) -> dict[str, int]:
    """Each source's version as the file has it (made when new): its passages' ids by "source#passage".

    A version the bank already has must say what it said: the file cannot change it (versions are
    immutable), only add a version with a new number.
    """
    found: dict[str, int] = {}
    for data in sources:
        source, _ = Source.objects.get_or_create(bank=bank, key=data.key, defaults={"title": data.title})
        if source.title != data.title:
            source.title = data.title
            source.save(update_fields=["title"])
        wanted = [(p.key, p.section, p.text) for p in data.passages]
        # source_conflicts has checked that a version the bank holds says what the file says.
        version = source.versions.filter(number=data.version).first()
        if version is None:
            version = add_version(source, wanted, number=data.version, author=owner)
        for passage in passages_of(version):
            found[f"{data.key}#{passage.key}"] = passage.pk
    return found


def _save_dismissals(bank: Bank, questions: list[QuestionData], owner) -> None:
    """The file's dismissed warnings, on each question's current version (a reason already there is
    replaced). Two queries when the file has any, none otherwise."""
    wanted = {q.key: q.dismissed for q in questions if q.dismissed}
    if not wanted:
        return
    current = dict(bank.questions.values_list("key", "current_version_id"))
    WarningDismissal.objects.bulk_create(
        [
            WarningDismissal(version_id=current[key], check_id=check, reason=reason, dismissed_by=owner)
            for key, dismissed in wanted.items()
            for check, reason in dismissed.items()
        ],
        update_conflicts=True,
        unique_fields=["version", "check_id"],
        update_fields=["reason"],
        batch_size=BATCH,
    )


def _save_topics(bank: Bank, wanted: list[tuple[str, str]]) -> dict[str, Topic]:
    """The bank's topics by slug, with `wanted`'s titles in `wanted`'s order (new ones made)."""
    topics = {t.slug: t for t in bank.topics.all()}
    new, changed = [], []
    for position, (slug, title) in enumerate(wanted):
        topic = topics.get(slug)
        if topic is None:
            topics[slug] = topic = Topic(bank=bank, slug=slug, title=title, position=position)
            new.append(topic)
        elif (topic.title, topic.position) != (title, position):
            topic.title, topic.position = title, position
            changed.append(topic)
    Topic.objects.bulk_create(new, batch_size=BATCH)
    Topic.objects.bulk_update(changed, ["title", "position"], batch_size=BATCH)
    return topics


def _write_questions(
    bank: Bank, topics: dict[str, Topic], new: list[QuestionData], changed: list, author
) -> list[tuple[int, QuestionData]]:
    """Insert the new questions and every new version, and point each question at its new version;
    returns each new version's id with what it was made from.

    Django's bulk_create spends most of a large import building model instances and compiling one
    huge INSERT; here rows are plain tuples, ids are allocated up front so that a new question is
    written already pointing at its first version (foreign keys are checked at commit), and on
    PostgreSQL the rows go in with COPY.
    """
    if not new and not changed:
        return []
    last = {}
    if changed:
        last = dict(
            QuestionVersion.objects.filter(question__bank=bank)
            .values("question")
            .annotate(last=Max("number"))
            .values_list("question", "last")
        )
    question_ids = _allocate_ids(Question, len(new))
    version_ids = _allocate_ids(QuestionVersion, len(new) + len(changed))
    now = timezone.now()
    if connection.vendor != "postgresql":  # COPY takes the datetime; SQLite's driver wants text
        now = connection.ops.adapt_datetimefield_value(now)
    _insert_rows(
        Question,
        QUESTION_COLUMNS,
        [
            (qid, bank.pk, item.key, topics[item.topic].pk, Question.Status.ACTIVE, vid, now)
            for qid, vid, item in zip(question_ids, version_ids, new, strict=False)
        ],
    )
    author_id = author.pk if author is not None else None
    targets = [(qid, 1, item) for qid, item in zip(question_ids, new, strict=True)] + [
        (question.pk, last.get(question.pk, 0) + 1, item) for question, item in changed
    ]
    _insert_rows(
        QuestionVersion,
        VERSION_COLUMNS,
        [
            (vid, *_version_row(qid, number, item, author_id, now))
            for vid, (qid, number, item) in zip(version_ids, targets, strict=True)
        ],
    )
    _set_current([question.pk for question, _ in changed], version_ids[len(new) :])
    return [(vid, item) for vid, (_, _, item) in zip(version_ids, targets, strict=True)]


# Every column of the two tables, in the order the rows below are built (a test checks none is missing:
# a model field's default is Python's, and a row written here gets only what it names).
QUESTION_COLUMNS = ("id", "bank_id", "key", "topic_id", "status", "current_version_id", "created_at")
VERSION_COLUMNS = (
    "id",
    "question_id",
    "number",
    "item_type",
    "stem",
    "explanation",
    "source_section",
    "difficulty",
    "spec",
    "max_points",
    "content_hash",
    "created_at",
    "created_by_id",
    "clinical_judgment",
    "cognitive_level",
    "warnings",
)


def _version_row(question_id: int, number: int, data: QuestionData, author_id, now) -> tuple:
    item = get_item_type(data.type)
    spec = item.normalise(data.spec)
    return (
        question_id,
        number,
        data.type,
        data.stem,
        data.explanation,
        data.source_section,
        data.difficulty,
        json.dumps(spec, ensure_ascii=False),
        item.max_points(spec),
        _hash(data),
        now,
        author_id,
        data.clinical_judgment,
        data.cognitive_level,
        json.dumps(item_warnings(data)),
    )


def _allocate_ids(model, count: int) -> list[int]:
    """`count` fresh primary keys for `model`'s table, taken now so rows can refer to each other.

    PostgreSQL hands them out from the table's sequence. SQLite has no sequence to draw from, but the
    import has already written (the bank) inside its transaction, so it holds the database's only
    write lock, and the next keys after the highest ever used (sqlite_sequence remembers deleted
    ones) are its own.
    """
    if not count:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0),"
            f" COALESCE((SELECT MAX(id) FROM {connection.ops.quote_name(table)}), 0))",
            [table],
        )
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def _insert_rows(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert `rows` (values in `columns`' order, ready for the database) into `model`'s table."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table, names = quote(model._meta.db_table), ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({names}) FROM STDIN"
            started = time.monotonic()
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
            if connection.queries_logged:  # Django's query log cannot see COPY; query counts should
                connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
            return
        places = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({places})", rows)


def _set_current(question_ids: list[int], version_ids: list[int]) -> None:
    """Point each question at its new version (pairs in order), in one statement per backend."""
    if not question_ids:
        return
    table = connection.ops.quote_name(Question._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} SET current_version_id = pair.version"
                f" FROM unnest(%s::bigint[], %s::bigint[]) AS pair(question, version)"
                f" WHERE id = pair.question",
                [question_ids, version_ids],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET current_version_id = %s WHERE id = %s",
                list(zip(version_ids, question_ids, strict=True)),
            )


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
            "audience": data.audience,
        },
    )
    quiz.topics.set([topics[slug] for slug in data.topics])
    quiz.questions.set([questions[key] for key in data.questions])
    return quiz


def version_data(
    question: Question,
    version: QuestionVersion,
    dismissed: dict | None = None,
    cites: list[str] | None = None,
) -> QuestionData:
    """A stored version in the bank file's shape (its topic selected with the question), with the
    warnings `dismissed` on it (check id -> reason) and its citations ("source#passage") when given."""
    return QuestionData(
        key=question.key,
        topic=question.topic.slug,
        type=version.item_type,
        difficulty=version.difficulty,
        source_section=version.source_section,
        stem=version.stem,
        explanation=version.explanation,
        spec=version.item.content(version.spec),
        clinical_judgment=version.clinical_judgment,
        cognitive_level=version.cognitive_level,
        dismissed=dismissed or {},
        cites=cites or [],
    )


def export_bank(bank: Bank) -> BankData:
    """The bank as it stands now: its topics, the current version of each question, its quizzes."""
    data = BankData(slug=bank.slug, title=bank.title, description=bank.description, source=bank.source)
    data.topics = [(t.slug, t.title) for t in bank.topics.order_by("position", "id")]
    current_keys: dict[str, set[str]] = {}
    for source in bank.sources.filter(current_version__isnull=False).select_related("current_version"):
        passages = passages_of(source.current_version)
        data.sources.append(
            SourceData(
                key=source.key,
                title=source.title,
                version=source.current_version.number,
                passages=[PassageData(p.key, p.section, p.text) for p in passages],
            )
        )
        current_keys[source.key] = {p.key for p in passages}
    questions = list(
        bank.questions.filter(current_version__isnull=False)
        .select_related("topic", "current_version")
        .prefetch_related("current_version__dismissals")
        .order_by("id")
    )
    cited = cited_texts([q.current_version for q in questions])
    for question in questions:
        version = question.current_version
        # A citation of a passage the source's current version removed cannot be written: the file
        # carries only that version (the question is flagged for review until an author edits it).
        cites = [
            f"{p.version.source.key}#{p.key}"
            for p in cited.get(version.pk, [])
            if p.key in current_keys.get(p.version.source.key, ())
        ]
        dismissed = {d.check_id: d.reason for d in version.dismissals.all()}
        data.questions.append(version_data(question, version, dismissed, cites))
    shown = {name for q in data.questions for name in media_names(q)}
    for image in BankMedia.objects.filter(bank=bank, name__in=shown).order_by("name"):
        try:
            data.media[image.name] = MediaData(name=image.name, data=read_media(image.name), alt=image.alt)
        except OSError:  # lost from storage: the question still says what it showed, by name and alt text
            continue
    # An archived quiz is retired: its results stay here, but it is not handed on to another site.
    quizzes = bank.quizzes.authored().filter(is_archived=False).prefetch_related("topics", "questions")
    for quiz in quizzes.order_by("position", "id"):
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
                audience=quiz.audience,
            )
        )
    return data
