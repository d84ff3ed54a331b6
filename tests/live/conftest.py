import pytest

from quizzes.live import broker, sessions
from tests.conftest import make_classroom


@pytest.fixture
def live_quiz(educator_bank):
    """A quiz of the educator's own bank: 10 questions drawn from 12 (single, SATA, true/false)."""
    return educator_bank.quizzes.get(slug="practice")


@pytest.fixture
def classroom(educator, learner, other_learner):
    return make_classroom(educator, members=[learner, other_learner])


@pytest.fixture
def live(educator, live_quiz, classroom):
    return sessions.start_session(educator, live_quiz, classroom=classroom, seed=7)


@pytest.fixture(autouse=True)
def _an_empty_hub():
    broker.HUB.last.clear()
    yield
    broker.HUB.last.clear()


def key_of(version) -> list[str]:
    return [o["id"] for o in version.spec["options"] if o["correct"]]


def wrong_of(version) -> list[str]:
    return [next(o["id"] for o in version.spec["options"] if not o["correct"])]
