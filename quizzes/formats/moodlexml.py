"""Moodle XML (https://docs.moodle.org/en/Moodle_XML_format), in and out.

Read with defusedxml: a file that declares entities (a "billion laughs") or points at an external DTD or
URL is refused, never expanded or fetched. Question texts in HTML are reduced to plain text (tags,
scripts and handlers dropped); `markdown` texts are kept with their tags removed.

What maps to what: multichoice with `<single>true` is a single answer, with `<single>false` select all
that apply (a positive fraction marks a key; fractions other than 100/k and -100/k are mapped with a
warning); truefalse, shortanswer (a 0 fraction is a wrong answer kept for its feedback), numerical (the
first full-credit answer and its tolerance; a range is written as its midpoint give or take half its
width), matching (a subquestion with no text is an extra response) and category (its last path part is
the topic's title, its idnumber the topic's slug). The question's name is its key; difficulty and source
section travel as tags (`mmn-difficulty:easy`, `mmn-source:...`). Other types (essay, description,
cloze, calculated...) are reported "not supported, skipped" with their line.
"""

import math
from xml.etree.ElementTree import Element, ParseError, SubElement, TreeBuilder, indent, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from quizzes.items import ITEM_TYPES

from .bankfile import DIFFICULTIES, BankData, BankFileError, QuestionData
from .common import DEFAULT_DIFFICULTY, NO_EXPLANATION, NO_FEEDBACK, ImportResult, plain_text, slugify, unique

DEFAULT_TOPIC = "Imported"
SUPPORTED = ("multichoice", "truefalse", "shortanswer", "numerical", "matching")


class _LineBuilder(TreeBuilder):
    """A tree builder that remembers the line each element starts on (C elements take no attributes)."""

    def __init__(self):
        super().__init__()
        self.lines: dict[Element, int] = {}
        self.parser: DefusedXMLParser | None = None

    def start(self, tag, attrs):
        element = super().start(tag, attrs)
        self.lines[element] = self.parser.parser.CurrentLineNumber
        return element


def _read(text: str) -> tuple[Element, dict[Element, int]]:
    builder = _LineBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    builder.parser = parser
    try:
        parser.feed(text)
        root = parser.close()
    except ParseError as exc:
        line, column = exc.position
        raise BankFileError([f"line {line}, column {column + 1}: not well-formed XML"]) from None
    except DefusedXmlException as exc:
        raise BankFileError(
            [f"the file declares entities or external references, which are refused ({exc})"]
        ) from None
    except ValueError as exc:  # expat refuses some inputs (e.g. NUL characters) this way
        raise BankFileError([f"not readable XML: {exc}"]) from None
    return root, builder.lines


def _text(element: Element | None, name: str = "text") -> str:
    """The cleaned text of `element`'s <text> child (or the element itself when name is "")."""
    if element is None:
        return ""
    node = element.find(name) if name else element
    raw = (node.text or "") if node is not None else ""
    return plain_text(raw)


def _fraction(answer: Element, where: str) -> float:
    try:
        value = float(answer.get("fraction", "0"))
    except ValueError:
        raise _Problem(f"fraction {answer.get('fraction')!r} is not a number", where) from None
    if not math.isfinite(value):
        raise _Problem(f"fraction {answer.get('fraction')!r} is not a number", where)
    return value


class _Problem(Exception):
    def __init__(self, message: str, where: str):
        super().__init__(f"{where}: {message}")


def parse(text: str, *, slug: str = "imported", title: str = "Imported questions") -> ImportResult:
    """Read Moodle XML into a bank. Raises BankFileError listing every problem, each with its line."""
    root, lines = _read(text)
    if root.tag != "quiz":
        raise BankFileError([f"line {lines.get(root, 1)}: the file must hold a <quiz>, not <{root.tag}>"])
    bank = BankData(slug=slug, title=title)
    errors: list[str] = []
    warnings: list[str] = []
    keys: set[str] = set()
    topic: str | None = None
    for element in root.findall("question"):
        where = f"line {lines[element]}"
        kind = element.get("type", "")
        if kind == "category":
            path = _text(element.find("category"))
            parts = [p for p in path.split("/") if p.strip() and p.strip() not in ("$course$", "top")]
            name = parts[-1].strip() if parts else DEFAULT_TOPIC
            topic = slugify((element.findtext("idnumber") or "").strip() or name, default="topic")
            if topic not in {s for s, _ in bank.topics}:
                bank.topics.append((topic, name[:200]))
            continue
        if kind not in SUPPORTED:
            warnings.append(f"{where}: a {kind or 'untyped'} question is not supported, skipped")
            continue
        try:
            question = _question(element, kind, where, warnings)
        except _Problem as problem:
            errors.append(str(problem))
            continue
        if topic is None:
            topic = slugify(DEFAULT_TOPIC)
            bank.topics.append((topic, DEFAULT_TOPIC))
        question.topic = topic
        question.key = unique(question.key, keys)
        bank.questions.append(question)
    if errors:
        raise BankFileError(errors)
    if not bank.questions:
        raise BankFileError(["the file holds no question that can be imported"])
    return ImportResult(bank=bank, warnings=warnings)


def _question(element: Element, kind: str, where: str, warnings: list[str]) -> QuestionData:
    stem = _text(element.find("questiontext"))
    if not stem:
        raise _Problem("the question has no text", where)
    explanation = _text(element.find("generalfeedback"))
    if not explanation:
        explanation = NO_EXPLANATION
        warnings.append(f"{where}: no general feedback; the explanation says so")
    tags = {}
    for tag in element.findall("tags/tag"):
        name, _, value = _text(tag).partition(":")
        if name in ("mmn-difficulty", "mmn-source"):
            tags[name] = value.strip()
    difficulty = tags.get("mmn-difficulty", DEFAULT_DIFFICULTY)
    if difficulty not in DIFFICULTIES:
        difficulty = DEFAULT_DIFFICULTY
    item_type, spec = _spec(element, kind, where, warnings)
    item = ITEM_TYPES[item_type]
    problems = item.validate(spec)
    if problems:
        raise _Problem(f"{item.label}: " + "; ".join(problems), where)
    return QuestionData(
        key=slugify(_text(element.find("name")) or stem, default="question"),
        topic="",
        type=item_type,
        difficulty=difficulty,
        source_section=tags.get("mmn-source") or "Imported from Moodle XML",
        stem=stem,
        explanation=explanation,
        spec=item.content(item.normalise(spec)),
    )


def _spec(element: Element, kind: str, where: str, warnings: list[str]) -> tuple[str, dict]:
    answers = element.findall("answer")
    if kind == "multichoice":
        single = (element.findtext("single") or "true").strip().lower() in ("true", "1")
        fractions = [_fraction(a, where) for a in answers]
        flags = [f > 0 for f in fractions]
        if single:
            if any(0 < f < 100 for f in fractions):
                warnings.append(f"{where}: partial credit dropped; only a 100% answer is right")
                flags = [f >= 100 for f in fractions]
        else:
            keys = sum(flags)
            if keys and not all(
                math.isclose(f, (100 if flag else -100) / keys, abs_tol=0.01)
                for f, flag in zip(fractions, flags, strict=True)
            ):
                warnings.append(
                    f"{where}: fractions read as select all that apply (+1 per key, -1 per distractor)"
                )
        options = [
            {"text": _text(a), "correct": flag, "rationale": _text(a.find("feedback")) or NO_FEEDBACK}
            for a, flag in zip(answers, flags, strict=True)
        ]
        return ("single" if single else "multiple"), {"options": options}
    if kind == "truefalse":
        by_value = {_text(a).lower(): a for a in answers}
        if set(by_value) != {"true", "false"}:
            raise _Problem("a truefalse question needs the answers true and false", where)
        return "truefalse", {
            "options": [
                {
                    "text": value.title(),
                    "correct": _fraction(by_value[value], where) >= 100,
                    "rationale": _text(by_value[value].find("feedback")) or NO_FEEDBACK,
                }
                for value in ("true", "false")
            ]
        }
    if kind == "shortanswer":
        result = []
        for answer in answers:
            fraction = _fraction(answer, where)
            if 0 < fraction < 100:
                warnings.append(f"{where}: partial credit {fraction:g}% for {_text(answer)!r} read as right")
            result.append(
                {
                    "text": _text(answer),
                    "variants": [],
                    "correct": fraction > 0,
                    "feedback": _text(answer.find("feedback")),
                }
            )
        return "shortanswer", {"answers": result}
    if kind == "numerical":
        full = [a for a in answers if _fraction(a, where) >= 100]
        if not full:
            raise _Problem("a numerical question needs an answer worth 100%", where)
        if len(answers) > 1:
            warnings.append(f"{where}: {len(answers) - 1} further numeric answer(s) dropped")
        try:
            value = float(_text(full[0]))
            tolerance = abs(float(full[0].findtext("tolerance") or 0))
        except ValueError:
            raise _Problem(f"{_text(full[0])!r} is not a number", where) from None
        if not (math.isfinite(value) and math.isfinite(tolerance)):
            raise _Problem("the answer is not a finite number", where)
        unit = ""
        for unit_element in element.findall("units/unit"):
            if (unit_element.findtext("multiplier") or "1").strip() in ("1", "1.0"):
                unit = plain_text(unit_element.findtext("unit_name") or "")
                break
        return "numeric", {"accept": {"value": _tidy(value), "tolerance": _tidy(tolerance)}, "unit": unit}
    # matching
    premises, responses = [], []
    for sub in element.findall("subquestion"):
        left, right = _text(sub), _text(sub.find("answer"))
        if right and right not in responses:
            responses.append(right)
        if left:
            premises.append({"text": left, "match": right, "rationale": NO_FEEDBACK})
    return "matching", {"premises": premises, "responses": responses}


def _tidy(number: float) -> float | int:
    return int(number) if number.is_integer() and abs(number) < 1e15 else number


# -- writing ---------------------------------------------------------------------------------------------


def _with_text(parent: Element, tag: str, text: str, fmt: str | None = "markdown", **attrs) -> Element:
    element = SubElement(parent, tag, {**({"format": fmt} if fmt else {}), **attrs})
    SubElement(element, "text").text = text
    return element


def _number(value: float) -> str:
    return f"{value:.7f}".rstrip("0").rstrip(".")


def dump(bank: BankData) -> tuple[str, list[str]]:
    """The bank as Moodle XML, and the questions the format cannot hold (ordering, matrix...)."""
    root = Element("quiz")
    titles = dict(bank.topics)
    skipped: list[str] = []
    topic = None
    for q in bank.questions:
        if q.type not in ("single", "multiple", "truefalse", "shortanswer", "numeric", "matching"):
            skipped.append(
                f"{q.key}: {ITEM_TYPES[q.type].label} items cannot be written as Moodle XML, skipped"
            )
            continue
        if q.topic != topic:
            topic = q.topic
            category = SubElement(root, "question", type="category")
            _with_text(category, "category", f"$course$/top/{titles.get(topic, topic)}", fmt=None)
            SubElement(category, "idnumber").text = topic
        _write_question(root, q)
    indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode") + "\n", skipped


def _write_question(root: Element, q: QuestionData) -> None:
    kind = {"single": "multichoice", "multiple": "multichoice", "numeric": "numerical"}.get(q.type, q.type)
    element = SubElement(root, "question", type=kind)
    _with_text(element, "name", q.key, fmt=None)
    _with_text(element, "questiontext", q.stem)
    _with_text(element, "generalfeedback", q.explanation)
    SubElement(element, "defaultgrade").text = "1"
    spec = q.spec
    if q.type in ("single", "multiple", "truefalse"):
        keys = sum(o["correct"] for o in spec["options"])
        if q.type != "truefalse":
            SubElement(element, "single").text = "true" if q.type == "single" else "false"
            SubElement(element, "shuffleanswers").text = "true"
            SubElement(element, "answernumbering").text = "abc"
        for o in spec["options"]:
            if q.type == "multiple":
                fraction = _number((100 if o["correct"] else -100) / keys)
            else:
                fraction = "100" if o["correct"] else "0"
            text = o["text"].lower() if q.type == "truefalse" else o["text"]
            answer = _with_text(element, "answer", text, fraction=fraction)
            _with_text(answer, "feedback", o["rationale"])
    elif q.type == "shortanswer":
        SubElement(element, "usecase").text = "0"
        for a in spec["answers"]:
            for text in (a["text"], *a["variants"]):
                answer = _with_text(element, "answer", text, fraction="100" if a["correct"] else "0")
                _with_text(answer, "feedback", a["feedback"])
    elif q.type == "numeric":
        accept = spec["accept"]
        if "value" in accept:
            value, tolerance = accept["value"], accept["tolerance"]
        else:
            value, tolerance = (accept["min"] + accept["max"]) / 2, (accept["max"] - accept["min"]) / 2
        answer = _with_text(element, "answer", _number(value), fmt="moodle_auto_format", fraction="100")
        SubElement(answer, "tolerance").text = _number(tolerance)
        if spec["unit"]:
            unit = SubElement(SubElement(element, "units"), "unit")
            SubElement(unit, "multiplier").text = "1"
            SubElement(unit, "unit_name").text = spec["unit"]
    else:  # matching
        SubElement(element, "shuffleanswers").text = "true"
        matched = set()
        for p in spec["premises"]:
            sub = _with_text(element, "subquestion", p["text"])
            _with_text(sub, "answer", p["match"], fmt=None)
            matched.add(p["match"])
        for response in spec["responses"]:
            if response not in matched:
                sub = _with_text(element, "subquestion", "")
                _with_text(sub, "answer", response, fmt=None)
    tags = SubElement(element, "tags")
    _with_text(tags, "tag", f"mmn-difficulty:{q.difficulty}", fmt=None)
    _with_text(tags, "tag", f"mmn-source:{q.source_section}", fmt=None)
