"""The passages a learner is shown after answering: each version's cited passages, fetched in one query."""

from quizzes.models import QuestionVersion

from .revisions import cited_texts


def attach_cited(versions: list[QuestionVersion]) -> None:
    """Give each version a `cited_passages` list (with each passage's source version and source), so the
    review can quote them: one query, however many versions. Call it only once the item is answered."""
    versions = [v for v in versions if v is not None]
    cited = cited_texts(versions)
    for version in versions:
        version.cited_passages = cited.get(version.pk, [])
