"""“Practice these”: a practice quiz of the questions a learner missed in one of their finished attempts.

The quiz is the learner's own (Quiz.practice_of names the attempt): a fixed list of exactly those
questions, drawn at their current versions when an attempt starts, in practice mode with no time limit,
close time or attempt limit. Only that learner sees it (Quiz.objects.visible_to); it is listed in no
catalogue and on none of the educator's pages (Quiz.objects.authored), and is in no class, so no
gradebook or attempt allowance counts it. Its attempts are practice like any other, so they feed the
learner's history, mastery and review queue. Plain functions without a request.
"""

from django.db import transaction

from ..models import Attempt, Question, Quiz
from .attempts import missed_question_ids, results, start_attempt

TITLE = "Practice what you missed: {title}"


class NothingMissed(Exception):
    """Every question of the attempt was right (or those missed are no longer in the bank)."""


def missed_questions(attempt: Attempt) -> list[int]:
    """The questions of the finished attempt answered wrong, partly right or not at all that can still
    be practiced (active, with a current version), in the attempt's order."""
    missed = missed_question_ids(results(attempt))
    active = set(
        Question.objects.filter(
            pk__in=missed, status=Question.Status.ACTIVE, current_version__isnull=False
        ).values_list("pk", flat=True)
    )
    return [q for q in dict.fromkeys(missed) if q in active]


def practice_missed(attempt: Attempt) -> Attempt:
    """Start (or resume) the learner's practice of the questions they missed in `attempt`, finished and
    theirs. The practice quiz is made once per attempt and re-used; each press starts a new attempt at it
    once the last is finished. Raises NothingMissed when there is nothing to practice."""
    questions = missed_questions(attempt)
    if not questions:
        raise NothingMissed("Nothing to practice: every question was right.")
    source = attempt.quiz
    with transaction.atomic():
        quiz, made = Quiz.objects.get_or_create(
            practice_of=attempt,
            defaults={
                "bank_id": source.bank_id,
                "slug": f"practice-{attempt.code}",
                "title": TITLE.format(title=source.title)[:200],
                "description": "The questions you missed, at their current versions.",
                "mode": Quiz.Mode.PRACTICE,
                "selection": Quiz.Selection.FIXED,
                "question_count": len(questions),
                "shuffle_questions": False,
                "shuffle_options": source.shuffle_options,
                "audience": Quiz.Audience.CLASSES,  # assigned to no class: nobody else, whatever the filter
                "position": source.position,
            },
        )
        if made:
            quiz.questions.set(questions)
    return start_attempt(attempt.user, quiz)
