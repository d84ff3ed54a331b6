"""Topic mastery and percentiles, computed in the database."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.learning import stats
from quizzes.models import Attempt, Response
from quizzes.taking import attempts
from tests.conftest import chosen, make_finished_attempts, make_user


@pytest.mark.parametrize(
    ("score", "pool", "expected"),
    [
        (0.5, [0.1, 0.2, 0.3, 0.4, 0.6], 80),
        (0.5, [0.5, 0.5, 0.5, 0.5, 0.5], 50),  # ties count half
        (0.0, [0.1, 0.2, 0.3, 0.4, 0.6], 0),
        (1.0, [0.1, 0.2, 0.3, 0.4, 1.0], 90),
        (0.5, [0.1, 0.2, 0.3, 0.4], None),  # fewer than five: no percentile
    ],
)
def test_percentile_rank(score, pool, expected):
    assert stats.percentile(score, pool) == expected


pytestmark = pytest.mark.django_db


def answer_all(attempt, right: int):
    """Answer every slot: the first `right` correctly, the rest wrongly."""
    for slot in attempt.slots.select_related("version").order_by("number"):
        options = slot.version.spec["options"]
        ids = [o["id"] for o in options if o["correct"] == (slot.number <= right)][:1]
        if slot.number <= right:
            ids = [o["id"] for o in options if o["correct"]]
        attempts.record_answer(attempt, slot.number, chosen(ids))


def test_mastery_is_the_share_of_points_per_topic_and_says_when_a_topic_is_untried(
    learner, bank, practice_quiz
):
    practice_quiz.topics.set([bank.topics.get(slug="alpha")])
    attempt = attempts.start_attempt(learner, practice_quiz)
    answer_all(attempt, right=3)
    result = stats.mastery(learner, [bank])[bank]
    alpha, beta = result
    assert (alpha.topic.slug, alpha.answers) == ("alpha", 6)
    expected = sum(r.points for r in Response.objects.all()) / sum(
        r.max_points for r in Response.objects.all()
    )
    assert alpha.percent == pytest.approx(100 * expected)
    assert (beta.answers, beta.percent) == (0, None)


def test_mastery_counts_only_the_latest_answers_of_each_topic(learner, bank):
    old = make_finished_attempts(learner, bank.quizzes.get(slug="practice"), 30, percent=0)
    Response.objects.filter(slot__attempt__in=old[:10]).update(
        points=1, answered_at=timezone.now() + timedelta(days=1)
    )
    topic_slug = bank.questions.order_by("key").first().topic.slug
    mastery = next(m for m in stats.mastery(learner, [bank])[bank] if m.topic.slug == topic_slug)
    assert mastery.answers == stats.RECENT_ANSWERS
    assert mastery.points == 10  # the ten newest answers are right, the other ten counted are wrong


def test_unfinished_exam_answers_do_not_count_yet(learner, bank, exam_quiz):
    exam = attempts.start_attempt(learner, exam_quiz)
    answer_all(exam, right=5)
    assert all(m.answers == 0 for m in stats.mastery(learner, [bank])[bank])
    attempts.finish_attempt(exam)
    assert sum(m.answers for m in stats.mastery(learner, [bank])[bank]) == 5


def test_other_learners_answers_never_count(learner, other_learner, bank, practice_quiz):
    answer_all(attempts.start_attempt(other_learner, practice_quiz), right=10)
    assert all(m.answers == 0 for m in stats.mastery(learner, [bank])[bank])


def test_weakest_prefers_the_lowest_tried_topic_then_the_first_untried(bank):
    alpha, beta = bank.topics.order_by("position")
    assert (
        stats.weakest([stats.TopicMastery(alpha, 4, 3, 4), stats.TopicMastery(beta, 2, 1, 2)]).topic == beta
    )
    assert (
        stats.weakest([stats.TopicMastery(alpha, 0, 0, 0), stats.TopicMastery(beta, 0, 0, 0)]).topic == alpha
    )
    assert stats.weakest([]) is None


def test_percentile_uses_each_learners_first_finished_attempt_only(bank, practice_quiz):
    learners = [make_user(f"l{n}") for n in range(6)]
    for n, user in enumerate(learners):
        make_finished_attempts(user, practice_quiz, 1, percent=10 * n)
    # A later, perfect attempt by the weakest learner must not move the pool.
    make_finished_attempts(learners[0], practice_quiz, 1, percent=100, start=timezone.now())
    pool = stats.first_attempt_scores([practice_quiz.pk])[practice_quiz.pk]
    assert sorted(pool) == pytest.approx([0, 0.1, 0.2, 0.3, 0.4, 0.5])
    latest = Attempt.objects.filter(user=learners[0]).order_by("-finished_at").first()
    assert stats.standings([latest])[latest.pk] == stats.Standing(percentile=100, pool=6)


def test_standing_is_hidden_below_five_first_attempts(learner, practice_quiz):
    (attempt,) = make_finished_attempts(learner, practice_quiz, 1)
    assert stats.standings([attempt])[attempt.pk] == stats.Standing(percentile=None, pool=1)


def test_mastery_by_tag_is_the_share_of_points_per_step_and_level_of_tagged_questions(learner):
    from quizzes.models import QuestionVersion
    from tests.conftest import make_bank

    bank = make_bank(7, slug="tags", practice_count=7)  # the practice quiz draws every question
    versions = list(QuestionVersion.objects.filter(question__bank=bank).order_by("pk"))
    # Tags are set here in place, as a migration would: versions refuse save().
    QuestionVersion.objects.filter(pk__in=[v.pk for v in versions[:6]]).update(
        clinical_judgment="take-action", cognitive_level="application"
    )
    QuestionVersion.objects.filter(pk=versions[6].pk).update(cognitive_level="recall")
    attempt = attempts.start_attempt(learner, bank.quizzes.get(slug="practice"))
    answer_all(attempt, right=7)
    result = stats.mastery_by_tag(learner, [bank])
    assert [(m.label, m.answers, m.percent) for m in result["clinical_judgment"]] == [("Take action", 6, 100)]
    assert [(m.value, m.answers) for m in result["cognitive_level"]] == [("recall", 1), ("application", 6)]


def test_mastery_by_tag_is_empty_without_tagged_answers(learner, bank):
    attempt = attempts.start_attempt(learner, bank.quizzes.get(slug="practice"))
    answer_all(attempt, right=3)
    assert stats.mastery_by_tag(learner, [bank]) == {"clinical_judgment": [], "cognitive_level": []}
