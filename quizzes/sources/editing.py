"""Adding a source to a bank and revising it: from a split the author has checked to stored versions."""

import difflib
import re

from django.db import transaction

from quizzes.models import Bank, Passage, Source
from quizzes.validators import control_character_problem

from .revisions import Match, add_version, match, passages_of
from .text import MAX_SECTION, Draft, _slug, assign_keys, clean

# A preview posts two fields per passage, and Django refuses a request of more than 1,000 fields
# (DATA_UPLOAD_MAX_NUMBER_FIELDS): a source longer than this is split into several sources.
MAX_PASSAGES = 400
MAX_TITLE = 200


class SplitError(ValueError):
    """Why a split cannot be saved, in words for the author."""


def drafts_from(sections: list[str], texts: list[str]) -> list[Draft]:
    """The drafts a preview form posted back (parallel lists), tidied; a SplitError when they are unusable."""
    if len(sections) != len(texts):
        raise SplitError("The passages came back incomplete: start again from the text.")
    if len(texts) > MAX_PASSAGES:
        raise SplitError(f"A source may have at most {MAX_PASSAGES:,} passages.")
    drafts = []
    for section, text in zip(sections, texts, strict=True):
        section = " ".join(clean(section).split())[:MAX_SECTION]
        text = clean(text).strip()
        if text:
            drafts.append(Draft(section or "Introduction", text))
    return drafts


def check(drafts: list[Draft]) -> None:
    """A SplitError unless `drafts` can be stored as a source version."""
    if not drafts:
        raise SplitError("The source has no passages: paste or upload a document with some text.")
    if len(drafts) > MAX_PASSAGES:
        raise SplitError(
            f"A source may have at most {MAX_PASSAGES:,} passages; this one has {len(drafts):,}."
        )
    for number, draft in enumerate(drafts, 1):
        for text in (draft.section, draft.text):
            if problem := control_character_problem(text):
                raise SplitError(f"Passage {number} {problem}.")


def _tidy(drafts: list[Draft]) -> list[tuple[str, str, str]]:
    return [(d.key, d.section, " ".join(d.text.split())) for d in drafts]


@transaction.atomic
def create_source(bank: Bank, title: str, drafts: list[Draft], *, author=None) -> Source:
    """A new source of `bank` whose first version holds `drafts` (keys given to those without one)."""
    check(drafts)
    title = " ".join(title.split())[:MAX_TITLE]
    if not title:
        raise SplitError("Give the source a title.")
    taken = set(bank.sources.values_list("key", flat=True))
    key, number = _slug(title, words=6), 2
    base = key
    while key in taken:
        key, number = f"{base}-{number}", number + 1
    source = Source.objects.create(bank=bank, key=key, title=title)
    add_version(
        source,
        _tidy(assign_keys([Draft(d.section, " ".join(d.text.split())) for d in drafts])),
        author=author,
    )
    return source


def preview_revision(source: Source, drafts: list[Draft]) -> list[Match]:
    """How `drafts` would match the source's current version (new drafts take their matched keys)."""
    drafts = [Draft(d.section, " ".join(d.text.split())) for d in drafts]
    return match(passages_of(source.current_version), drafts)


@transaction.atomic
def revise(source: Source, drafts: list[Draft], *, author=None):
    """A new version of `source` holding `drafts`, matched to the current one; the questions citing an
    edited or removed passage are flagged for review."""
    check(drafts)
    matches = preview_revision(source, drafts)
    new = [m.new for m in matches if m.new is not None]
    return add_version(source, _tidy(new), author=author)


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(kind, words) runs from `old` to `new`: kind is "same", "removed" or "added"."""
    a, b = re.findall(r"\S+", old), re.findall(r"\S+", new)
    runs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            runs.append(("same", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            runs.append(("removed", " ".join(a[i1:i2])))
        if j2 > j1:
            runs.append(("added", " ".join(b[j1:j2])))
    return runs


def search(version, query: str, limit: int = 20) -> list[Passage]:
    """The version's passages whose text or section holds every word of `query` (case ignored)."""
    words = query.split()[:8]
    passages = version.passages.order_by("position")
    for word in words:
        passages = passages.filter(text__icontains=word) | passages.filter(section__icontains=word)
    return list(passages[:limit]) if words else []
