"""Splitting a document's text into sections (its headings) and sentence-level passages with keys.

Plain text and Markdown are read the same way: a `#` line, or a short paragraph of one line that does
not end like a sentence, is a heading; bullets and paragraphs under it are split into sentences. A
list item that is not a sentence ("Muscle wasting") is a passage of its own.
"""

import re
import unicodedata
from dataclasses import dataclass

DEFAULT_SECTION = "Introduction"
MAX_SECTION = 200
BULLET = re.compile(r"^\s*(?:[-*+•‣◦▪–]|\d{1,3}[.)])\s+")
HEADING_MARK = re.compile(r"^\s{0,3}#{1,6}\s+")
# A sentence ends at . ! or ? followed by space and something that starts a sentence; a few
# abbreviations a sentence runs through are not ends.
SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9])")
ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "Dr.", "Mr.", "Mrs.", "Ms.", "St.", "approx.", "Fig.", "No.")


@dataclass
class Draft:
    """A passage before it is saved: its section and text, and (once keyed) its key."""

    section: str
    text: str
    key: str = ""


def clean(text: str) -> str:
    """Text with control characters (other than line breaks and tabs) dropped and line ends unified."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    return "".join(c for c in text if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cs", "Co"))


def sentences(text: str) -> list[str]:
    """`text` split into its sentences (whitespace tidied)."""
    text = " ".join(text.split())
    parts, start = [], 0
    for match in SENTENCE_END.finditer(text):
        before = text[start : match.start() + 1]
        if before.rstrip("\"')]").endswith(ABBREVIATIONS):
            continue
        parts.append(text[start : match.end()].strip())
        start = match.end()
    parts.append(text[start:].strip())
    return [part for part in parts if part]


def _is_heading(block: list[str]) -> bool:
    if HEADING_MARK.match(block[0]):
        return True
    line = block[0].strip()
    return (
        len(block) == 1
        and not BULLET.match(block[0])
        and len(line) <= 120
        and not line.endswith((".", ",", ";", ":"))
    )


def _blocks(text: str) -> list[list[str]]:
    """Paragraphs (runs of non-blank lines); each bullet line starts a paragraph of its own."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in clean(text).split("\n"):
        if not line.strip():
            if current:
                blocks.append(current)
            current = []
        elif current and (BULLET.match(line) or HEADING_MARK.match(line) or _stray(current[-1], line)):
            blocks.append(current)
            current = [line]
        else:
            current.append(line)
    if current:
        blocks.append(current)
    return blocks


def _stray(previous: str, line: str) -> bool:
    """A short line with no sentence end right after a finished sentence ("Back to Top", a page
    header from a PDF) stands apart, so it is not glued onto that sentence."""
    return (
        previous.rstrip().endswith((".", "!", "?"))
        and len(line.strip()) <= 40
        and not line.rstrip().endswith((".", "!", "?", ",", ";", ":"))
    )


def split(text: str) -> list[Draft]:
    """The passages of a document, in order, each under the section heading it follows."""
    section = DEFAULT_SECTION
    drafts: list[Draft] = []
    for block in _blocks(text):
        if _is_heading(block) and not (drafts and len(block[0].strip()) < 3):
            section = HEADING_MARK.sub("", block[0]).strip().strip("#").strip()[:MAX_SECTION] or section
            continue
        body = " ".join(BULLET.sub("", line, count=1) if i == 0 else line for i, line in enumerate(block))
        drafts.extend(Draft(section, sentence) for sentence in sentences(body))
    return assign_keys(drafts)


def _slug(text: str, words: int = 4) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    parts = re.findall(r"[a-z0-9]+", ascii_text)
    return "-".join(parts[:words])[:60].strip("-") or "section"


def assign_keys(drafts: list[Draft], taken: set[str] = frozenset()) -> list[Draft]:
    """Give every draft without a key one: its section's slug and a number (`symptoms-of-mmn-03`),
    never one in `taken` or already used."""
    used = set(taken) | {d.key for d in drafts if d.key}
    counters: dict[str, int] = {}
    for draft in drafts:
        if draft.key:
            continue
        prefix = _slug(draft.section)
        number = counters.get(prefix, 0)
        while True:
            number += 1
            key = f"{prefix}-{number:02d}"
            if key not in used:
                break
        counters[prefix] = number
        draft.key = key
        used.add(key)
    return drafts


def merge(drafts: list[Draft], index: int) -> list[Draft]:
    """The drafts with passage `index` and the next one of the same section joined into one."""
    if not 0 <= index < len(drafts) - 1:
        raise ValueError("There is no next passage to merge with.")
    first, second = drafts[index], drafts[index + 1]
    if first.section != second.section:
        raise ValueError("Only passages of the same section can be merged.")
    joined = Draft(first.section, f"{first.text} {second.text}", first.key)
    return [*drafts[:index], joined, *drafts[index + 2 :]]


def split_at(drafts: list[Draft], index: int) -> list[Draft]:
    """The drafts with passage `index` split where its text has a line break (else after its first
    sentence); the second part gets a new key."""
    if not 0 <= index < len(drafts):
        raise ValueError("There is no such passage.")
    draft = drafts[index]
    parts = [p.strip() for p in draft.text.split("\n", 1)] if "\n" in draft.text.strip() else None
    if not parts or not all(parts):
        found = sentences(draft.text)
        parts = [found[0], " ".join(found[1:])] if len(found) > 1 else None
    if not parts:
        raise ValueError("Put a line break where the passage should split.")
    head = Draft(draft.section, " ".join(parts[0].split()), draft.key)
    tail = Draft(draft.section, " ".join(parts[1].split()))
    return assign_keys([*drafts[:index], head, tail, *drafts[index + 1 :]])


def rename_section(drafts: list[Draft], old: str, new: str) -> list[Draft]:
    """The drafts with every passage of section `old` moved under the name `new` (keys kept)."""
    new = " ".join(new.split())[:MAX_SECTION]
    if not new:
        raise ValueError("A section needs a name.")
    return [Draft(new if d.section == old else d.section, d.text, d.key) for d in drafts]
