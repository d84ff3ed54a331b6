"""Which fact a question tests: the passage of the source it cites first, its main point.

Two questions whose first citations are the same passage test the same fact (the MMN bank's own rule: no
passage is the main point of more than six items). A passage is known by its source and its key, which a
revision keeps, so a question still citing an older version of the source and one citing the newest test
the same fact. A question that cites nothing is a fact of its own.
"""

from collections.abc import Hashable, Iterable

from django.db.models import OuterRef, Subquery

from quizzes.models import Citation


def first_cited(version: str = "current_version") -> dict[str, Subquery]:
    """Annotations for a Question queryset: the source id and passage key of the first citation of the
    question's `version` (a field path to a QuestionVersion); None when it cites nothing. Subqueries of
    the same query: no query of their own."""
    cites = Citation.objects.filter(question_version=OuterRef(version)).order_by("position", "id")
    return {
        "fact_source": Subquery(cites.values("passage__version__source_id")[:1]),
        "fact_passage": Subquery(cites.values("passage__key")[:1]),
    }


def fact(question_id: int, source_id: int | None, passage_key: str | None) -> Hashable:
    """The fact a question tests, from its id and the annotations of first_cited."""
    if source_id is None or passage_key is None:
        return ("question", question_id)
    return ("passage", source_id, passage_key)


def count_facts(rows: Iterable[tuple[int, int | None, str | None]]) -> int:
    """How many facts the (question id, fact source, fact passage) rows test between them."""
    return len({fact(*row) for row in rows})
