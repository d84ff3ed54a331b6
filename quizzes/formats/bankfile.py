"""The project's own bank file: JSON, human-readable, versioned by a format number.

    {"format": 1,
     "bank": {"slug", "title", "description", "source"},
     "topics": [{"slug", "title"}, ...],
     "questions": [{"key", "topic", "type", "difficulty", "source_section", "stem", "explanation",
                    ...the item type's own fields, e.g. "options": [{"text", "correct", "rationale"}]}],
     "quizzes": [{"slug", "title", "mode", "question_count", "topics", "time_limit_minutes",
                  ...and, from format 2, the quiz builder's settings where they differ from the defaults:
                  "selection", "questions" (keys of a fixed list), "shuffle_questions", "shuffle_options",
                  "pass_mark_percent", "attempts_allowed", "sequential", "opens_at", "closes_at"
                  (ISO 8601 with a time zone), "is_published"}]}

A file is written as format 1 when no quiz needs format 2's fields, so format 1 files (the MMN bank)
read and write back byte for byte; both formats are read.

`parse` checks everything and reports every problem with the line it is on; `dump` writes the same
shape back, so loading a file and exporting the bank gives the file again.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from quizzes.items import ITEM_TYPES

FORMAT = 1
FORMATS = (1, 2)
# Format 2's quiz settings and their defaults: a setting at its default is not written.
QUIZ_SETTINGS = {
    "selection": "random",
    "questions": [],
    "shuffle_questions": True,
    "shuffle_options": True,
    "pass_mark_percent": None,
    "attempts_allowed": 0,
    "sequential": False,
    "opens_at": None,
    "closes_at": None,
    "is_published": True,
}
SELECTIONS = ("random", "fixed")
DIFFICULTIES = ("easy", "medium", "hard")
MODES = ("practice", "exam")
QUESTION_FIELDS = ("key", "topic", "type", "difficulty", "source_section", "stem", "explanation")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class BankFileError(ValueError):
    """A bank file that cannot be loaded; `errors` lists every problem, each with its line."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class QuestionData:
    key: str
    topic: str
    type: str
    difficulty: str
    source_section: str
    stem: str
    explanation: str
    spec: dict


@dataclass
class QuizData:
    slug: str
    title: str
    mode: str
    question_count: int
    topics: list[str]
    time_limit_minutes: int | None
    description: str = ""
    selection: str = "random"
    questions: list[str] = field(default_factory=list)
    shuffle_questions: bool = True
    shuffle_options: bool = True
    pass_mark_percent: int | None = None
    attempts_allowed: int = 0
    sequential: bool = False
    opens_at: str | None = None  # ISO 8601 with a time zone
    closes_at: str | None = None
    is_published: bool = True

    def settings(self) -> dict:
        """Format 2's settings that differ from their defaults, as the file writes them."""
        return {
            name: getattr(self, name)
            for name, default in QUIZ_SETTINGS.items()
            if getattr(self, name) != default
        }


@dataclass
class BankData:
    slug: str
    title: str
    description: str = ""
    source: str = ""
    topics: list[tuple[str, str]] = field(default_factory=list)
    questions: list[QuestionData] = field(default_factory=list)
    quizzes: list[QuizData] = field(default_factory=list)


class _Checker:
    """Collects errors, each prefixed with the line of the object it is about."""

    def __init__(self, text: str):
        self.text = text
        self.errors: list[str] = []

    def line_of(self, name: str, value: str) -> int | None:
        match = re.search(
            rf'"{re.escape(name)}"\s*:\s*{re.escape(json.dumps(value, ensure_ascii=False))}', self.text
        )
        return self.text.count("\n", 0, match.start()) + 1 if match else None

    def error(self, where: str, message: str, line: int | None = None) -> None:
        self.errors.append(f"line {line}: {where}: {message}" if line else f"{where}: {message}")

    def text_field(self, obj: dict, name: str, where: str, line: int | None, *, required: bool = True) -> str:
        value = obj.get(name, "" if not required else None)
        if not isinstance(value, str) or (required and not value.strip()):
            self.error(where, f'"{name}" must be a non-empty string', line)
            return ""
        return value.strip()


def parse(text: str) -> BankData:
    """Read a bank file. Raises BankFileError listing every problem found."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BankFileError([f"line {exc.lineno}, column {exc.colno}: not valid JSON: {exc.msg}"]) from None
    if not isinstance(raw, dict):
        raise BankFileError(["line 1: the file must hold one JSON object"])
    if raw.get("format") not in FORMATS or isinstance(raw.get("format"), bool):
        raise BankFileError([f'"format" must be 1 or 2, not {raw.get("format")!r}'])

    check = _Checker(text)
    bank_raw = raw.get("bank")
    if not isinstance(bank_raw, dict):
        raise BankFileError(['"bank" must be an object with slug and title'])
    bank = BankData(
        slug=check.text_field(bank_raw, "slug", "bank", None),
        title=check.text_field(bank_raw, "title", "bank", None),
        description=check.text_field(bank_raw, "description", "bank", None, required=False),
        source=check.text_field(bank_raw, "source", "bank", None, required=False),
    )
    if bank.slug and not SLUG.match(bank.slug):
        check.error("bank", f"slug {bank.slug!r} may hold only lower-case letters, digits and dashes")

    for index, topic in enumerate(_list(raw, "topics", check)):
        where = f"topic {index + 1}"
        if not isinstance(topic, dict):
            check.error(where, "must be an object")
            continue
        line = check.line_of("slug", topic.get("slug", ""))
        slug = check.text_field(topic, "slug", where, line)
        title = check.text_field(topic, "title", where, line)
        if slug and not SLUG.match(slug):
            check.error(where, f"slug {slug!r} may hold only lower-case letters, digits and dashes", line)
        if slug in {s for s, _ in bank.topics}:
            check.error(where, f"topic {slug!r} appears twice", line)
        bank.topics.append((slug, title))
    topic_slugs = {slug for slug, _ in bank.topics}

    for index, question in enumerate(_list(raw, "questions", check)):
        parsed = _question(question, index, topic_slugs, check)
        if parsed and parsed.key in {q.key for q in bank.questions}:
            check.error(f"question {parsed.key}", "key appears twice", check.line_of("key", parsed.key))
        elif parsed:
            bank.questions.append(parsed)

    keys = {q.key for q in bank.questions}
    for index, quiz in enumerate(_list(raw, "quizzes", check)):
        parsed = _quiz(quiz, index, topic_slugs, check, raw["format"], keys)
        if parsed:
            bank.quizzes.append(parsed)

    if check.errors:
        raise BankFileError(check.errors)
    return bank


def _list(raw: dict, name: str, check: _Checker) -> list:
    value = raw.get(name, [])
    if not isinstance(value, list):
        check.error(name, "must be a list")
        return []
    return value


def _question(raw, index: int, topic_slugs: set[str], check: _Checker) -> QuestionData | None:
    if not isinstance(raw, dict):
        check.error(f"question {index + 1}", "must be an object")
        return None
    key = raw.get("key") if isinstance(raw.get("key"), str) else ""
    line = check.line_of("key", key) if key else None
    where = f"question {key or index + 1}"
    errors_before = len(check.errors)
    values = {name: check.text_field(raw, name, where, line) for name in QUESTION_FIELDS}
    if key and not SLUG.match(key):
        check.error(where, "key may hold only lower-case letters, digits and dashes", line)
    if values["topic"] and values["topic"] not in topic_slugs:
        check.error(where, f"unknown topic {values['topic']!r}", line)
    if values["difficulty"] and values["difficulty"] not in DIFFICULTIES:
        check.error(where, f"difficulty must be one of {', '.join(DIFFICULTIES)}", line)
    item = ITEM_TYPES.get(values["type"])
    if item is None:
        if values["type"]:
            check.error(where, f"unknown type {values['type']!r} (known: {', '.join(ITEM_TYPES)})", line)
        return None
    unknown = set(raw) - set(QUESTION_FIELDS) - set(item.fields)
    if unknown:
        check.error(where, f"unknown field(s) {', '.join(sorted(unknown))}", line)
    spec = {name: raw.get(name) for name in item.fields}
    for message in item.validate(spec):
        check.error(where, message, line)
    if len(check.errors) > errors_before:
        return None
    return QuestionData(spec=item.content(spec), **values)


def _quiz(
    raw, index: int, topic_slugs: set[str], check: _Checker, version: int, keys: set[str]
) -> QuizData | None:
    if not isinstance(raw, dict):
        check.error(f"quiz {index + 1}", "must be an object")
        return None
    slug = raw.get("slug") if isinstance(raw.get("slug"), str) else ""
    line = check.line_of("slug", slug) if slug else None
    where = f"quiz {slug or index + 1}"
    errors_before = len(check.errors)
    title = check.text_field(raw, "title", where, line)
    if not SLUG.match(slug):
        check.error(where, '"slug" must hold only lower-case letters, digits and dashes', line)
    mode = raw.get("mode")
    if mode not in MODES:
        check.error(where, f'"mode" must be one of {", ".join(MODES)}', line)
    count = raw.get("question_count")
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 500:
        check.error(where, '"question_count" must be a whole number from 1 to 500', line)
    limit = raw.get("time_limit_minutes")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 600):
        check.error(where, '"time_limit_minutes" must be empty (null) or a whole number from 1 to 600', line)
    topics = raw.get("topics", [])
    if not isinstance(topics, list) or any(t not in topic_slugs for t in topics):
        check.error(where, f'"topics" must list known topic slugs, not {topics!r}', line)
    settings = {name: raw[name] for name in QUIZ_SETTINGS if name in raw}
    if settings and version < 2:
        check.error(where, f'{", ".join(settings)} need "format": 2', line)
    for message in _settings_errors(settings, keys):
        check.error(where, message, line)
    if len(check.errors) > errors_before:
        return None
    return QuizData(
        slug=slug,
        title=title,
        mode=mode,
        question_count=count,
        topics=list(topics),
        time_limit_minutes=limit,
        description=raw.get("description", "") or "",
        **settings,
    )


def _whole(value, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _settings_errors(settings: dict, keys: set[str]) -> list[str]:
    errors = []
    if settings.get("selection", "random") not in SELECTIONS:
        errors.append('"selection" must be random or fixed')
    chosen = settings.get("questions", [])
    if not isinstance(chosen, list) or any(key not in keys for key in chosen):
        errors.append(f'"questions" must list keys of questions in this file, not {chosen!r}')
    for name in ("shuffle_questions", "shuffle_options", "sequential", "is_published"):
        if not isinstance(settings.get(name, True), bool):
            errors.append(f'"{name}" must be true or false')
    mark = settings.get("pass_mark_percent")
    if mark is not None and not _whole(mark, 0, 100):
        errors.append('"pass_mark_percent" must be empty (null) or a whole number from 0 to 100')
    if not _whole(settings.get("attempts_allowed", 0), 0, 1000):
        errors.append('"attempts_allowed" must be a whole number from 0 (unlimited) to 1000')
    moments = {}
    for name in ("opens_at", "closes_at"):
        value = settings.get(name)
        if value is None:
            continue
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            errors.append(
                f'"{name}" must be a date and time with a time zone, e.g. 2026-03-01T09:00:00+00:00'
            )
        else:
            moments[name] = moment
    if len(moments) == 2 and moments["closes_at"] <= moments["opens_at"]:
        errors.append('"closes_at" must come after "opens_at"')
    return errors


def to_dict(bank: BankData) -> dict:
    """The file's content for a bank, in the file's own key order."""
    return {
        "format": 2 if any(quiz.settings() for quiz in bank.quizzes) else FORMAT,
        "bank": {
            "slug": bank.slug,
            "title": bank.title,
            "description": bank.description,
            "source": bank.source,
        },
        "topics": [{"slug": slug, "title": title} for slug, title in bank.topics],
        "questions": [
            {
                "key": q.key,
                "topic": q.topic,
                "type": q.type,
                "difficulty": q.difficulty,
                "source_section": q.source_section,
                "stem": q.stem,
                "explanation": q.explanation,
                **q.spec,
            }
            for q in bank.questions
        ],
        "quizzes": [
            {
                "slug": quiz.slug,
                "title": quiz.title,
                "mode": quiz.mode,
                "question_count": quiz.question_count,
                "topics": quiz.topics,
                "time_limit_minutes": quiz.time_limit_minutes,
                **({"description": quiz.description} if quiz.description else {}),
                **quiz.settings(),
            }
            for quiz in bank.quizzes
        ],
    }


def dump(bank: BankData) -> str:
    return json.dumps(to_dict(bank), indent=2, ensure_ascii=False) + "\n"
