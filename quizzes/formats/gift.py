"""GIFT, Moodle's plain-text question format (https://docs.moodle.org/en/GIFT_format), in and out.

What maps to what:
- `$CATEGORY: a/b/Topic` starts a topic (the last part of the path names it).
- `::title::` becomes the question's key (slugified), so a bank exported and imported again keeps its keys.
- `{=right ~wrong}` is a single answer; `{~%50%a ~%50%b ~%-100%c}` (weights, no `=`) is select all that
  apply, where a positive weight marks a key. Our SATA scores +1 per key and -1 per distractor, which is
  what the weights 100/k and -100/k say; other weights are mapped to it with a warning.
- `{T}`/`{TRUE}`/`{F}`/`{FALSE}` is true/false; its `#wrong feedback#right feedback` become the rationales.
- `{=a =b}` (only `=`) is short answer; `=%0%x#fb` is a wrong answer kept for its feedback.
- `{#x:tol}`, `{#a..b}`, `{#=x:tol =%50%y}` is numeric: the first full-credit answer is the key (our numeric
  items hold one), the others are reported.
- `{=a -> b =c -> d}` is matching; `= -> x` is a response that matches nothing.
- Missing word (an answer block inside the sentence, text after it) becomes the same item type with the
  block replaced by a blank "_____" in the stem: a single answer for `{=a ~b}`, short answer for `{=a}`.
  (We have no cloze item to carry it, and a learner reads the blank as well.)
- `####feedback` is the explanation; `[html]` text is reduced to plain text, `[markdown]` is kept (tags
  removed); `[plain]`/`[moodle]` are read as text.
- Essay (`{}`) and description (no answer block) items are reported "not supported, skipped" with their line.
- Our own `// difficulty:`, `// source:`, `// unit:` and `// topic:` (the topic's slug) comments carry
  what GIFT has no place for; Moodle ignores comments, so the files stay valid GIFT.
"""

import math
import re
from dataclasses import dataclass

from quizzes.items import ITEM_TYPES

from .bankfile import DIFFICULTIES, BankData, BankFileError, QuestionData
from .common import (
    DEFAULT_DIFFICULTY,
    NO_EXPLANATION,
    NO_FEEDBACK,
    ImportResult,
    plain_text,
    slugify,
    unique,
)

DEFAULT_TOPIC = ("imported", "Imported")
BLANK = "_____"
# Escaped characters are swapped for private-use code points while the structure is read.
_ESCAPES = {"\\\\": "\ue000", "\\~": "\ue001", "\\=": "\ue002", "\\#": "\ue003", "\\{": "\ue004",
            "\\}": "\ue005", "\\:": "\ue006", "\\n": "\n"}  # fmt: skip
_RESTORE = {v: k[1] for k, v in _ESCAPES.items() if k != "\\n"}
_META = re.compile(r"^//\s*(difficulty|source|unit|topic):\s?(.*)$")


@dataclass
class _Answer:
    text: str
    weight: float | None  # None: no %weight% written
    correct_mark: bool  # written with "=" rather than "~"
    feedback: str


def _protect(text: str) -> str:
    text = "".join(ch for ch in text if not "\ue000" <= ch <= "\ue006")
    return re.sub(r"\\[\\~=#{}:n]", lambda m: _ESCAPES[m.group()], text)


def _restore(text: str) -> str:
    return "".join(_RESTORE.get(ch, ch) for ch in text)


def _clean(text: str, fmt: str) -> str:
    text = _restore(text).strip()
    return plain_text(text)


class _Parser:
    def __init__(self, text: str, slug: str, title: str):
        self.bank = BankData(slug=slug, title=title)
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.topic: tuple[str, str] | None = None
        self.keys: set[str] = set()
        self.topic_slugs: set[str] = set()
        self.text = text

    def run(self) -> ImportResult:
        for start, lines, meta in _blocks(self.text):
            try:
                self.block(start, lines, meta)
            except _Problem as problem:
                self.errors.append(f"line {problem.line or start}: {problem}")
        if self.errors:
            raise BankFileError(self.errors)
        if not self.bank.questions:
            raise BankFileError(["the file holds no question that can be imported"])
        return ImportResult(bank=self.bank, warnings=self.warnings)

    def set_topic(self, path: str, slug: str = "") -> None:
        parts = [p.strip() for p in path.split("/") if p.strip() and p.strip() not in ("$course$", "top")]
        title = parts[-1] if parts else DEFAULT_TOPIC[1]
        slug = slugify(slug or title, default="topic")
        if slug not in self.topic_slugs:
            self.topic_slugs.add(slug)
            self.bank.topics.append((slug, title[:200]))
        self.topic = (slug, title)

    def current_topic(self) -> str:
        if self.topic is None:
            self.set_topic(DEFAULT_TOPIC[1])
        return self.topic[0]

    def block(self, start: int, lines: list[tuple[int, str]], meta: dict[str, str]) -> None:
        while lines and lines[0][1].lstrip().startswith("$CATEGORY:"):
            self.set_topic(lines[0][1].split(":", 1)[1], meta.get("topic", ""))
            lines = lines[1:]
        if not lines:
            return
        start = lines[0][0]
        text = _protect("\n".join(line for _, line in lines))
        title = ""
        if text.startswith("::"):
            end = text.find("::", 2)
            if end < 0:
                raise _Problem("the title opened with :: is never closed", start)
            title, text = _restore(text[2:end]).strip(), text[end + 2 :].lstrip()
        fmt = "moodle"
        found = re.match(r"\[(html|markdown|plain|moodle)\]", text)
        if found:
            fmt, text = found.group(1), text[found.end() :]
        opening = text.find("{")
        if opening < 0:
            self.warnings.append(f"line {start}: a description (no answer block) is not supported, skipped")
            return
        closing = text.find("}", opening)
        if closing < 0:
            raise _Problem(
                "the answer block opened with { is never closed", start + text.count("\n", 0, opening)
            )
        if "{" in text[closing + 1 :] or "{" in text[opening + 1 : closing]:
            raise _Problem("a question may have only one answer block (write \\{ for a literal brace)", start)
        before, inside, after = text[:opening], text[opening + 1 : closing], text[closing + 1 :]
        blank = bool(_clean(after, fmt))
        stem = _clean(before, fmt) + (f" {BLANK} " + _clean(after, fmt) if blank else "")
        if not stem.strip():
            raise _Problem("the question has no text", start)
        inside, _, general = inside.partition("####")
        explanation = _clean(general, fmt)
        if not inside.strip():
            self.warnings.append(f"line {start}: an essay question is not supported, skipped")
            return
        where = f"line {start}"
        item_type, spec = self.answers(inside.strip(), where, meta, fmt)
        if not explanation:
            explanation = NO_EXPLANATION
            self.warnings.append(f"{where}: no general feedback (####); the explanation says so")
        item = ITEM_TYPES[item_type]
        problems = item.validate(spec)
        if problems:
            raise _Problem(f"{item.label}: " + "; ".join(problems), start)
        difficulty = meta.get("difficulty", DEFAULT_DIFFICULTY)
        if difficulty not in DIFFICULTIES:
            self.warnings.append(f"{where}: difficulty {difficulty!r} unknown, read as {DEFAULT_DIFFICULTY}")
            difficulty = DEFAULT_DIFFICULTY
        key = unique(slugify(title or stem, default="question"), self.keys)
        self.bank.questions.append(
            QuestionData(
                key=key,
                topic=self.current_topic(),
                type=item_type,
                difficulty=difficulty,
                source_section=meta.get("source") or "Imported from GIFT",
                stem=stem.strip(),
                explanation=explanation,
                spec=item.content(item.normalise(spec)),
            )
        )

    def answers(self, inside: str, where: str, meta: dict[str, str], fmt: str) -> tuple[str, dict]:
        head = re.match(r"(TRUE|FALSE|T|F)\s*(#|$)", inside, re.IGNORECASE)
        if head:
            return "truefalse", self.truefalse(inside, fmt)
        if inside.startswith("#"):
            return "numeric", self.numeric(inside[1:], where, meta)
        answers = _split_answers(inside, where, fmt)
        if any("->" in a.text for a in answers):
            return "matching", self.matching(answers, where)
        if all(a.correct_mark for a in answers):
            return "shortanswer", self.shortanswer(answers, where)
        return self.choice(answers, where)

    def truefalse(self, inside: str, fmt: str) -> dict:
        value, *feedback = inside.split("#")
        key_true = value.strip().upper() in ("T", "TRUE")
        wrong = _clean(feedback[0], fmt) if feedback else ""
        right = _clean(feedback[1], fmt) if len(feedback) > 1 else ""
        true_rationale, false_rationale = (right, wrong) if key_true else (wrong, right)
        return {
            "options": [
                {"text": "True", "correct": key_true, "rationale": true_rationale or NO_FEEDBACK},
                {"text": "False", "correct": not key_true, "rationale": false_rationale or NO_FEEDBACK},
            ]
        }

    def numeric(self, inside: str, where: str, meta: dict[str, str]) -> dict:
        unit = meta.get("unit", "")
        parts = (
            [p for p in re.split(r"(?:^|\s)=", inside.strip()) if p.strip()] if "=" in inside else [inside]
        )
        accepts = []
        for part in parts:
            weight = 100.0
            found = re.match(r"\s*%(-?[\d.]+)%", part)
            if found:
                weight, part = float(found.group(1)), part[found.end() :]
            value = _restore(part.split("#", 1)[0]).strip()
            accept = _numeric_accept(value)
            if accept is None:
                raise _Problem(f"{value!r} is not a number, number:tolerance or min..max", None)
            accepts.append((weight, accept))
        full = [accept for weight, accept in accepts if weight >= 100]
        if not full:
            raise _Problem("a numeric question needs an answer worth full marks", None)
        if len(accepts) > 1:
            self.warnings.append(
                f"{where}: {len(accepts) - 1} further numeric answer(s) dropped; "
                "the first full-credit one is kept"
            )
        return {"accept": full[0], "unit": unit}

    def matching(self, answers: list[_Answer], where: str) -> dict:
        premises, responses = [], []
        for answer in answers:
            if "->" not in answer.text:
                raise _Problem(f"matching answer {answer.text!r} has no '->'", None)
            left, right = (part.strip() for part in answer.text.split("->", 1))
            if right and right not in responses:
                responses.append(right)
            if left:
                premises.append({"text": left, "match": right, "rationale": answer.feedback or NO_FEEDBACK})
        return {"premises": premises, "responses": responses}

    def shortanswer(self, answers: list[_Answer], where: str) -> dict:
        result = []
        for answer in answers:
            weight = 100.0 if answer.weight is None else answer.weight
            if 0 < weight < 100:
                self.warnings.append(f"{where}: partial credit {weight:g}% for {answer.text!r} read as right")
            result.append(
                {"text": answer.text, "variants": [], "correct": weight > 0, "feedback": answer.feedback}
            )
        return {"answers": result}

    def choice(self, answers: list[_Answer], where: str) -> tuple[str, dict]:
        marked = sum(a.correct_mark for a in answers)
        if marked == 1 and all(a.weight is None or a.correct_mark for a in answers):
            flags = [a.correct_mark for a in answers]
            item_type = "single"
        elif marked == 1:
            self.warnings.append(f"{where}: partial credit on wrong answers dropped; one answer is right")
            flags = [a.correct_mark for a in answers]
            item_type = "single"
        else:
            flags = [a.correct_mark or (a.weight or 0) > 0 for a in answers]
            item_type = "multiple" if sum(flags) > 1 or any(a.weight for a in answers) else "single"
            keys = sum(flags)
            if (
                item_type == "multiple"
                and keys
                and not all(
                    math.isclose(a.weight or 0, (100 if f else -100) / keys, abs_tol=0.01)
                    for a, f in zip(answers, flags, strict=True)
                )
            ):
                self.warnings.append(
                    f"{where}: weights read as select all that apply (+1 per key, -1 per distractor)"
                )
        options = [
            {"text": a.text, "correct": flag, "rationale": a.feedback or NO_FEEDBACK}
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
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            found = _META.match(stripped)
            if found:
                meta[found.group(1)] = found.group(2).strip()
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


def _split_answers(inside: str, where: str, fmt: str) -> list[_Answer]:
    pieces = re.split(r"([=~])", inside)
    if pieces[0].strip():
        raise _Problem(
            f"answers start with = or ~, not {_restore(pieces[0].strip())[:40]!r} "
            "(write \\= or \\~ for the signs)",
            None,
        )
    answers = []
    for mark, body in zip(pieces[1::2], pieces[2::2], strict=True):
        weight = None
        found = re.match(r"\s*%(-?\d+(?:\.\d+)?)%", body)
        if found:
            weight, body = float(found.group(1)), body[found.end() :]
        text, _, feedback = body.partition("#")
        answers.append(
            _Answer(
                text=_clean(text, fmt),
                weight=weight,
                correct_mark=mark == "=",
                feedback=_clean(feedback, fmt),
            )
        )
    if not answers:
        raise _Problem("no answers found (each answer starts with = or ~)", None)
    return answers


def _numeric_accept(value: str) -> dict | None:
    try:
        if ".." in value:
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
    """Read GIFT text into a bank. Raises BankFileError listing every problem, each with its line."""
    return _Parser(text, slug, title).run()


# -- writing ---------------------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Text as GIFT writes it: the special characters escaped, line breaks as \\n."""
    text = re.sub(r"([\\~=#{}:])", r"\\\1", text)
    return text.replace("\r\n", "\n").replace("\n", "\\n")


def _number(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def dump(bank: BankData) -> tuple[str, list[str]]:
    """The bank as GIFT text Moodle can read, and the questions it could not write (ordering, matrix...)."""
    titles = dict(bank.topics)
    out: list[str] = [f"// {bank.title}: exported from MMN Quiz", ""]
    skipped: list[str] = []
    topic = None
    for q in bank.questions:
        body = _answer_block(q)
        if body is None:
            skipped.append(f"{q.key}: {ITEM_TYPES[q.type].label} items cannot be written as GIFT, skipped")
            continue
        if q.topic != topic:
            topic = q.topic
            out += [f"// topic: {topic}", f"$CATEGORY: $course$/top/{titles.get(topic, topic)}", ""]
        out.append(f"// difficulty: {q.difficulty}")
        out.append(f"// source: {q.source_section}")
        if q.type == "numeric" and q.spec.get("unit"):
            out.append(f"// unit: {q.spec['unit']}")
        out.append(f"::{escape(q.key)}::[markdown]{escape(q.stem)} {{")
        out += [f"\t{line}" for line in body]
        out.append(f"\t####{escape(q.explanation)}")
        out += ["}", ""]
    return "\n".join(out), skipped


def _answer_block(q: QuestionData) -> list[str] | None:
    spec = q.spec
    if q.type == "single":
        return [
            f"{'=' if o['correct'] else '~'}{escape(o['text'])}#{escape(o['rationale'])}"
            for o in spec["options"]
        ]
    if q.type == "multiple":
        keys = sum(o["correct"] for o in spec["options"])
        weights = {True: _number(100 / keys), False: _number(-100 / keys)}
        return [
            f"~%{weights[o['correct']]}%{escape(o['text'])}#{escape(o['rationale'])}" for o in spec["options"]
        ]
    if q.type == "truefalse":
        by_text = {o["text"]: o for o in spec["options"]}
        key = next(o for o in spec["options"] if o["correct"])
        other = by_text["False" if key["text"] == "True" else "True"]
        # GIFT: the first feedback is shown for a wrong answer, the second for the right one.
        value = "TRUE" if key["text"] == "True" else "FALSE"
        return [f"{value}#{escape(other['rationale'])}#{escape(key['rationale'])}"]
    if q.type == "shortanswer":
        lines = []
        for answer in spec["answers"]:
            weight = "" if answer["correct"] else "%0%"
            feedback = f"#{escape(answer['feedback'])}" if answer["feedback"] else ""
            lines += [f"={weight}{escape(text)}{feedback}" for text in (answer["text"], *answer["variants"])]
        return lines
    if q.type == "numeric":
        accept = spec["accept"]
        if "value" in accept:
            return [f"#{_number(accept['value'])}:{_number(accept['tolerance'])}"]
        return [f"#{_number(accept['min'])}..{_number(accept['max'])}"]
    if q.type == "matching":
        matched = {p["match"] for p in spec["premises"]}
        lines = [f"={escape(p['text'])} -> {escape(p['match'])}" for p in spec["premises"]]
        return lines + [f"= -> {escape(r)}" for r in spec["responses"] if r not in matched]
    return None
