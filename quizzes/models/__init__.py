"""The app's models, one module per area, all under the one app label `quizzes`.

Two rules shape them. Question versions are immutable: an edit makes a new version and every response
points at the version it answered. And every answer is saved when given, one Response per attempt slot,
so nothing is lost or counted twice.
"""

# In the order the models were written in, which is the order Django registers and lists them
# (dumpdata, and so the backups, write them in that order).
# isort: off
from .authoring import (
    Bank,
    BankMedia,
    ClinicalJudgment,
    CognitiveLevel,
    Difficulty,
    Question,
    QuestionVersion,
    Quiz,
    QuizQuerySet,
    Topic,
    WarningDismissal,
)
from .taking import Attempt, AttemptQuerySet, Confidence, Response, ResponseChange, Slot
from .learning import Review, ReviewCard, ReviewCardQuerySet
from .teaching import Assignment, ClassGroup, Classroom, Membership, Override
from .sources import Citation, NeedsReview, Passage, Source, SourceVersion
from .accounts import Profile
from .live import LiveParticipant, LiveSession
# isort: on

__all__ = [
    "Bank",
    "BankMedia",
    "ClinicalJudgment",
    "CognitiveLevel",
    "Difficulty",
    "Question",
    "QuestionVersion",
    "Quiz",
    "QuizQuerySet",
    "Topic",
    "WarningDismissal",
    "Attempt",
    "AttemptQuerySet",
    "Confidence",
    "Response",
    "ResponseChange",
    "Slot",
    "Review",
    "ReviewCard",
    "ReviewCardQuerySet",
    "Assignment",
    "ClassGroup",
    "Classroom",
    "Membership",
    "Source",
    "SourceVersion",
    "Passage",
    "Citation",
    "NeedsReview",
    "Override",
    "Profile",
    "LiveSession",
    "LiveParticipant",
]
