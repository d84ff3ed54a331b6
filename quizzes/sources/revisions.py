"""Source versions: writing one, matching a revision's passages to the version before, and flagging the
questions whose cited passages a revision edited or removed."""

from dataclasses import dataclass
from difflib import SequenceMatcher

from django.db import transaction
from django.db.models import F, Max

from quizzes.models import Citation, NeedsReview, Passage, Question, QuestionVersion, Source, SourceVersion

from .text import Draft, assign_keys

# How alike an old and a new passage must be (difflib's ratio) to count as the same passage edited.
EDITED_AT = 0.6


def passages_of(version: SourceVersion) -> list[Passage]:
    return list(version.passages.order_by("position"))


def cited_texts(versions: list[QuestionVersion]) -> dict[int, list[Passage]]:
    """The passages each version cites, in citing order, with their source version and source: one query."""
    cited: dict[int, list[Passage]] = {}
    citations = (
        Citation.objects.filter(question_version__in=[v.pk for v in versions if v is not None])
        .select_related("passage__version__source")
        .order_by("question_version", "position")
    )
    for citation in citations:
        cited.setdefault(citation.question_version_id, []).append(citation.passage)
    return cited


@dataclass
class Match:
    """One passage's fate in a revision: unchanged, edited, removed (no new) or added (no old)."""

    status: str
    old: Passage | None
    new: Draft | None


def match(old: list[Passage], new: list[Draft]) -> list[Match]:
    """Pair a revision's passages with the old version's: same text first, then the most alike left
    over (at least EDITED_AT). Matched new passages take their old key; the others get new ones."""
    left = {p.pk: p for p in old}
    by_text: dict[str, list[Passage]] = {}
    for passage in old:
        by_text.setdefault(passage.text, []).append(passage)
    paired: dict[int, tuple[str, Passage]] = {}
    for index, draft in enumerate(new):
        same = [p for p in by_text.get(draft.text, []) if p.pk in left]
        if same:
            paired[index] = ("unchanged", left.pop(same[0].pk))
    for index, draft in enumerate(new):
        if index in paired or not left:
            continue
        best, score = None, EDITED_AT
        for passage in left.values():
            matcher = SequenceMatcher(None, passage.text, draft.text, autojunk=False)
            if matcher.real_quick_ratio() >= score and matcher.quick_ratio() >= score:
                ratio = matcher.ratio()
                if ratio >= score:
                    best, score = passage, ratio
        if best is not None:
            paired[index] = ("edited", left.pop(best.pk))
    taken = {p.key for p in old}
    for index, draft in enumerate(new):
        draft.key = paired[index][1].key if index in paired else ""
    assign_keys(new, taken)
    matches = [
        Match(paired[i][0], paired[i][1], draft) if i in paired else Match("added", None, draft)
        for i, draft in enumerate(new)
    ]
    matches += [Match("removed", passage, None) for passage in old if passage.pk in left]
    return matches


@transaction.atomic
def add_version(
    source: Source, passages: list[tuple[str, str, str]], *, number: int | None = None, author=None
):
    """Write a version of `source` with `passages` ((key, section, text), in order). A version newer
    than the current one becomes current, and the questions it leaves stale are flagged."""
    if number is None:
        number = (source.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = SourceVersion.objects.create(source=source, number=number, created_by=author)
    Passage.objects.bulk_create(
        [
            Passage(version=version, key=key, section=section, text=text, position=position)
            for position, (key, section, text) in enumerate(passages)
        ]
    )
    previous = source.current_version
    if previous is None or number > previous.number:
        source.current_version = version
        source.save(update_fields=["current_version"])
        if previous is not None:
            flag_stale(previous, version)
    return version


def flag_stale(old: SourceVersion, new: SourceVersion) -> int:
    """Flag every question whose current version cites a passage (by key) that `new` edits or removes;
    returns how many flags were raised."""
    new_text = dict(new.passages.values_list("key", "text"))
    changed = {}
    for key, text in old.passages.values_list("key", "text"):
        if key not in new_text:
            changed[key] = NeedsReview.Change.REMOVED
        elif new_text[key] != text:
            changed[key] = NeedsReview.Change.EDITED
    citations = Citation.objects.filter(
        passage__version__source_id=old.source_id,
        passage__key__in=list(changed),
        question_version__question__current_version=F("question_version"),
    ).select_related("passage", "question_version")
    flags = [
        NeedsReview(
            question_id=citation.question_version.question_id,
            passage=citation.passage,
            revision=new,
            change=changed[citation.passage.key],
        )
        for citation in citations
    ]
    NeedsReview.objects.bulk_create(flags, ignore_conflicts=True)
    return len(flags)


def confirm(question: Question) -> int:
    """An author says the question still holds after the revision: its flags go. Returns how many."""
    deleted, _ = question.review_flags.all().delete()
    return deleted
