"""Which passages of a source version the bank's current questions cite, and how much of it they cover."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import F

from quizzes.models import Citation, Passage, Question, SourceVersion


@dataclass
class PassageCoverage:
    passage: Passage
    count: int = 0
    by_type: Counter = field(default_factory=Counter)
    by_difficulty: Counter = field(default_factory=Counter)

    @property
    def covered(self) -> bool:
        return self.count > 0

    # Lists of (name, count), for templates: a Counter would answer `.items` with a count of 0.
    @property
    def types(self) -> list[tuple[str, int]]:
        return sorted(self.by_type.items())

    @property
    def difficulties(self) -> list[tuple[str, int]]:
        order = {"easy": 0, "medium": 1, "hard": 2}
        return sorted(self.by_difficulty.items(), key=lambda pair: order.get(pair[0], 3))


@dataclass
class SectionCoverage:
    title: str
    passages: list[PassageCoverage] = field(default_factory=list)

    @property
    def cited(self) -> int:
        return sum(1 for p in self.passages if p.covered)

    @property
    def percent(self) -> int:
        return round(100 * self.cited / len(self.passages)) if self.passages else 0


@dataclass
class Coverage:
    version: SourceVersion
    sections: list[SectionCoverage]

    @property
    def passages(self) -> list[PassageCoverage]:
        return [p for s in self.sections for p in s.passages]

    @property
    def cited(self) -> int:
        return sum(s.cited for s in self.sections)

    @property
    def percent(self) -> int:
        total = len(self.passages)
        return round(100 * self.cited / total) if total else 0


def citing(version: SourceVersion):
    """The citations by the bank's active questions' current versions of `version`'s source, matched by
    passage key (a key is stable across a source's versions)."""
    return Citation.objects.filter(
        passage__version__source_id=version.source_id,
        question_version__question__current_version=F("question_version"),
        question_version__question__status=Question.Status.ACTIVE,
    )


def coverage(version: SourceVersion) -> Coverage:
    """The version's passages by section, each with its count of citing questions by type and
    difficulty: two queries, whatever the number of passages or questions."""
    rows = citing(version).values_list(
        "passage__key", "question_version__item_type", "question_version__difficulty"
    )
    found: dict[str, PassageCoverage] = {}
    sections: list[SectionCoverage] = []
    for passage in version.passages.order_by("position"):
        if not sections or sections[-1].title != passage.section:
            sections.append(SectionCoverage(passage.section))
        sections[-1].passages.append(found.setdefault(passage.key, PassageCoverage(passage)))
    for key, item_type, difficulty in rows:
        entry = found.get(key)
        if entry is not None:
            entry.count += 1
            entry.by_type[item_type] += 1
            entry.by_difficulty[difficulty] += 1
    return Coverage(version, sections)


def questions_citing(version: SourceVersion, key: str):
    """The bank's active questions whose current version cites passage `key` of the version's source."""
    ids = citing(version).filter(passage__key=key).values("question_version__question")
    return Question.objects.filter(pk__in=ids).select_related("current_version", "topic").order_by("key")
