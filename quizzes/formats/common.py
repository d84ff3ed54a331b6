"""What the import formats (GIFT, Moodle XML, the bank file) share: the refusal of unreadable uploads,
the result of a parse, and the cleaning of imported text.

Every importer is a pure function from text to an `ImportResult`; it raises `BankFileError` (each
problem with its line) and nothing else, and writes nothing: `database.import_bank` does the writing,
all or nothing.
"""

import base64
import binascii
import hashlib
import html
import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import unquote

from quizzes import media as images
from quizzes.items.base import MAX_TYPED

from .bankfile import BankData, BankFileError, MediaData

# An upload larger than this is refused before it is read: a real bank is a few hundred kilobytes.
MAX_BYTES = 2 * 1024 * 1024
FORMATS = {"json": "Bank file (JSON)", "gift": "GIFT", "moodlexml": "Moodle XML"}
DEFAULT_DIFFICULTY = "medium"
DEFAULT_TOPIC = "Imported"


@dataclass
class ImportResult:
    """A parsed file: the bank it describes, what could not be carried over exactly (with lines), and
    the questions left out because they hold errors (only when the educator asked to leave them out)."""

    bank: BankData
    warnings: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)


class FileRefused(BankFileError):
    """A GIFT or Moodle XML file refused for its errors, still carrying what was found on the way: the
    warnings (so they are shown with the errors, never lost), and the questions that did read (so the
    educator may import those and leave the others out)."""

    def __init__(self, errors: list[str], warnings: list[str], good: BankData | None = None):
        super().__init__(errors)
        self.warnings = warnings
        self.good = good


def decode(raw: bytes) -> str:
    """The text of an uploaded file, or a BankFileError saying why it cannot be read."""
    if len(raw) > MAX_BYTES:
        raise BankFileError([f"the file is {len(raw):,} bytes; the limit is {MAX_BYTES:,} bytes (2 MB)"])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise BankFileError([f"line {line}: the file is not UTF-8 text (byte {exc.start})"]) from None


# Every element HTML defines (and the obsolete ones still found in old files): a "<" followed by anything
# else ("x<y and y>z", "<your name>") is text, as a browser showing plain text would have it.
_ELEMENT_NAMES = """a abbr acronym address area article aside audio b base bdi bdo big blink blockquote body
    br button canvas caption center cite code col colgroup data datalist dd del details dfn dialog dir div
    dl dt em
    embed fieldset figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup
    hr html i iframe img input ins kbd label legend li link main map mark math menu meta meter nav nobr
    noscript object ol optgroup option output p param picture pre progress q rp rt ruby s samp script
    section select small source span strike strong style sub summary sup svg table tbody td template
    textarea tfoot th thead time title tr track tt u ul var video wbr"""
_HTML_ELEMENTS = frozenset(_ELEMENT_NAMES.split())
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)(?:\s[^<>]*)?/?>")
_DROPPED_WITH_CONTENT = re.compile(r"<(script|style|head|template)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_BLOCK_NAMES = "p div h1 h2 h3 h4 h5 h6 ul ol table tr blockquote pre section article dl"
_BLOCKS = frozenset(_BLOCK_NAMES.split())


def html_to_text(text: str, *, is_html: bool = True) -> str:
    """Imported HTML (or Moodle's auto-format, or Markdown carrying HTML) as text, kept as Moodle shows it:
    tags dropped (scripts and styles with their content), entities read once (so "&lt;b&gt;" is the text
    "<b>"), <br> and the ends of paragraphs and list items as line breaks, a list item as "- item".
    A "<" that starts no HTML tag is text. The result is stored as Markdown, rendered with raw HTML off.

    `is_html`: the text is HTML proper, where a line break in the source is only a space.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").lstrip("\ufeff")
    if "<" in text:
        text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
        text = _DROPPED_WITH_CONTENT.sub("", text)
    if is_html:
        text = re.sub(r"\s+", " ", text)

    def tag(match: re.Match) -> str:
        closing, name = match.group(1), match.group(2).lower()
        if name not in _HTML_ELEMENTS:
            return match.group()
        if name in ("br", "tr"):
            return "\n"
        if name == "li":
            return "" if closing else "\n- "
        if name in _BLOCKS or name == "td" and closing:
            return "\n\n" if name not in ("td",) else " "
        return ""

    if "<" in text:
        text = _TAG.sub(tag, text)
    if "&" in text:
        text = html.unescape(text)
    text = re.sub(r"[ \t\u00a0]*\n[ \t\u00a0]*", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def slugify(text: str, default: str = "item", max_length: int = 60) -> str:
    """A slug for a topic or question key: lower-case ASCII letters, digits and single dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:max_length].strip("-")
    if not slug and text.strip():
        # A name in a script with no ASCII letters ("Введение"): a slug of its own, the same every time,
        # so two such names never share one.
        slug = f"{default}-{hashlib.sha256(text.strip().encode()).hexdigest()[:8]}"
    return slug or default


def category_path(path: str) -> list[str]:
    """The category names of a Moodle category path, as Moodle splits it: "/" separates, "//" is a slash
    in a name, and the context (`$course$`, `$module$`, `$system$`...) and its `top` are not names."""
    names = [n.strip().replace("//", "/") for n in re.split(r"(?<!/)/(?!/)", path.strip())]
    names = [n for n in names if n]
    if names and re.fullmatch(r"\$[a-z]+\$", names[0]):
        names = names[1:]
    if names and names[0] == "top":
        names = names[1:]
    return names


def escape_category(name: str) -> str:
    """A topic title as one name in a Moodle category path (Moodle's assemble_category_path)."""
    escaped = name.replace("/", "//")
    if escaped.startswith("/"):
        escaped = " " + escaped
    if escaped.endswith("/"):
        escaped += " "
    return escaped


class Topics:
    """The topics of a GIFT or Moodle XML file, one per category path: the slug from the whole path (so
    "Unit 1/Quiz" and "Unit 2/Quiz" stay two topics), the title the last name, or the whole path when two
    paths end in the same name."""

    def __init__(self, bank: BankData):
        self.bank = bank
        self.paths: dict[str, list[str]] = {}

    def add(self, names: list[str], slug: str = "", line: int | None = None) -> str:
        names = names or [DEFAULT_TOPIC]
        slug = slugify(slug or "/".join(names), default="topic")
        if slug not in self.paths:
            self.paths[slug] = names
            self.bank.topics.append((slug, names[-1][:200]))
            if line:
                self.bank.topic_lines[slug] = line
        return slug

    def finish(self) -> None:
        leaves: dict[str, int] = {}
        for names in self.paths.values():
            leaves[names[-1].casefold()] = leaves.get(names[-1].casefold(), 0) + 1
        self.bank.topics = [
            (
                slug,
                title if leaves[self.paths[slug][-1].casefold()] == 1 else " / ".join(self.paths[slug])[:200],
            )
            for slug, title in self.bank.topics
        ]


class UniqueSlugs:
    """Hands out each slug once: `slug`, or `slug-2`, `slug-3`... whichever is not taken yet.

    The next number to try is remembered per slug, so 20,000 questions all titled `::same::` take
    20,000 steps, not the 200 million that counting up from 2 each time would.
    """

    def __init__(self) -> None:
        self.taken: set[str] = set()
        self.next_number: dict[str, int] = {}

    def __call__(self, slug: str) -> str:
        candidate, number = slug, self.next_number.get(slug, 2)
        while candidate in self.taken:
            candidate = f"{slug}-{number}"
            number += 1
        self.next_number[slug] = number
        self.taken.add(candidate)
        return candidate


class Skip(Exception):
    """A question this import cannot carry as written: left out with a warning, the rest imported."""


def shortanswer_answers(answers: list[tuple[str, float, str]], where: str, warnings: list[str]) -> list[dict]:
    """Short answers (text, weight in percent, feedback) as our short-answer spec, as Moodle marks them:
    "*" matches any text (a lone "*" with no credit is the feedback for anything else, which we cannot
    show, so it is dropped with a warning), "\\*" is a star. Raises Skip for what would change the key:
    partial credit, a wildcard in a right answer, an answer longer than a learner may type."""
    result = []
    for text, weight, feedback in answers:
        wildcard = re.search(r"(?<!\\)\*", text)
        if 0 < weight < 100:
            raise Skip(
                f"partial credit ({weight:g}% for {text!r}) is not supported "
                "(it would change the key), skipped"
            )
        if wildcard and weight > 0:
            raise Skip(
                f"the right answer {text!r} uses the * wildcard, "
                "which short answers here cannot match, skipped"
            )
        if wildcard:
            warnings.append(f"{where}: the wrong answer {text!r} (a * wildcard) and its feedback dropped")
            continue
        text = text.replace("\\*", "*")
        if len(text) > MAX_TYPED:
            raise Skip(
                f"an answer is {len(text)} characters long; a learner may type at most {MAX_TYPED}, skipped"
            )
        result.append({"text": text, "variants": [], "correct": weight > 0, "feedback": feedback})
    return result


_MEDIA = re.compile(
    r"@@PLUGINFILE@@|data:[a-z]+/[a-z0-9.+-]+;base64,|<(img|audio|video|source|embed|object|iframe)\b", re.I
)
_IMG = re.compile(r"<img\b((?:\s+[^\s=>/]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?)*)\s*/?>", re.I)
_ATTRIBUTE = re.compile(r"([^\s=>/]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+)))?")
_DATA_URI = re.compile(r"data:image/([a-z0-9.+-]+);base64,(.*)", re.I | re.S)


def media_check(text: str, where: str) -> None:
    """Nothing is dropped silently: a question that still shows media once its images are read (audio,
    video, a link to a file on the Moodle site, an image from another site) is skipped, with a warning."""
    if _MEDIA.search(text):
        raise Skip(
            "the question shows media other than an embedded image (audio, video, a linked file, or an "
            "image from another site), which this import cannot carry, skipped"
        )


def read_images(text: str, found: dict[str, MediaData], files: dict[str, bytes] | None = None) -> str:
    """`text` with each embedded <img> replaced by our Markdown reference to it (quizzes.media), its bytes
    added to `found`: a GIFT data: URI, or Moodle's `@@PLUGINFILE@@/<name>` for one of `files` (the
    element's <file>s, by name). Alt text is kept. An image that cannot be read raises Skip, naming why;
    any other <img> is left for media_check."""

    def image(match: re.Match) -> str:
        attributes = {
            m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
            for m in _ATTRIBUTE.finditer(match.group(1))
        }
        src, alt = attributes.get("src", "").strip(), attributes.get("alt", "")
        if data_uri := _DATA_URI.fullmatch(src):
            try:
                data = base64.b64decode(re.sub(r"\s+", "", data_uri.group(2)), validate=True)
            except binascii.Error:
                raise Skip("an embedded image's data is not valid base64, skipped") from None
        elif src.startswith("@@PLUGINFILE@@/") and files is not None:
            file_name = unquote(src.removeprefix("@@PLUGINFILE@@/"))
            if file_name not in files:
                raise Skip(f"the image {file_name!r} is not among the question's embedded files, skipped")
            data = files[file_name]
        else:
            return match.group()
        try:
            info = images.inspect(data)
        except images.MediaError as error:
            raise Skip(f"an embedded image cannot be used ({error}), skipped") from None
        alt = " ".join(alt.split())
        found.setdefault(info.name, MediaData(name=info.name, data=data, alt=alt))
        return images.reference(info.name, alt)

    return _IMG.sub(image, text) if "<img" in text.lower() else text


def ordering_spec(
    steps: list[tuple[str, str]], grading: str, select: str, count: str, where: str, warnings: list[str]
) -> dict:
    """An ordering question (qtype_ordering, in Moodle's core since 4.4) as our ordering spec: the steps
    in the right order with their feedback. Moodle's defaults when a file does not say: RELATIVE
    grading, RANDOM selection of 6 items."""
    grading, select = (grading or "RELATIVE").strip().upper(), (select or "RANDOM").strip().upper()
    if grading in ("ALL_OR_NOTHING", "-1"):
        scoring = "all-or-nothing"
    else:
        scoring = "position"
        if grading not in ("ABSOLUTE_POSITION", "ABSOLUTE", "ABS", "0"):
            warnings.append(f"{where}: ordering graded {grading} in Moodle is scored here by position")
    shown = int(count) if (count or "").strip().isdigit() else 6
    if select not in ("ALL", "0") and 2 < shown < len(steps):
        warnings.append(f"{where}: all {len(steps)} steps are shown (Moodle shows {shown} of them)")
    return {"scoring": scoring, "steps": [{"text": text, "rationale": fb} for text, fb in steps]}
