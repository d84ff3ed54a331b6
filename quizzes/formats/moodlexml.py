"""Moodle XML (https://docs.moodle.org/en/Moodle_XML_format), in and out, read as Moodle's own
qformat_xml reads it (question/format/xml/format.php).

Read with defusedxml: a file that declares entities (a "billion laughs") or points at an external DTD or
URL is refused, never expanded or fetched. Each text is read in its `format`: `html` (the default) and
`moodle_auto_format` and `markdown` as text with their line breaks and escaped characters kept
(`common.html_to_text`), `plain_text` as written.

What maps to what: multichoice with `<single>true` is a single answer, with `<single>false` select all
that apply (a positive fraction marks a key); truefalse; shortanswer (a 0 fraction is a wrong answer
kept for its feedback); numerical (the full-credit answer, its tolerance and its unit); matching (a
subquestion with no text is an extra response); ordering (qtype_ordering: the answers in the file's order
are the right order, their feedback the rationales); gapselect (a drop-down cloze: [[n]] names the n-th
option, its drop-down every option of its group); multianswer (Cloze) whose gaps are all choices of
one (MULTICHOICE/MC): a drop-down cloze too; category (its path split as Moodle splits it, the
slug from the idnumber or the whole path). The question's idnumber, or else its name, is its key;
difficulty and source section travel as tags (`mmn-difficulty:easy`, `mmn-source:...`), and so do the
clinical-judgment tags when set (`mmn-clinical-judgment:take-action`, `mmn-cognitive-level:recall`); each
citation as a tag (`mmn-cite:<source>#<passage>`) and the cited text at the end of the general feedback,
under "Cited passages (MMN Quiz):", which reading drops from the explanation.

Skipped with a warning, never imported with a different key: other types (essay, description, a Cloze
with typed or numeric gaps, calculated...), partial credit on a single answer or short answer, several
numeric answers earning credit, a case-sensitive short answer (`usecase`) with letters, a `*` wildcard in a
right answer, and media other than embedded images (audio, video, linked files, a Moodle 1.9 `<image>` not
in the file; one in `<image_base64>` is kept, below the text, without alt text).
Absent feedback stays absent. Images embedded as Moodle writes them (`<img src="@@PLUGINFILE@@/name">` in a
text, the file in a `<file name="name" encoding="base64">` of the same element) or as data: URIs are kept
(quizzes.media) with their alt text, and written back as Moodle writes them. Matching rationales, a
drop-down cloze's stem and rationales travel in elements of our own (`mmn_rationale`, `mmn_stem`), which
Moodle passes over.
"""

import base64
import binascii
import html
import math
import re
from contextvars import ContextVar
from xml.etree.ElementTree import Element, ParseError, SubElement, TreeBuilder, indent, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from quizzes import media as images
from quizzes.items import ITEM_TYPES
from quizzes.items.base import validate_imported

from .bankfile import DIFFICULTIES, QUESTION_TAGS, BankData, BankFileError, MediaData, QuestionData
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

SUPPORTED = (
    "multichoice", "truefalse", "shortanswer", "numerical", "matching", "ordering", "gapselect", "multianswer"
)  # fmt: skip
# Embedded answers (Cloze) whose every gap is a choice of one: a drop-down cloze.
CLOZE_GAP = re.compile(r"\{(\d*):(MULTICHOICE|MC)(_[VHS]|_[VH]S)?:((?:\\.|[^}])*)\}")
# Our own elements: Moodle's importer reads the elements it knows by name and passes over others.
OWN_RATIONALE, OWN_STEM = "mmn_rationale", "mmn_stem"
# Moodle tag -> the question's clinical-judgment tag it carries.
MOODLE_TAGS = {"mmn-clinical-judgment": "clinical_judgment", "mmn-cognitive-level": "cognitive_level"}


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
    """The text of `element`'s <text> child (or the element itself when name is ""), read in the
    element's format as Moodle shows it: HTML (Moodle XML's default), Moodle's auto-format and Markdown
    reduced to text, plain text kept as written."""
    if element is None:
        return ""
    node = element.find(name) if name else element
    raw = (node.text or "") if node is not None else ""
    fmt = element.get("format", "html")
    if fmt == "plain_text":
        return raw.strip()
    return html_to_text(raw, is_html=fmt == "html")


def _legacy_image(question: Element, found: dict[str, MediaData]) -> str:
    """Moodle 1.9's question image (`<image>` naming it, `<image_base64>` holding it) as our reference,
    without alt text (1.9 had none: the item-writing checks flag it); "" when there is none. An image
    named without its bytes (a file on the old site) cannot be carried: Skip."""
    encoded = "".join((question.findtext("image_base64") or "").split())
    if not encoded:
        if (question.findtext("image") or "").strip():
            raise Skip("the question's image (Moodle 1.9's <image>) is not embedded in the file, skipped")
        return ""
    try:
        data = base64.b64decode(encoded, validate=True)
        info = images.inspect(data)
    except binascii.Error:
        raise Skip(
            "the question's image (Moodle 1.9's <image_base64>) is not valid base64, skipped"
        ) from None
    except images.MediaError as error:
        raise Skip(
            f"the question's image (Moodle 1.9's <image_base64>) cannot be used ({error}), skipped"
        ) from None
    found.setdefault(info.name, MediaData(name=info.name, data=data))
    return images.reference(info.name)


def _images(question: Element, where: str, found: dict[str, MediaData]) -> None:
    """Each text of `question` (its text, answers, feedback, subquestions...) with its embedded images
    (`<img src="@@PLUGINFILE@@/name">` and the element's `<file name="name" encoding="base64">`, or a
    data: URI) read into `found` and replaced by our references to them, in place. Raises Skip for an
    image that cannot be read, and for media left over (audio, video, a link to a file)."""
    for part in question.iter():
        node = part.find("text")
        if node is None:
            continue
        files = {}
        for file in part.findall("file"):
            name = file.get("name", "")
            if (file.get("encoding") or "base64") != "base64":
                raise Skip(f"the embedded file {name!r} is not in base64, skipped")
            try:
                files[name] = base64.b64decode("".join((file.text or "").split()), validate=True)
            except binascii.Error:
                raise Skip(f"the embedded file {name!r} is not valid base64, skipped") from None
        node.text = read_images(node.text or "", found, files)
        media_check(node.text, where)


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
    """Read Moodle XML into a bank. Raises BankFileError (a FileRefused, with the warnings and the
    questions that did read) listing every problem, each with its line."""
    root, lines = _read(text)
    if root.tag != "quiz":
        raise BankFileError([f"line {lines.get(root, 1)}: the file must hold a <quiz>, not <{root.tag}>"])
    bank = BankData(slug=slug, title=title)
    topics = Topics(bank)
    errors: list[str] = []
    warnings: list[str] = []
    keys = UniqueSlugs()
    topic: str | None = None
    for element in root.findall("question"):
        where = f"line {lines[element]}"
        kind = element.get("type", "")
        if kind == "category":
            path = (element.findtext("category/text") or "").strip()
            idnumber = (element.findtext("idnumber") or "").strip()
            topic = topics.add(category_path(path), idnumber, lines[element])
            continue
        try:
            if kind not in SUPPORTED:
                raise Skip(f"{_article(kind)} question is not supported, skipped")
            question = _question(element, kind, where, warnings, bank.media)
        except Skip as skip:
            warnings.append(f"{where}: {skip}")
            continue
        except _Problem as problem:
            errors.append(str(problem))
            continue
        if topic is None:
            topic = topics.add([])
        question.topic = topic
        question.key = keys(question.key)
        question.line = lines[element]
        bank.questions.append(question)
    topics.finish()
    bank.keep_shown_media()
    if errors:
        raise FileRefused(errors, warnings, bank if bank.questions else None)
    if not bank.questions:
        raise FileRefused(["the file holds no question that can be imported"], warnings)
    return ImportResult(bank=bank, warnings=warnings)


def _question(
    element: Element, kind: str, where: str, warnings: list[str], found: dict[str, MediaData]
) -> QuestionData:
    legacy = _legacy_image(element, found)
    _images(element, where, found)
    name = _text(element.find("name"))
    stem = _text(element.find("questiontext"))
    if legacy:  # Moodle 1.9 showed it below the question text
        stem = f"{stem}\n\n{legacy}" if stem else legacy
    # The cited passages' text, which our export adds to the feedback, is ours: it is not the explanation.
    explanation = _text(element.find("generalfeedback")).split(f"\n\n{CITED}", 1)[0].rstrip()
    tags = {}
    for tag in element.findall("tags/tag"):
        tag_name, _, value = (tag.findtext("text") or "").strip().partition(":")
        if tag_name in ("mmn-difficulty", "mmn-source", *MOODLE_TAGS):
            tags[tag_name] = value.strip()
    difficulty = tags.get("mmn-difficulty", DEFAULT_DIFFICULTY)
    if difficulty not in DIFFICULTIES:
        difficulty = DEFAULT_DIFFICULTY
    labels = {}
    for tag, label in MOODLE_TAGS.items():
        value = tags.get(tag, "")
        if value and value not in QUESTION_TAGS[label]:
            warnings.append(f"{where}: {tag} {value!r} unknown, left out")
        elif value:
            labels[label] = value
    item_type, spec = _spec(element, kind, where, warnings)
    if item_type == "cloze":
        stem = _text(element.find(OWN_STEM)) or name
    if not stem:
        if not name:
            raise _Problem("the question has no text", where)
        stem = name  # as Moodle shows a question without text: by its name
    item = ITEM_TYPES[item_type]
    problems = validate_imported(item, spec)
    if problems and kind in ("gapselect", "multianswer"):  # our own limits on blanks and choices
        raise Skip(f"as a drop-down cloze it {'; '.join(problems)}, skipped")
    if problems:
        raise _Problem(f"{item.label}: " + "; ".join(problems), where)
    return QuestionData(
        key=slugify((element.findtext("idnumber") or "").strip() or name or stem, default="question"),
        topic="",
        type=item_type,
        difficulty=difficulty,
        source_section=tags.get("mmn-source", ""),
        stem=stem,
        explanation=explanation,
        spec=item.content(item.normalise(spec)),
        **labels,
    )


def _true(element: Element, name: str, default: str) -> bool:
    return (element.findtext(name) or default).strip().lower() in ("true", "1")


def _spec(element: Element, kind: str, where: str, warnings: list[str]) -> tuple[str, dict]:
    answers = element.findall("answer")
    if kind == "multichoice":
        single = _true(element, "single", "true")
        fractions = [_fraction(a, where) for a in answers]
        flags = [f > 0 for f in fractions]
        if single:
            if any(0 < f < 100 for f in fractions) or sum(f >= 100 for f in fractions) > 1:
                raise Skip(
                    "a single-answer question with partial credit (or several right answers) is "
                    "not supported (it would change the key), skipped"
                )
            flags = [f >= 100 for f in fractions]
        else:
            keys = sum(flags)
            if keys and not all(
                math.isclose(f, (100 if flag else -100) / keys, abs_tol=0.01)
                for f, flag in zip(fractions, flags, strict=True)
            ):
                warnings.append(
                    f"{where}: fractions read as select all that apply (+1 per key, -1 per distractor); "
                    "the keys are the answers with a positive fraction"
                )
        options = [
            {"text": _text(a), "correct": flag, "rationale": _text(a.find("feedback"))}
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
                    "rationale": _text(by_value[value].find("feedback")),
                }
                for value in ("true", "false")
            ]
        }
    if kind == "shortanswer":
        found = [(_text(a), _fraction(a, where), _text(a.find("feedback"))) for a in answers]
        if _true(element, "usecase", "0") and any(text != text.casefold() for text, _, _ in found):
            raise Skip(
                "a case-sensitive short answer (usecase) is not supported: answers here match "
                "whatever the case, which would change the key, skipped"
            )
        return "shortanswer", {"answers": shortanswer_answers(found, where, warnings)}
    if kind == "numerical":
        full = [a for a in answers if _fraction(a, where) >= 100]
        if not full:
            raise _Problem("a numerical question needs an answer worth 100%", where)
        credited = [a for a in answers if _fraction(a, where) > 0 and _text(a) != "*"]
        if len(credited) > 1:
            raise Skip(
                "a numeric question with more than one answer that earns credit is not supported "
                "(our numeric items hold one), skipped"
            )
        if len(answers) > 1:
            warnings.append(f"{where}: {len(answers) - 1} wrong numeric answer(s) and their feedback dropped")
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
                unit = (unit_element.findtext("unit_name") or "").strip()  # plain text to Moodle
                break
        return "numeric", {"accept": {"value": _tidy(value), "tolerance": _tidy(tolerance)}, "unit": unit}
    if kind == "ordering":
        # qtype_ordering's import_from_xml: the answers in the file's order are the right order.
        select = element.findtext("selecttype") or element.findtext("logical")
        count = element.findtext("selectcount") or element.findtext("studentsee")
        steps = [(_text(a), _text(a.find("feedback"))) for a in answers]
        return "ordering", ordering_spec(
            steps, element.findtext("gradingtype"), select, count, where, warnings
        )
    if kind == "gapselect":
        return "cloze", _gapselect(element, where)
    if kind == "multianswer":
        return "cloze", _multianswer(element, where)
    # matching
    premises, responses = [], []
    for sub in element.findall("subquestion"):
        left, right = _text(sub), (sub.findtext("answer/text") or "").strip()  # Moodle: plain text
        if right and right not in responses:
            responses.append(right)
        if left:
            premises.append({"text": left, "match": right, "rationale": _text(sub.find(OWN_RATIONALE))})
    return "matching", {"premises": premises, "responses": responses}


def _multianswer(element: Element, where: str) -> dict:
    """Embedded answers (Cloze, qtype_multianswer) where every gap is a choice of one (MULTICHOICE, MC and
    their _V/_H/_S forms) as a drop-down cloze: the gap's 100% answer is its right choice, that answer's
    feedback its rationale. Any other gap (short answer, numerical, several right answers, partial
    credit) cannot be carried: the question is skipped."""
    text = _text(element.find("questiontext"))
    blanks = []

    def gap(match: re.Match) -> str:
        choices, right, rationale = [], None, ""
        for raw in re.split(r"(?<!\\)~", match.group(4)):
            answer, _, feedback = raw.partition("#")
            weight = 0.0
            if answer.startswith("="):
                weight, answer = 100.0, answer[1:]
            elif found := re.match(r"%(-?\d+(?:\.\d+)?)%", answer):
                weight, answer = float(found.group(1)), answer[found.end() :]
            answer = re.sub(r"\\(.)", r"\1", answer).strip()
            if 0 < weight < 100 or (weight >= 100 and right is not None):
                raise Skip(
                    "a Cloze gap with partial credit or several right answers is not supported, skipped"
                )
            if weight >= 100:
                right, rationale = answer, re.sub(r"\\(.)", r"\1", feedback).strip()
            choices.append(answer)
        if right is None:
            raise _Problem("a Cloze gap has no right answer", where)
        blanks.append({"choices": list(dict.fromkeys(choices)), "correct": right, "rationale": rationale})
        return f"[[{len(blanks)}]]"

    passage = CLOZE_GAP.sub(gap, text)
    if re.search(r"\{\d*:[A-Z_]+:", passage):
        raise Skip("a Cloze question with gaps other than choices of one is not supported, skipped")
    return {"passage": passage, "blanks": blanks}


def _gapselect(element: Element, where: str) -> dict:
    """A drop-down cloze (qtype_gapselect): in the text, [[n]] is a gap whose right choice is the n-th
    <selectoption>; its drop-down lists every option of the same <group>."""
    options = [  # a choice is plain text to qtype_gapselect
        ((o.findtext("text") or "").strip(), (o.findtext("group") or "1").strip())
        for o in element.findall("selectoption")
    ]
    text = _text(element.find("questiontext"))
    blanks = []

    def gap(match: re.Match) -> str:
        number = int(match.group(1))
        if not 1 <= number <= len(options):
            raise _Problem(f"the gap [[{number}]] names no choice", where)
        right, group = options[number - 1]
        choices = list(dict.fromkeys(t for t, g in options if g == group))
        blanks.append({"choices": choices, "correct": right, "rationale": ""})
        return f"[[{len(blanks)}]]"

    passage = re.sub(r"\[\[(\d+)\]\]", gap, text)
    rationales = [_text(r) for r in element.findall(OWN_RATIONALE)]
    for blank, rationale in zip(blanks, rationales, strict=False):
        blank["rationale"] = rationale
    return {"passage": passage, "blanks": blanks}


def _tidy(number: float) -> float | int:
    return int(number) if number.is_integer() and abs(number) < 1e15 else number


# -- writing ---------------------------------------------------------------------------------------------

# Heads the cited passages' text in an exported question's general feedback, where Moodle keeps it whole.
CITED = "Cited passages (MMN Quiz):"


# The images of the bank being written (dump sets it): each text's references become Moodle's
# <img src="@@PLUGINFILE@@/name">, with the image in a <file> of that element, as Moodle's export writes.
_WRITING_MEDIA: ContextVar[dict[str, MediaData] | None] = ContextVar("moodlexml_media", default=None)


def _with_text(parent: Element, tag: str, text: str, fmt: str | None = "markdown", **attrs) -> Element:
    if fmt == "markdown" and html_to_text(text, is_html=False) != text:
        fmt = "plain_text"  # what Markdown reading would change (a tag, an entity) is written as it is
    element = SubElement(parent, tag, {**({"format": fmt} if fmt else {}), **attrs})
    media = _WRITING_MEDIA.get() or {}
    written: dict[str, MediaData] = {}

    def img(match) -> str:
        found = media.get(match.group(2))
        if found is None:
            return match.group()
        written[found.name] = found
        alt = html.escape(images.unescape_alt(match.group(1)))
        return f'<img src="@@PLUGINFILE@@/{found.name}" alt="{alt}">'

    SubElement(element, "text").text = images.REFERENCE.sub(img, text) if media else text
    for found in written.values():
        file = SubElement(element, "file", name=found.name, path="/", encoding="base64")
        file.text = base64.b64encode(found.data).decode("ascii")
    return element


def _number(value: float) -> str:
    return f"{value:.7f}".rstrip("0").rstrip(".")


def dump(bank: BankData) -> tuple[str, list[str]]:
    """The bank as Moodle XML, and the questions the format cannot hold, each with why."""
    token = _WRITING_MEDIA.set(bank.media)
    try:
        return _dump(bank)
    finally:
        _WRITING_MEDIA.reset(token)


def _dump(bank: BankData) -> tuple[str, list[str]]:
    root = Element("quiz")
    titles = dict(bank.topics)
    skipped: list[str] = []
    topic = None
    for q in bank.questions:
        if why := cannot_write(q):
            skipped.append(f"{q.key}: {why}")
            continue
        if q.topic != topic:
            topic = q.topic
            category = SubElement(root, "question", type="category")
            path = f"$course$/top/{escape_category(titles.get(topic, topic))}"
            _with_text(category, "category", path, fmt=None)
            SubElement(category, "idnumber").text = topic
        _write_question(root, q, bank.cited(q))
    indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode") + "\n", skipped


def cannot_write(q: QuestionData) -> str:
    """Why Moodle XML cannot carry `q` ("" when it can)."""
    if q.type not in WRITTEN:
        return f"{ITEM_TYPES[q.type].label} items have no Moodle question type to carry them"
    if q.type == "cloze" and any("[[" in c or "]]" in c for b in q.spec["blanks"] for c in b["choices"]):
        return "a choice holds [[ or ]], which Moodle's drop-down gaps cannot carry"
    return ""


WRITTEN = {
    "single": "multichoice",
    "multiple": "multichoice",
    "truefalse": "truefalse",
    "shortanswer": "shortanswer",
    "numeric": "numerical",
    "matching": "matching",
    "ordering": "ordering",
    "cloze": "gapselect",
}


def _write_question(root: Element, q: QuestionData, cited: list[tuple[str, str]] = ()) -> None:
    element = SubElement(root, "question", type=WRITTEN[q.type])
    _with_text(element, "name", q.key, fmt=None)
    spec = q.spec
    if q.type == "cloze":
        # Moodle's gap [[n]] names the n-th option, the gap's right one; its group, the gap's drop-down.
        options: list[tuple[str, int]] = []
        numbers = []
        for group, blank in enumerate(spec["blanks"], start=1):
            numbers.append(len(options) + 1 + blank["choices"].index(blank["correct"]))
            options += [(choice, group) for choice in blank["choices"]]
        passage = re.sub(r"\[\[(\d+)\]\]", lambda m: f"[[{numbers[int(m.group(1)) - 1]}]]", spec["passage"])
        _with_text(element, "questiontext", passage)
        _with_text(element, OWN_STEM, q.stem)
    else:
        _with_text(element, "questiontext", q.stem)
    quoted = "".join(f"\n> {text} ({cite})" for cite, text in cited)
    _with_text(element, "generalfeedback", f"{q.explanation}\n\n{CITED}{quoted}" if cited else q.explanation)
    SubElement(element, "defaultgrade").text = "1"
    SubElement(element, "idnumber").text = q.key
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
                answer = _with_text(
                    element,
                    "answer",
                    text.replace("*", "\\*"),
                    fmt="plain_text",
                    fraction="100" if a["correct"] else "0",
                )
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
    elif q.type == "ordering":
        SubElement(element, "layouttype").text = "VERTICAL"
        SubElement(element, "selecttype").text = "ALL"
        SubElement(element, "selectcount").text = str(len(spec["steps"]))
        grading = "ALL_OR_NOTHING" if spec["scoring"] == "all-or-nothing" else "ABSOLUTE_POSITION"
        SubElement(element, "gradingtype").text = grading
        SubElement(element, "showgrading").text = "SHOW"
        SubElement(element, "numberingstyle").text = "none"
        for position, step in enumerate(spec["steps"], start=1):
            answer = _with_text(element, "answer", step["text"], fraction=str(position))
            _with_text(answer, "feedback", step["rationale"])
    elif q.type == "cloze":
        SubElement(element, "shuffleanswers").text = "1"
        for choice, group in options:
            option = SubElement(element, "selectoption")
            SubElement(option, "text").text = choice
            SubElement(option, "group").text = str(group)
        for blank in spec["blanks"]:
            _with_text(element, OWN_RATIONALE, blank["rationale"])
    else:  # matching
        SubElement(element, "shuffleanswers").text = "true"
        matched = set()
        for p in spec["premises"]:
            sub = _with_text(element, "subquestion", p["text"])
            _with_text(sub, "answer", p["match"], fmt=None)
            _with_text(sub, OWN_RATIONALE, p["rationale"])
            matched.add(p["match"])
        for response in spec["responses"]:
            if response not in matched:
                sub = _with_text(element, "subquestion", "")
                _with_text(sub, "answer", response, fmt=None)
    tags = SubElement(element, "tags")
    _with_text(tags, "tag", f"mmn-difficulty:{q.difficulty}", fmt=None)
    if q.source_section:
        _with_text(tags, "tag", f"mmn-source:{q.source_section}", fmt=None)
    # Each citation as a tag (Moodle cuts tags at 50 characters, so the text goes in the feedback above).
    for cite, _text in cited:
        _with_text(tags, "tag", f"mmn-cite:{cite}", fmt=None)
    for tag, name in MOODLE_TAGS.items():
        if getattr(q, name):
            _with_text(tags, "tag", f"{tag}:{getattr(q, name)}", fmt=None)


def _article(kind: str) -> str:
    if not kind:
        return "an untyped"
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"
