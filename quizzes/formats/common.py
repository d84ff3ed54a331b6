"""What the import formats (GIFT, Moodle XML, the bank file) share: the refusal of unreadable uploads,
the result of a parse, and the cleaning of imported text.

Every importer is a pure function from text to an `ImportResult`; it raises `BankFileError` (each
problem with its line) and nothing else, and writes nothing: `database.import_bank` does the writing,
all or nothing.
"""

import html
import re
import unicodedata
from dataclasses import dataclass, field

import nh3

from .bankfile import BankData, BankFileError

# An upload larger than this is refused before it is read: a real bank is a few hundred kilobytes.
MAX_BYTES = 2 * 1024 * 1024
FORMATS = {"json": "Bank file (JSON)", "gift": "GIFT", "moodlexml": "Moodle XML"}
DEFAULT_DIFFICULTY = "medium"
NO_FEEDBACK = "No feedback was given for this answer in the imported file."
NO_EXPLANATION = "No explanation was given in the imported file."


@dataclass
class ImportResult:
    """A parsed file: the bank it describes, and what could not be carried over exactly (with lines)."""

    bank: BankData
    warnings: list[str] = field(default_factory=list)


def decode(raw: bytes) -> str:
    """The text of an uploaded file, or a BankFileError saying why it cannot be read."""
    if len(raw) > MAX_BYTES:
        raise BankFileError([f"the file is {len(raw):,} bytes; the limit is {MAX_BYTES:,} bytes (2 MB)"])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise BankFileError([f"line {line}: the file is not UTF-8 text (byte {exc.start})"]) from None


def plain_text(text: str) -> str:
    """Imported HTML (or Markdown carrying HTML) as text: every tag dropped, scripts and styles with their
    content, entities read. The result is stored as Markdown, which is sanitised again when rendered."""
    for _ in range(3):  # entities that spell tags ("&lt;script&gt;") become tags: clean those too
        cleaned = html.unescape(nh3.clean(text.replace("<br>", "\n").replace("<br/>", "\n"), tags=set()))
        if cleaned == text:
            break
        text = cleaned
    return re.sub(r"[ \t]+\n", "\n", text).strip()


def slugify(text: str, default: str = "item", max_length: int = 60) -> str:
    """A slug for a topic or question key: lower-case ASCII letters, digits and single dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:max_length].strip("-")
    return slug or default


def unique(slug: str, taken: set[str]) -> str:
    """`slug`, or `slug-2`, `slug-3`... whichever is not taken yet; marks it taken."""
    candidate, number = slug, 2
    while candidate in taken:
        candidate = f"{slug}-{number}"
        number += 1
    taken.add(candidate)
    return candidate
