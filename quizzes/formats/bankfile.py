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
                  (ISO 8601 with a time zone), "is_published", "audience" ("everyone", the default,
                  or "classes": only members of the classes it is assigned to)}]}

Format 3 adds the bank's source documents and each question's citations of their passages:

     "sources": [{"key", "title", "version", "passages": [{"key", "section", "text"}, ...]}, ...],
     "questions": [{..., "cites": ["<source key>#<passage key>", ...], ...}]

A question that cites passages leaves "source_section" out: it is the first cited passage's section.

From format 3, a question may carry the optional tags "clinical_judgment" (a step of the NCSBN Clinical
Judgment Measurement Model: one of CLINICAL_JUDGMENT) and "cognitive_level" (recall, application,
analysis), and a short-answer item "typo_tolerance" (0, 1 or 2 letters; absent: 1 for answers of 8+
letters, else 0), and "dismissed" ({"<check id>": "<reason>"}: the item-writing warnings its author judged
not to apply, with why).

Format 3 also carries the images its questions show (quizzes.media), each once, base64:

     "media": [{"name": "<sha256 of the bytes>.png", "alt": "<its alt text>", "data": "<base64>"}]

and any question text refers to one as Markdown, `![alt text](media:<name>)`.

A file is written with the lowest format its content needs (1 when no quiz needs format 2's fields and
no question format 3's), so older files (the MMN bank) read and write back byte for byte; all are read.

`parse` checks everything and reports every problem with the line it is on; `dump` writes the same
shape back, so loading a file and exporting the bank gives the file again.
"""

import base64
import binascii
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from quizzes import media as images
from quizzes.items import ITEM_TYPES
from quizzes.items.base import validate_imported
from quizzes.validators import moment_problem

FORMAT = 1
FORMATS = (1, 2, 3)
# Format 3's optional question tags, and the values each may take ("" or absent: untagged).
QUESTION_TAGS = {
    "clinical_judgment": (
        "recognize-cues",
        "analyze-cues",
        "prioritize-hypotheses",
        "generate-solutions",
        "take-action",
        "evaluate-outcomes",
    ),
    "cognitive_level": ("recall", "application", "analysis"),
}
# Spec fields an item type reads only from format 3 on (written only when set).
FORMAT_3_SPEC_FIELDS = ("typo_tolerance",)
# Format 3's item-writing warnings the author has dismissed: {"<check id>": "<why it does not apply>"}.
DISMISSED = "dismissed"
MAX_REASON = 1_000
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
    # A file that does not say is open to everyone, as the shipped MMN quizzes have always been.
    "audience": "everyone",
}
AUDIENCES = ("everyone", "classes")
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
    line: int | None = field(default=None, compare=False, repr=False)  # where the file has it, for errors
    # Format 3: the passages the question rests on, as "<source key>#<passage key>".
    cites: list[str] = field(default_factory=list)
    clinical_judgment: str = ""  # format 3's tags; "" untagged
    cognitive_level: str = ""
    # Format 3: item-writing check id -> why its warning does not apply (authoring.checks), the dismissals
    # of the version the file holds. Not part of what the question says: a change makes no new version.
    dismissed: dict[str, str] = field(default_factory=dict)

    def tags(self) -> dict:
        """Format 3's tags that are set, as the file writes them."""
        return {name: getattr(self, name) for name in QUESTION_TAGS if getattr(self, name)}

    def needs_format_3(self) -> bool:
        return (
            bool(self.tags())
            or bool(self.dismissed)
            or any(self.spec.get(name) is not None for name in FORMAT_3_SPEC_FIELDS)
        )


@dataclass
class PassageData:
    key: str
    section: str
    text: str


@dataclass
class SourceData:
    """A source document as the file carries it: one version of it, split into passages."""

    key: str
    title: str
    version: int
    passages: list[PassageData] = field(default_factory=list)
    line: int | None = field(default=None, compare=False, repr=False)

    def find(self, key: str) -> PassageData | None:
        return next((p for p in self.passages if p.key == key), None)


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
    audience: str = "everyone"
    line: int | None = field(default=None, compare=False, repr=False)

    def settings(self) -> dict:
        """Format 2's settings that differ from their defaults, as the file writes them."""
        return {
            name: getattr(self, name)
            for name, default in QUIZ_SETTINGS.items()
            if getattr(self, name) != default
        }


@dataclass
class MediaData:
    """An image a question shows: its bytes, already proved an image (quizzes.media.inspect), named by their
    hash, and the alt text it came with."""

    name: str
    data: bytes = field(repr=False)
    alt: str = ""


def texts_of(question: QuestionData) -> Iterator[str]:
    """Every text a question holds (stem, explanation, and each string of its spec), where images may be."""
    yield question.stem
    yield question.explanation

    def walk(value) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for inner in value.values():
                yield from walk(inner)
        elif isinstance(value, list):
            for inner in value:
                yield from walk(inner)

    yield from walk(question.spec)


def media_names(question: QuestionData) -> list[str]:
    """The images `question` shows, in order, each once."""
    return list(dict.fromkeys(name for text in texts_of(question) for _, name in images.references(text)))


@dataclass
class BankData:
    slug: str
    title: str
    description: str = ""
    source: str = ""
    topics: list[tuple[str, str]] = field(default_factory=list)
    questions: list[QuestionData] = field(default_factory=list)
    quizzes: list[QuizData] = field(default_factory=list)
    sources: list[SourceData] = field(default_factory=list)
    # Format 3: the images the questions show, by name (each once, whichever questions show it).
    media: dict[str, MediaData] = field(default_factory=dict)

    def keep_shown_media(self) -> None:
        """Drop the images no question shows (those of a question that was skipped or left out)."""
        shown = {name for q in self.questions for name in media_names(q)}
        self.media = {name: m for name, m in self.media.items() if name in shown}

    def cited(self, question: QuestionData) -> list[tuple[str, str]]:
        """(citation, passage text) for each passage `question` cites, for exports that keep the text."""
        sources = {source.key: source for source in self.sources}
        found = []
        for cite in question.cites:
            source_key, _, passage_key = cite.partition("#")
            passage = sources[source_key].find(passage_key) if source_key in sources else None
            if passage is not None:
                found.append((cite, " ".join(passage.text.split())))
        return found

    # Where the file has the bank and each topic (by slug), for errors found after parsing.
    line: int | None = field(default=None, compare=False, repr=False)
    topic_lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    # Set by quizzes.formats.database.check_storable once the database is known to hold every value.
    storable: bool = field(default=False, compare=False, repr=False)


class _Checker:
    """Collects errors, each prefixed with the line of the object it is about."""

    def __init__(self, text: str):
        self.text = text
        self.errors: list[str] = []
        self._lines: dict[str, dict] = {}

    def line_of(self, name: str, value, after: int = 0) -> int | None:
        """The line of the first `"name": value` in the file (past offset `after`), for a string value
        (else None).

        The file is read once per name, however many objects ask: a search from the top for each of
        20,000 questions would make a large file's parse quadratic.
        """
        if name not in self._lines:
            found: dict[str, list[tuple[int, int]]] = {}
            line, position = 1, 0
            for match in re.finditer(rf'"{re.escape(name)}"\s*:\s*("(?:[^"\\]|\\.)*")', self.text):
                line += self.text.count("\n", position, match.start())
                position = match.start()
                try:
                    found.setdefault(json.loads(match.group(1)), []).append((line, position))
                except ValueError:
                    continue  # not a string after all (e.g. inside another string): no line
            self._lines[name] = found
        if not isinstance(value, str):
            return None
        places = self._lines[name].get(value, [])
        return next((line for line, position in places if position >= after), None)

    def section_start(self, name: str) -> int:
        """Where the file's top-level list `name` starts (0 when it cannot tell), so that a key both a
        passage and a question use finds the question's line."""
        found = re.search(rf'(?<!\\)"{re.escape(name)}"\s*:\s*\[', self.text)
        return found.start() if found else 0

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
    except RecursionError:
        raise BankFileError([f"line {_too_deep(text)}: the file nests lists or objects too deeply"]) from None
    except ValueError:  # a number too long for Python to read (over 4,300 digits)
        digits = max(re.finditer(r"\d+", text), key=lambda m: len(m.group()))
        line = text.count("\n", 0, digits.start()) + 1
        raise BankFileError(
            [f"line {line}: a number of {len(digits.group()):,} digits is too long"]
        ) from None
    if not isinstance(raw, dict):
        raise BankFileError(["line 1: the file must hold one JSON object"])
    if raw.get("format") not in FORMATS or isinstance(raw.get("format"), bool):
        raise BankFileError([f'"format" must be 1, 2 or 3, not {raw.get("format")!r}'])

    check = _Checker(text)
    bank_raw = raw.get("bank")
    if not isinstance(bank_raw, dict):
        raise BankFileError(['"bank" must be an object with slug and title'])
    bank_line = re.search(r'"bank"\s*:', text)
    bank = BankData(
        line=text.count("\n", 0, bank_line.start()) + 1 if bank_line else None,
        slug=check.text_field(bank_raw, "slug", "bank", None),
        title=check.text_field(bank_raw, "title", "bank", None),
        description=check.text_field(bank_raw, "description", "bank", None, required=False),
        source=check.text_field(bank_raw, "source", "bank", None, required=False),
    )
    if bank.slug and not SLUG.match(bank.slug):
        check.error("bank", f"slug {bank.slug!r} may hold only lower-case letters, digits and dashes")

    topic_slugs: set[str] = set()
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
        if slug in topic_slugs:
            check.error(where, f"topic {slug!r} appears twice", line)
        bank.topics.append((slug, title))
        topic_slugs.add(slug)
        if line:
            bank.topic_lines.setdefault(slug, line)

    if "sources" in raw and raw["format"] < 3:
        check.error("sources", 'need "format": 3')
    sources = _sources(_list(raw, "sources", check), check)
    bank.sources = list(sources.values())

    if "media" in raw and raw["format"] < 3:
        check.error("media", 'need "format": 3')
    bank.media = _media(_list(raw, "media", check), check)

    keys: set[str] = set()
    for index, question in enumerate(_list(raw, "questions", check)):
        parsed = _question(question, index, topic_slugs, check, raw["format"], sources)
        if parsed and parsed.key in keys:
            check.error(f"question {parsed.key}", "key appears twice", parsed.line)
        elif parsed:
            bank.questions.append(parsed)
            keys.add(parsed.key)

    for index, quiz in enumerate(_list(raw, "quizzes", check)):
        parsed = _quiz(quiz, index, topic_slugs, check, raw["format"], keys)
        if parsed:
            bank.quizzes.append(parsed)

    for q in bank.questions:
        for name in media_names(q):
            if name not in bank.media:
                check.error(f"question {q.key}", f"shows the image {name}, not in the file's media", q.line)

    if check.errors:
        raise BankFileError(check.errors)
    return bank


def _media(raw: list, check: "_Checker") -> dict[str, MediaData]:
    """The file's images, each proved an image of a kind we serve, its name the hash of its bytes."""
    found: dict[str, MediaData] = {}
    for index, item in enumerate(raw):
        where = f"media {index + 1}"
        if not isinstance(item, dict):
            check.error(where, "must be an object with name, alt and data")
            continue
        line = check.line_of("name", item.get("name", ""))
        name = check.text_field(item, "name", where, line)
        alt = check.text_field(item, "alt", where, line, required=False)
        encoded = item.get("data")
        if not isinstance(encoded, str):
            check.error(where, '"data" must be the image in base64', line)
            continue
        try:
            data = base64.b64decode(encoded, validate=True)
            info = images.inspect(data)
        except (binascii.Error, ValueError) as exc:
            problem = exc if isinstance(exc, images.MediaError) else "its data is not valid base64"
            check.error(where, f"{name or 'the image'}: {problem}", line)
            continue
        if name != info.name:
            check.error(where, f"name {name!r} must be the image's own, {info.name!r}", line)
            continue
        found[name] = MediaData(name=name, data=data, alt=alt)
    return found


def _too_deep(text: str, limit: int = 100) -> int:
    """The line where the file's lists and objects nest more than `limit` deep (a bank file needs 5)."""
    depth = 0
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]', text):
        depth += {"[": 1, "{": 1, "]": -1, "}": -1}.get(match.group(), 0)
        if depth > limit:
            return text.count("\n", 0, match.start()) + 1
    return 1


def _list(raw: dict, name: str, check: _Checker) -> list:
    value = raw.get(name, [])
    if not isinstance(value, list):
        check.error(name, "must be a list")
        return []
    return value


def _sources(raw: list, check: _Checker) -> dict[str, SourceData]:
    """Format 3's sources by key, each passage checked; problems go to `check`."""
    sources: dict[str, SourceData] = {}
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            check.error(f"source {index + 1}", "must be an object")
            continue
        key = item.get("key") if isinstance(item.get("key"), str) else ""
        line = check.line_of("key", key) if key else None
        where = f"source {key or index + 1}"
        source = SourceData(
            key=check.text_field(item, "key", where, line),
            title=check.text_field(item, "title", where, line),
            version=item.get("version"),
            line=line,
        )
        if source.key and not SLUG.match(source.key):
            check.error(where, "key may hold only lower-case letters, digits and dashes", line)
        if source.key in sources:
            check.error(where, "key appears twice", line)
        if not _whole(source.version, 1, 1_000_000):
            check.error(where, '"version" must be a whole number from 1', line)
        passages = item.get("passages")
        if not isinstance(passages, list) or not passages:
            check.error(where, '"passages" must be a non-empty list', line)
            passages = []
        unknown = set(item) - {"key", "title", "version", "passages"}
        if unknown:
            check.error(where, f"unknown field(s) {', '.join(sorted(unknown))}", line)
        seen: set[str] = set()
        for number, passage in enumerate(passages, 1):
            if not isinstance(passage, dict):
                check.error(where, f"passage {number} must be an object", line)
                continue
            p_key = passage.get("key") if isinstance(passage.get("key"), str) else ""
            p_line = check.line_of("key", p_key) if p_key else line
            p_where = f"{where}, passage {p_key or number}"
            values = [check.text_field(passage, name, p_where, p_line) for name in ("key", "section", "text")]
            if values[0] and not SLUG.match(values[0]):
                check.error(p_where, "key may hold only lower-case letters, digits and dashes", p_line)
            if values[0] in seen:
                check.error(p_where, "key appears twice", p_line)
            if set(passage) - {"key", "section", "text"}:
                check.error(p_where, "has fields other than key, section and text", p_line)
            seen.add(values[0])
            source.passages.append(PassageData(*values))
        if source.key:
            sources.setdefault(source.key, source)
    return sources


def _cites(raw, where: str, line: int | None, check: _Checker, sources: dict[str, SourceData]) -> list[str]:
    """A question's citations, each naming a passage of a source in the file."""
    if not isinstance(raw, list) or not raw or any(not isinstance(cite, str) for cite in raw):
        check.error(where, '"cites" must be a non-empty list of "<source key>#<passage key>"', line)
        return []
    for cite in raw:
        source_key, _, passage_key = cite.partition("#")
        source = sources.get(source_key)
        if source is None:
            check.error(where, f"cites {cite!r}, but the file has no source {source_key!r}", line)
        elif source.find(passage_key) is None:
            check.error(
                where, f"cites {cite!r}, but source {source_key!r} has no passage {passage_key!r}", line
            )
    if len(set(raw)) != len(raw):
        check.error(where, '"cites" names a passage twice', line)
    return list(raw)


def _question(
    raw, index: int, topic_slugs: set[str], check: _Checker, version: int = 1, sources=None
) -> QuestionData | None:
    if not isinstance(raw, dict):
        check.error(f"question {index + 1}", "must be an object")
        return None
    key = raw.get("key") if isinstance(raw.get("key"), str) else ""
    line = check.line_of("key", key, check.section_start("questions")) if key else None
    where = f"question {key or index + 1}"
    errors_before = len(check.errors)
    cites: list[str] = []
    if "cites" in raw:
        if version < 3:
            check.error(where, '"cites" needs "format": 3', line)
        elif "source_section" in raw:
            check.error(where, '"source_section" comes from "cites": leave it out', line)
        else:
            cites = _cites(raw["cites"], where, line, check, sources or {})
    names = [name for name in QUESTION_FIELDS if not (cites and name == "source_section")]
    # A question imported from GIFT or Moodle XML may have no explanation or source: absent stays absent.
    optional = ("source_section", "explanation")
    values = {name: check.text_field(raw, name, where, line, required=name not in optional) for name in names}
    if cites and len(check.errors) == errors_before:
        source_key, _, passage_key = cites[0].partition("#")
        values["source_section"] = sources[source_key].find(passage_key).section
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
    unknown = set(raw) - set(QUESTION_FIELDS) - set(QUESTION_TAGS) - {DISMISSED, "cites"} - set(item.fields)
    if unknown:
        check.error(where, f"unknown field(s) {', '.join(sorted(unknown))}", line)
    spec = {name: raw.get(name) for name in item.fields}
    for message in validate_imported(item, spec):
        check.error(where, message, line)
    tags = _tags(raw, where, line, check)
    dismissed = _dismissed(raw.get(DISMISSED, {}), where, line, check)
    newer = [name for name in (*QUESTION_TAGS, *FORMAT_3_SPEC_FIELDS, DISMISSED) if name in raw]
    if newer and version < 3:
        check.error(where, f'{", ".join(newer)} need "format": 3', line)
    if len(check.errors) > errors_before:
        return None
    return QuestionData(
        spec=item.content(spec), line=line, cites=cites, dismissed=dismissed, **values, **tags
    )


def _dismissed(value, where: str, line: int | None, check: _Checker) -> dict[str, str]:
    """Format 3's dismissed warnings: check ids (a-z, 0-9, dashes) to non-empty reasons."""
    if not isinstance(value, dict) or not all(
        SLUG.match(key) and isinstance(reason, str) and reason.strip() for key, reason in value.items()
    ):
        check.error(where, f'"{DISMISSED}" must map check ids to the reasons they do not apply', line)
        return {}
    if any(len(reason) > MAX_REASON for reason in value.values()):
        check.error(where, f'"{DISMISSED}": a reason may be at most {MAX_REASON:,} characters', line)
    return {key: value[key].strip() for key in sorted(value)}  # sorted, as the exporter writes them


def _tags(raw: dict, where: str, line: int | None, check: _Checker) -> dict[str, str]:
    """Format 3's question tags, each one of its allowed values or absent."""
    tags = {}
    for name, allowed in QUESTION_TAGS.items():
        value = raw.get(name, "")
        if value not in ("", *allowed):
            check.error(where, f'"{name}" must be one of {", ".join(allowed)}, not {value!r}', line)
        else:
            tags[name] = value
    return tags


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
    if not isinstance(topics, list) or any(not isinstance(t, str) or t not in topic_slugs for t in topics):
        check.error(where, f'"topics" must list known topic slugs, not {topics!r}', line)
    description = raw.get("description") or ""
    if not isinstance(description, str):
        check.error(where, '"description" must be a string', line)
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
        description=description,
        line=line,
        **settings,
    )


def _whole(value, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _settings_errors(settings: dict, keys: set[str]) -> list[str]:
    errors = []
    if settings.get("selection", "random") not in SELECTIONS:
        errors.append('"selection" must be random or fixed')
    if settings.get("audience", "everyone") not in AUDIENCES:
        errors.append('"audience" must be everyone or classes')
    chosen = settings.get("questions", [])
    if not isinstance(chosen, list) or any(not isinstance(key, str) or key not in keys for key in chosen):
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
        elif problem := moment_problem(moment):
            errors.append(f'"{name}" {problem} (in UTC), not {value}')
        else:
            moments[name] = moment
    if len(moments) == 2 and moments["closes_at"] <= moments["opens_at"]:
        errors.append('"closes_at" must come after "opens_at"')
    return errors


def _format(bank: BankData) -> int:
    """The lowest format that holds everything in `bank`, so older files write back as they were read."""
    if bank.sources or bank.media or any(q.cites or q.needs_format_3() for q in bank.questions):
        return 3
    return 2 if any(quiz.settings() for quiz in bank.quizzes) else FORMAT


def _question_dict(q: QuestionData) -> dict:
    head = {"key": q.key, "topic": q.topic, "type": q.type, "difficulty": q.difficulty}
    where = {"cites": q.cites} if q.cites else {"source_section": q.source_section}
    dismissed = {DISMISSED: q.dismissed} if q.dismissed else {}
    return {**head, **where, "stem": q.stem, "explanation": q.explanation, **q.tags(), **q.spec, **dismissed}


def to_dict(bank: BankData) -> dict:
    """The file's content for a bank, in the file's own key order."""
    sources = [
        {
            "key": s.key,
            "title": s.title,
            "version": s.version,
            "passages": [{"key": p.key, "section": p.section, "text": p.text} for p in s.passages],
        }
        for s in bank.sources
    ]
    media = [
        {"name": m.name, "alt": m.alt, "data": base64.b64encode(m.data).decode("ascii")}
        for m in sorted(bank.media.values(), key=lambda m: m.name)
    ]
    return {
        "format": _format(bank),
        "bank": {
            "slug": bank.slug,
            "title": bank.title,
            "description": bank.description,
            "source": bank.source,
        },
        **({"sources": sources} if sources else {}),
        "topics": [{"slug": slug, "title": title} for slug, title in bank.topics],
        "questions": [_question_dict(q) for q in bank.questions],
        **({"media": media} if media else {}),
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
