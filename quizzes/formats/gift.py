"""GIFT, Moodle's plain-text question format (https://docs.moodle.org/en/GIFT_format), in and out, read
as Moodle's own qformat_gift reads it (question/format/gift/format.php).

What maps to what:
- `$CATEGORY: $course$/top/a/b` starts a topic: the path is split as Moodle splits it ("//" is a slash in
  a name; the context `$course$`, `$module$`... and `top` are no names); the slug names the whole path, so
  "Unit 1/Quiz" and "Unit 2/Quiz" stay two topics, titled by their last name (the whole path when two
  paths share it).
- `::title::` becomes the question's key (slugified), unless a `// [id:...]` comment names one; a question
  whose only text is its title is imported with the title as its text, as Moodle does.
- The type is decided in Moodle's order: `{#...}` numeric, `{>...}` ordering (qtype_ordering), then a
  `~` anywhere makes multiple choice (so "a -> b" inside a choice stays a choice), then `=` with `->`
  matching, then T/TRUE/F/FALSE true/false (any case, which Moodle reads upper-case only), else short answer.
- `[html]`, `[moodle]`, `[plain]`, `[markdown]` before the question text, an answer, a feedback or a
  matching premise set that part's format (answers and feedback default to the question's): HTML and
  Moodle's auto-format are read as text with their line breaks (`common.html_to_text`), plain text kept.
- `{=right ~wrong}` is a single answer; `{~%50%a ~%50%b ~%-100%c}` (weights, no `=`) select all that
  apply, the positive weights the keys (other weights than 100/k and -100/k are warned about).
- `{#x:tol}`, `{#a..b}`, and Moodle's own export `{#=x:tol ~#feedback}`: numeric. Our numeric items hold
  one answer and no feedback: what is dropped is warned about.
- Partial credit (a single answer or short answer worth 0-100%, several numeric answers earning credit),
  a `*` wildcard in a right short answer, a short answer longer than a learner may type, media other
  than embedded images (below), essays and descriptions: the question is skipped
  with a warning, never imported with a different key. A lone `*` wrong answer (Moodle's "anything else")
  is dropped with a warning; a backslash before it makes a star.
- Missing word (answers inside the sentence) becomes the same item type with a blank "_____".
- Absent feedback stays absent: no placeholder is stored, shown or exported.
- Images embedded as `<img src="data:image/png;base64,...">` (in the text, an answer, a feedback) are kept
  (quizzes.media: PNG, JPEG, GIF, WebP) with their alt text and written back the same way; a question
  with an image that cannot be read, or with other media (audio, video, an image on another site, a
  Moodle `@@PLUGINFILE@@` link), is skipped with a warning naming its line.

Writing: Moodle reads `[id:key]` and `[tag:...]` in the comment before a question, so the key, difficulty,
source section and numeric unit go there (`[tag:mmn-difficulty:easy]`, `[tag:mmn-source:...]`,
`[tag:mmn-unit:mg]`); matching and ordering rationales go in `// rationale n:` comments (Moodle has no
place for them); ordering is written as qtype_ordering writes it. Older files' `// difficulty:`,
`// source:`, `// unit:` and `// topic:` comments are still read. The clinical-judgment tags travel as
`// clinical_judgment:` and `// cognitive_level:` comments, each cited passage's text as `// cites ...`.
"""

import base64
import html
import math
import re
from contextvars import ContextVar
from dataclasses import dataclass

from quizzes import media as images
from quizzes.items import ITEM_TYPES
from quizzes.items.base import validate_imported

from .bankfile import DIFFICULTIES, QUESTION_TAGS, BankData, MediaData, QuestionData
from .common import (
    DEFAULT_DIFFICULTY,
    FileRefused,
    ImportResult,
    Skip,
    Topics,
    UniqueSlugs,
    category_path,
    escape_category,
    html_to_text,
    media_check,
    ordering_spec,
    read_images,
    shortanswer_answers,
    slugify,
)

BLANK = "_____"
# qtype_ordering's grading types, as its GIFT import reads them.
_GRADINGS = set(
    """ALL_OR_NOTHING ABSOLUTE_POSITION ABSOLUTE ABS RELATIVE_NEXT_EXCLUDE_LAST RELATIVE_NEXT_INCLUDE_LAST
    RELATIVE_ONE_PREVIOUS_AND_NEXT RELATIVE_ALL_PREVIOUS_AND_NEXT RELATIVE_TO_CORRECT RELATIVE REL
    LONGEST_ORDERED_SUBSET LONGEST_CONTIGUOUS_SUBSET""".split()  # noqa: SIM905
)
# Escaped characters are swapped for private-use code points while the structure is read.
_ESCAPES = {"\\\\": "\ue000", "\\~": "\ue001", "\\=": "\ue002", "\\#": "\ue003", "\\{": "\ue004",
            "\\}": "\ue005", "\\:": "\ue006", "\\n": "\n"}  # fmt: skip
_RESTORE = str.maketrans({v: k[1] for k, v in _ESCAPES.items() if k != "\\n"})
_PRIVATE = str.maketrans(dict.fromkeys(map(chr, range(0xE000, 0xE007))))  # the file's own: dropped
# Our own comments (older files) carry what GIFT has no place for; Moodle ignores comments.
_META = re.compile(
    r"^//\s*(difficulty|source|unit|topic|explanation|rationale \d+|clinical_judgment|cognitive_level)"
    r":\s?(.*)$"
)
# Moodle reads [id:...] and [tag:...] in the comment before a question (qformat_gift), "\]" for a "]".
_ID_OR_TAG = re.compile(r"\[(id|tag):((?:\\\]|[^\]\x00-\x1f])+)\]")
_OUR_TAGS = {"mmn-difficulty": "difficulty", "mmn-source": "source", "mmn-unit": "unit", "mmn-topic": "topic"}
# An answer's %weight%: anything else between percent signs ("%1.2.3%") is no weight, and reads as text.
WEIGHT = re.compile(r"\s*%(-?\d+(?:\.\d+)?)%")
_FORMAT = re.compile(r"\[(html|markdown|plain|moodle)\]")
_IMG_TAG = re.compile(r"<img\b[^<>]*>", re.I)


@dataclass
class _Answer:
    text: str
    weight: float | None  # None: no %weight% written
    correct_mark: bool  # written with "=" rather than "~"
    feedback: str
    raw: str = ""  # as written, after the weight: a matching pair is split at its "->"
    fmt: str = "moodle"


def _protect(text: str) -> str:
    text = text.translate(_PRIVATE)
    return re.sub(r"\\[\\~=#{}:n]", lambda m: _ESCAPES[m.group()], text)


def _restore(text: str) -> str:
    return text.translate(_RESTORE)


def _clean(text: str, fmt: str, *, marker: bool = True) -> str:
    """A piece of a question as text: its own [format] marker, if it starts with one, overrides the
    question's (Moodle's parse_text_with_format); HTML is read as Moodle shows it, plain text kept.
    `marker=False`: the question text, whose marker has been read already."""
    text = _restore(text).strip()
    found = _FORMAT.match(text) if marker else None
    if found:
        fmt, text = found.group(1), text[found.end() :].strip()
    if fmt == "plain":
        return text
    return html_to_text(text, is_html=fmt == "html")


class _Parser:
    def __init__(self, text: str, slug: str, title: str):
        self.bank = BankData(slug=slug, title=title)
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.topic: str | None = None
        self.topics = Topics(self.bank)
        self.keys = UniqueSlugs()
        self.text = text

    def run(self) -> ImportResult:
        for start, lines, meta in _blocks(self.text):
            try:
                self.block(start, lines, meta)
            except _Problem as problem:
                self.errors.append(f"line {problem.line or start}: {problem}")
        self.topics.finish()
        self.bank.keep_shown_media()
        if self.errors:
            raise FileRefused(self.errors, self.warnings, self.bank if self.bank.questions else None)
        if not self.bank.questions:
            raise FileRefused(["the file holds no question that can be imported"], self.warnings)
        return ImportResult(bank=self.bank, warnings=self.warnings)

    def current_topic(self) -> str:
        if self.topic is None:
            self.topic = self.topics.add([])
        return self.topic

    def block(self, start: int, lines: list[tuple[int, str]], meta: dict[str, str]) -> None:
        while lines and lines[0][1].lstrip().startswith("$CATEGORY:"):
            path = lines[0][1].split(":", 1)[1]  # as Moodle: no escapes in a category line
            self.topic = self.topics.add(category_path(path), meta.get("topic", ""), lines[0][0])
            lines = lines[1:]
        if not lines:
            return
        start = lines[0][0]
        where = f"line {start}"
        try:
            # Our comments' explanation and rationales are GIFT-escaped text too: their images are read
            # here, and written back escaped, as the rest of the comment is.
            meta = {
                name: _IMG_TAG.sub(lambda m: self.image(m.group(), protected=False), value)
                if name == "explanation" or name.startswith("rationale")
                else value
                for name, value in meta.items()
            }
            self.question(start, where, _protect("\n".join(line for _, line in lines)), meta)
        except Skip as skip:
            self.warnings.append(f"{where}: {skip}")

    def question(self, start: int, where: str, text: str, meta: dict[str, str]) -> None:
        text = _IMG_TAG.sub(lambda m: self.image(m.group()), text)  # in the text, answers and feedback
        title = ""
        if text.startswith("::"):
            end = text.find("::", 2)
            if end < 0:
                raise _Problem("the title opened with :: is never closed", start)
            title, text = _restore(text[2:end]).strip(), text[end + 2 :].lstrip()
        fmt = "moodle"
        found = _FORMAT.match(text)
        if found:
            fmt, text = found.group(1), text[found.end() :]
        opening = text.find("{")
        if opening < 0:
            raise Skip("a description (no answer block) is not supported, skipped")
        closing = text.find("}", opening)
        if closing < 0:
            raise _Problem(
                "the answer block opened with { is never closed", start + text.count("\n", 0, opening)
            )
        if "{" in text[closing + 1 :] or "{" in text[opening + 1 : closing]:
            raise _Problem("a question may have only one answer block (write \\{ for a literal brace)", start)
        before, inside, after = text[:opening], text[opening + 1 : closing], text[closing + 1 :]
        # Missing word (text after the answers): the answers' place becomes a blank, as in Moodle.
        stem = _clean(before + BLANK + after if _clean(after, fmt) else before, fmt, marker=False)
        if not stem.strip():
            if not title:
                raise _Problem("the question has no text", start)
            stem = title  # Moodle imports a question whose only text is its name: the name is the text
        media_check(_restore(text), where)  # what is left: audio, video, an image from elsewhere...
        inside, _, general = inside.rpartition("####") if "####" in inside else (inside, "", "")
        explanation = _clean(general, fmt) or _clean(_protect(meta.get("explanation", "")), fmt)
        if not inside.strip():
            raise Skip("an essay question is not supported, skipped")
        item_type, spec = self.answers(inside.strip(), where, meta, fmt)
        item = ITEM_TYPES[item_type]
        problems = validate_imported(item, spec)
        if problems:
            raise _Problem(f"{item.label}: " + "; ".join(problems), start)
        difficulty = meta.get("difficulty", DEFAULT_DIFFICULTY)
        if difficulty not in DIFFICULTIES:
            self.warnings.append(f"{where}: difficulty {difficulty!r} unknown, read as {DEFAULT_DIFFICULTY}")
            difficulty = DEFAULT_DIFFICULTY
        labels = {}
        for name, allowed in QUESTION_TAGS.items():
            value = meta.get(name, "")
            if value and value not in allowed:
                self.warnings.append(f"{where}: {name} {value!r} unknown, left out")
            elif value:
                labels[name] = value
        key = self.keys(slugify(meta.get("id") or title or stem, default="question"))
        self.bank.questions.append(
            QuestionData(
                key=key,
                topic=self.current_topic(),
                type=item_type,
                difficulty=difficulty,
                source_section=meta.get("source", ""),
                stem=stem.strip(),
                explanation=explanation,
                spec=item.content(item.normalise(spec)),
                line=start,
                **labels,
            )
        )

    def image(self, tag: str, *, protected: bool = True) -> str:
        """An <img> as written (its escapes protected, or still escaped in a comment): an embedded image
        (a data: URI) becomes our reference to it, in the same form, so the answers split around it as
        they did around the tag; any other <img> is left as it is (media_check skips its question)."""
        found = read_images(_restore(tag if protected else _protect(tag)), self.bank.media)
        if found.startswith("<"):
            return tag
        return _protect(_escape_text(found)) if protected else _escape_text(found)

    def answers(self, inside: str, where: str, meta: dict[str, str], fmt: str) -> tuple[str, dict]:
        # The order of Moodle's own tests (qformat_gift::readquestion): numeric, then a "~" anywhere
        # makes multiple choice (so "a -> b" inside a choice stays a choice), then "=" with "->" matching.
        if inside.startswith("#"):
            return "numeric", self.numeric(inside[1:], where, meta, fmt)
        if inside.startswith(">"):
            return "ordering", self.ordering(inside[1:], where, meta)
        if "~" in inside:
            return self.choice(_split_answers(inside, fmt), where)
        if "=" in inside and "->" in inside:
            return "matching", self.matching(_split_answers(inside, fmt), meta)
        # Moodle reads only upper-case T/TRUE/F/FALSE; "{true}" would be a short answer "true" to it.
        # We read any case as true/false, which is what the teacher meant.
        head = re.match(r"(TRUE|FALSE|T|F)\s*(#|$)", inside, re.IGNORECASE)
        if head:
            return "truefalse", self.truefalse(inside, fmt)
        return "shortanswer", self.shortanswer(_split_answers(inside, fmt), where)

    def truefalse(self, inside: str, fmt: str) -> dict:
        value, *feedback = inside.split("#", 2)
        key_true = value.strip().upper() in ("T", "TRUE")
        wrong = _clean(feedback[0], fmt) if feedback else ""
        right = _clean(feedback[1], fmt) if len(feedback) > 1 else ""
        true_rationale, false_rationale = (right, wrong) if key_true else (wrong, right)
        return {
            "options": [
                {"text": "True", "correct": key_true, "rationale": true_rationale},
                {"text": "False", "correct": not key_true, "rationale": false_rationale},
            ]
        }

    def numeric(self, inside: str, where: str, meta: dict[str, str], fmt: str) -> dict:
        # "~#feedback" (Moodle's own export) is the feedback for any other answer: we have no place for it.
        inside, tilde, wrong = inside.partition("~")
        if tilde and _clean(wrong.partition("#")[2], fmt):
            self.warnings.append(f"{where}: the feedback for other (wrong) answers is not carried over")
        parts = [p for p in inside.split("=") if p.strip()] if "=" in inside else [inside]
        if not parts:
            raise _Problem("a numeric question needs an answer", None)
        accepts = []
        for part in parts:
            weight = 100.0
            found = re.match(WEIGHT, part)
            if found:
                weight, part = float(found.group(1)), part[found.end() :]
            value, _, feedback = part.partition("#")
            accept = _numeric_accept(_restore(value).strip())
            if accept is None:
                raise _Problem(
                    f"{_restore(value).strip()!r} is not a number, number:tolerance or min..max", None
                )
            accepts.append((weight, accept, _clean(feedback, fmt)))
        full = [(accept, feedback) for weight, accept, feedback in accepts if weight >= 100]
        if not full:
            raise _Problem("a numeric question needs an answer worth full marks", None)
        if len(full) > 1 or any(0 < weight < 100 for weight, _, _ in accepts):
            raise Skip(
                "a numeric question with more than one answer that earns credit is not supported "
                "(our numeric items hold one), skipped"
            )
        if len(accepts) > 1:
            self.warnings.append(
                f"{where}: {len(accepts) - 1} wrong numeric answer(s) and their feedback dropped"
            )
        if full[0][1]:
            self.warnings.append(f"{where}: the feedback on the numeric answer is not carried over")
        return {"accept": full[0][0], "unit": meta.get("unit", "")}

    def ordering(self, inside: str, where: str, meta: dict[str, str]) -> dict:
        """qtype_ordering's GIFT: "{>count SELECT LAYOUT GRADING SHOW" then one item a line, in order."""
        head, _, body = inside.partition("\n")
        found = re.fullmatch(r"\s*(\d+)?\s*([A-Z_\s]*?)\s*", head)
        if not found:
            raise _Problem(f"an ordering question starts {{>count [options]; not {head.strip()[:40]!r}", None)
        words = found.group(2).split()
        select = next(
            (w for w in words if w in ("ALL", "EXACT", "RANDOM", "REL", "CONTIGUOUS", "CONTIG")), ""
        )
        grading = next((w for w in words if w in _GRADINGS), "")
        lines = [_restore(line).strip() for line in body.split("\n") if line.strip()]
        steps = [
            (line, _restore(_protect(meta.get(f"rationale {n}", "")))) for n, line in enumerate(lines, 1)
        ]
        return ordering_spec(steps, grading, select, found.group(1) or "", where, self.warnings)

    def matching(self, answers: list[_Answer], meta: dict[str, str]) -> dict:
        premises, responses = [], []
        for answer in answers:
            if "->" not in answer.raw:
                raise _Problem(f"matching answer {answer.text!r} has no '->'", None)
            left, right = answer.raw.split("->", 1)
            left, right = _clean(left, answer.fmt), _restore(right).strip()  # Moodle: plain, no marker
            if right and right not in responses:
                responses.append(right)
            if left:
                rationale = _restore(_protect(meta.get(f"rationale {len(premises) + 1}", "")))
                premises.append({"text": left, "match": right, "rationale": rationale})
        return {"premises": premises, "responses": responses}

    def shortanswer(self, answers: list[_Answer], where: str) -> dict:
        result = []
        for answer in answers:
            weight = 100.0 if answer.weight is None else answer.weight
            result.append((answer.text, weight, answer.feedback))
        return {"answers": shortanswer_answers(result, where, self.warnings)}

    def choice(self, answers: list[_Answer], where: str) -> tuple[str, dict]:
        if len(answers) < 2:
            raise _Problem("a multiple-choice question needs at least two answers", None)
        marked = sum(a.correct_mark for a in answers)
        weights = [100.0 if a.correct_mark else (a.weight or 0.0) for a in answers]
        if marked:  # "=" present: Moodle's single answer, only 100% and 0 in our single-answer items
            if marked > 1 or any(0 < w < 100 for w in weights):
                raise Skip(
                    "a single-answer question with partial credit (or several right answers) is not "
                    "supported (it would change the key), skipped"
                )
            flags = [a.correct_mark or w >= 100 for a, w in zip(answers, weights, strict=True)]
            item_type = "single"
        else:
            flags = [w > 0 for w in weights]
            item_type = "multiple" if sum(flags) > 1 or any(w < 0 for w in weights) else "single"
            keys = sum(flags)
            if item_type == "single" and keys and any(0 < w < 100 for w in weights):
                raise Skip(
                    "a choice question with partial credit is not supported "
                    "(it would change the key), skipped"
                )
            if (
                item_type == "multiple"
                and keys
                and not all(
                    math.isclose(w, (100 if f else -100) / keys, abs_tol=0.01)
                    for w, f in zip(weights, flags, strict=True)
                )
            ):
                self.warnings.append(
                    f"{where}: weights read as select all that apply (+1 per key, -1 per distractor); "
                    "the keys are the answers with positive weight"
                )
        options = [
            {"text": a.text, "correct": flag, "rationale": a.feedback}
            for a, flag in zip(answers, flags, strict=True)
        ]
        return item_type, {"options": options}


class _Problem(Exception):
    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.line = line


def _blocks(text: str):
    """(first line number, [(line number, line)], metadata comments) for each blank-line-separated block."""
    lines: list[tuple[int, str]] = []
    meta: dict[str, str] = {}
    # Only CR and LF end a line (str.splitlines would also split at \v, \f and others): line numbers then
    # match an editor's, and a control character stays in the text for the storage check to refuse.
    for number, line in enumerate(re.split(r"\r\n|[\r\n]", text), start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            found = _META.match(stripped)
            if found:
                meta[found.group(1)] = found.group(2).strip()
            for kind, value in _ID_OR_TAG.findall(stripped):
                value = value.replace("\\]", "]")
                if kind == "id":
                    meta["id"] = value
                else:
                    name, _, tagged = value.partition(":")
                    if name in _OUR_TAGS:
                        meta[_OUR_TAGS[name]] = tagged.strip()
            continue
        if not stripped:
            if lines:
                yield lines[0][0], lines, meta
                meta = {}
            lines = []
            continue
        lines.append((number, line.rstrip()))
    if lines:
        yield lines[0][0], lines, meta


def _split_answers(inside: str, fmt: str) -> list[_Answer]:
    pieces = re.split(r"([=~])", inside)
    if pieces[0].strip():
        raise _Problem(
            f"answers start with = or ~, not {_restore(pieces[0].strip())[:40]!r} "
            "(write \\= or \\~ for the signs)",
            None,
        )
    answers = []
    # Moodle reads a %weight% after "~" in a choice and after "=" in a short answer, never after "=" in
    # a choice (where "=" is the full mark): there "%50%" is text.
    # Nor in matching, where an item is text up to its "->".
    choice = "~" in pieces[1::2]
    matching = not choice and "->" in inside
    for mark, body in zip(pieces[1::2], pieces[2::2], strict=True):
        weight = None
        found = None if matching or (choice and mark == "=") else re.match(WEIGHT, body)
        if found:
            weight, body = float(found.group(1)), body[found.end() :]
        text, _, feedback = body.partition("#")
        answers.append(
            _Answer(
                text=_clean(text, fmt),
                weight=weight,
                correct_mark=mark == "=",
                feedback=_clean(feedback, fmt),
                raw=body,
                fmt=fmt,
            )
        )
    if not answers:
        raise _Problem("no answers found (each answer starts with = or ~)", None)
    return answers


def _numeric_accept(value: str) -> dict | None:
    try:
        if value.find("..") > 0:
            low, high = (float(v) for v in value.split("..", 1))
            return {"min": _tidy(min(low, high)), "max": _tidy(max(low, high))}
        number, _, tolerance = value.partition(":")
        accept = {"value": _tidy(float(number)), "tolerance": _tidy(abs(float(tolerance or 0)))}
    except ValueError:
        return None
    if not all(math.isfinite(v) for v in accept.values()):
        return None
    return accept


def _tidy(number: float) -> float | int:
    return int(number) if number.is_integer() and abs(number) < 1e15 else number


def parse(text: str, *, slug: str = "imported", title: str = "Imported questions") -> ImportResult:
    """Read GIFT text into a bank. Raises BankFileError (a FileRefused, with the warnings and the
    questions that did read) listing every problem, each with its line."""
    return _Parser(text, slug, title).run()


# -- writing ---------------------------------------------------------------------------------------------


def _weighted(sign: str, text: str, fmt: str, weight: str) -> str:
    """An answer after its sign: a text that starts like a %weight% gets its weight written, so that
    the weight Moodle reads is that one and the text stays whole."""
    if weight or not WEIGHT.match(text):
        return f"{sign}{weight}{_piece(text, fmt)}"
    return f"{sign}%{'100' if sign == '=' else '0'}%{_piece(text, fmt)}"


def _piece(text: str, fmt: str) -> str:
    """A text as GIFT writes it in a question written in `fmt`: escaped, and marked [plain] when reading
    it in `fmt` would change it (a tag, an entity, a leading format marker), so it reads back exactly."""
    if _FORMAT.match(text) or (fmt == "markdown" and html_to_text(text, is_html=False) != text):
        return "[plain]" + escape(text)
    return escape(text)


def _stem_format(text: str) -> str:
    return "markdown" if html_to_text(text, is_html=False) == text and not _FORMAT.match(text) else "plain"


# The images of the bank being written (dump sets it): escape() writes each reference as an <img> holding
# the image as a data: URI, as Moodle's GIFT export does, wherever a text is written.
_WRITING_MEDIA: ContextVar[dict[str, MediaData] | None] = ContextVar("gift_media", default=None)


def _escape_text(text: str) -> str:
    text = re.sub(r"([\\~=#{}:])", r"\\\1", text)
    return text.replace("\r\n", "\n").replace("\n", "\\n")


def escape(text: str) -> str:
    """Text as GIFT writes it: our images as <img> with data: URIs, the special characters escaped, line
    breaks as \\n."""
    return _escape_text(images.REFERENCE.sub(_data_uri_img, text))


def _data_uri_img(match: re.Match) -> str:
    found = (_WRITING_MEDIA.get() or {}).get(match.group(2))
    if found is None:
        return match.group()
    content_type = images.CONTENT_TYPES[found.name.rsplit(".", 1)[1]]
    data = base64.b64encode(found.data).decode("ascii")
    alt = html.escape(images.unescape_alt(match.group(1)))
    return f'<img src="data:{content_type};base64,{data}" alt="{alt}">'


def dump(bank: BankData) -> tuple[str, list[str]]:
    """The bank as GIFT text Moodle can read, and the questions it could not write, each with why."""
    token = _WRITING_MEDIA.set(bank.media)
    try:
        return _dump(bank)
    finally:
        _WRITING_MEDIA.reset(token)


def _number(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def _tag(name: str, value: str) -> str:
    return f"[tag:{name}:{value.replace(']', chr(92) + ']')}]"


def _tag_safe(text: str) -> bool:
    return not re.search(r"[\x00-\x1f]|\\$|\\\]", text) and text == text.strip()


def _comment(text: str) -> str:
    return " ".join(text.splitlines())  # a comment is one line


def _dump(bank: BankData) -> tuple[str, list[str]]:
    titles = dict(bank.topics)
    out: list[str] = [f"// {bank.title}: exported from MMN Quiz", ""]
    skipped: list[str] = []
    topic = None
    for q in bank.questions:
        fmt = _stem_format(q.stem)
        body, why = _answer_block(q, fmt)
        if body is None:
            skipped.append(f"{q.key}: {why}")
            continue
        if q.topic != topic:
            topic = q.topic
            title = " ".join(titles.get(topic, topic).splitlines())  # one line in GIFT
            out += [f"// topic: {topic}", f"$CATEGORY: $course$/top/{escape_category(title)}", ""]
        # Moodle reads [id:] and [tag:] in the comment before a question and keeps them with it.
        tags, comments = [f"[id:{q.key}]", _tag("mmn-difficulty", q.difficulty)], []
        for name, value in (("source", q.source_section), ("unit", q.spec.get("unit", ""))):
            if not value:
                continue
            if _tag_safe(value):
                tags.append(_tag(f"mmn-{name}", value))
            else:  # what a tag cannot hold (a tab, a "]" at the end...) goes in a comment of our own
                comments.append(f"// {name}: {_comment(value)}")
        out += ["// " + " ".join(tags), *comments]
        # The cited passages' text, so it travels with the question (Moodle keeps it in the GIFT file only).
        out += [f"// cites {cite}: {_comment(text)}" for cite, text in bank.cited(q)]
        out += [f"// {name}: {value}" for name, value in q.tags().items()]
        if q.type in ("matching", "ordering"):
            rows = q.spec["premises"] if q.type == "matching" else q.spec["steps"]
            out += [
                f"// rationale {number}: {escape(row['rationale'])}"
                for number, row in enumerate(rows, start=1)
                if row["rationale"]
            ]
        if q.type == "ordering":
            # qtype_ordering reads "{>" at once and every other line as an item, so no "####" inside:
            # the explanation goes in a comment (Moodle leaves it out; we read it back).
            if q.explanation:
                out.append(f"// explanation: {_piece(q.explanation, fmt)}")
            out += [
                f"::{escape(q.key)}::[{fmt}]{escape(q.stem)} {{{body[0]}",
                *(f"\t{b}" for b in body[1:]),
            ]
            out += ["}", ""]
            continue
        out.append(f"::{escape(q.key)}::[{fmt}]{escape(q.stem)} {{")
        out += [f"\t{line}" for line in body]
        if q.explanation:
            out.append(f"\t####{_piece(q.explanation, fmt)}")
        out += ["}", ""]
    return "\n".join(out), skipped


def cannot_write(q: QuestionData) -> str:
    """Why GIFT cannot carry `q` ("" when it can)."""
    return _answer_block(q, "markdown")[1]


def _feedback(text: str, fmt: str) -> str:
    return f"#{_piece(text, fmt)}" if text else ""


def _answer_block(q: QuestionData, fmt: str) -> tuple[list[str] | None, str]:
    spec = q.spec
    if q.type == "single":
        return [
            f"{'=' + _piece(o['text'], fmt) if o['correct'] else _weighted('~', o['text'], fmt, '')}"
            f"{_feedback(o['rationale'], fmt)}"
            for o in spec["options"]
        ], ""
    if q.type == "multiple":
        keys = sum(o["correct"] for o in spec["options"])
        weights = {True: _number(100 / keys), False: _number(-100 / keys)}
        return [
            f"~%{weights[o['correct']]}%{_piece(o['text'], fmt)}{_feedback(o['rationale'], fmt)}"
            for o in spec["options"]
        ], ""
    if q.type == "truefalse":
        by_text = {o["text"]: o for o in spec["options"]}
        key = next(o for o in spec["options"] if o["correct"])
        other = by_text["False" if key["text"] == "True" else "True"]
        # GIFT: the first feedback is shown for a wrong answer, the second for the right one.
        value = "TRUE" if key["text"] == "True" else "FALSE"
        if not key["rationale"]:
            return [f"{value}{_feedback(other['rationale'], fmt)}"], ""
        return [f"{value}#{_piece(other['rationale'], fmt)}#{_piece(key['rationale'], fmt)}"], ""
    if q.type == "shortanswer":
        lines = []
        for answer in spec["answers"]:
            weight = "" if answer["correct"] else "%0%"
            for text in (answer["text"], *answer["variants"]):
                if "->" in text + answer["feedback"]:  # Moodle reads "=" with "->" as a matching question
                    return None, f"the short answer {text!r} holds '->', which GIFT reads as matching"
                text = text.replace("*", "\\*")  # a star is a wildcard to Moodle
                lines.append(f"{_weighted('=', text, fmt, weight)}{_feedback(answer['feedback'], fmt)}")
        return lines, ""
    if q.type == "numeric":
        accept = spec["accept"]
        if "value" in accept:
            return [f"#{_number(accept['value'])}:{_number(accept['tolerance'])}"], ""
        return [f"#{_number(accept['min'])}..{_number(accept['max'])}"], ""
    if q.type == "matching":
        if any("->" in p["text"] for p in spec["premises"]):
            return None, "an item to match holds '->', where GIFT splits a pair"
        matched = {p["match"] for p in spec["premises"]}
        lines = [f"={_piece(p['text'], fmt)} -> {escape(p['match'])}" for p in spec["premises"]]
        return lines + [f"= -> {escape(r)}" for r in spec["responses"] if r not in matched], ""
    if q.type == "ordering":
        texts = [step["text"] for step in spec["steps"]]
        if any(re.search(r"[{}\n\\]", t) or not t.strip() or t.lstrip().startswith("//") for t in texts):
            return (
                None,
                "a step holds a brace, a backslash or a line break, which GIFT's ordering cannot carry",
            )
        grading = "ALL_OR_NOTHING" if spec["scoring"] == "all-or-nothing" else "ABSOLUTE_POSITION"
        # qtype_ordering's own export_to_gift: "{>count ALL VERTICAL grading SHOW", one item a line.
        return [f">{len(texts)} ALL VERTICAL {grading} SHOW", *texts], ""
    return None, f"{ITEM_TYPES[q.type].label} items have no GIFT form Moodle reads; export as Moodle XML"
