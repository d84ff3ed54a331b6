"""Personas and small builders shared by every test module."""

import json
import os
import re

# Playwright runs an event loop in the test thread; Django must still be allowed to touch the database.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest
from django.contrib.auth.models import Group, User
from django.http import QueryDict

from quizzes.demo import MMN_BANK
from quizzes.formats.bankfile import BankData, QuestionData, QuizData
from quizzes.formats.database import import_bank
from quizzes.items.base import form_data
from quizzes.models import Attempt, Bank, Quiz
from quizzes.taking import attempts

PASSWORD = "correct-horse-battery-staple"


def make_user(username: str, group: str = "Learner") -> User:
    user = User.objects.create_user(username=username, password=PASSWORD)
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


@pytest.fixture
def learner(db) -> User:
    return make_user("ada")


@pytest.fixture
def other_learner(db) -> User:
    return make_user("grace")


@pytest.fixture
def educator(db) -> User:
    return make_user("florence", "Educator")


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client


# Random-looking values every page carries: the CSRF token (masked anew for each page), the stamp of when
# an item was shown (quizzes.taking.timing) and the exam's deadline. A short marker such as "R1", "4242" or
# "0.25" turns up in them by chance.
TOKENS = re.compile(
    r'((?:name="(?:csrfmiddlewaretoken|shown)" value=)"|"X-CSRFToken": "|data-deadline="|nonce=")[^"]*'
)


def without_tokens(html: str) -> str:
    """The page with its CSRF tokens, nonces and time stamps blanked, for tests of what must not be in it."""
    return TOKENS.sub(r"\1", html)


def chosen(option_ids: list[str]) -> QueryDict:
    """The form a learner posts for a choice item with these options ticked."""
    return form_data({"option": list(option_ids)})


def question_data(number: int, topic: str, item_type: str) -> QuestionData:
    """A question whose key, rationales and explanation carry markers a test can look for in HTML."""
    if item_type == "truefalse":
        options = [
            {"text": "True", "correct": True, "rationale": f"RATIONALE-{number}-true"},
            {"text": "False", "correct": False, "rationale": f"RATIONALE-{number}-false"},
        ]
    else:
        keys = 2 if item_type == "multiple" else 1
        options = [
            {"text": f"Option {number}.{i}", "correct": i < keys, "rationale": f"RATIONALE-{number}-{i}"}
            for i in range(4)
        ]
    return QuestionData(
        key=f"q-{number:03d}",
        topic=topic,
        type=item_type,
        difficulty="medium",
        source_section="What is Multifocal Motor Neuropathy (MMN)?",
        stem=f"Stem of question {number}?",
        explanation=f"EXPLANATION-{number}",
        spec={"options": options},
    )


def make_bank(
    questions: int = 12, *, slug: str = "test", practice_count: int = 10, exam_count: int = 5
) -> Bank:
    """A bank with two topics, items cycling single / SATA / true-false, a practice quiz and a timed exam."""
    types = ["single", "multiple", "truefalse"]
    data = BankData(
        slug=slug,
        title=f"Bank {slug}",
        topics=[("alpha", "Alpha"), ("beta", "Beta")],
        questions=[
            question_data(n, "alpha" if n % 2 else "beta", types[n % 3]) for n in range(1, questions + 1)
        ],
        quizzes=[
            QuizData("practice", "Practice quiz", "practice", practice_count, [], None),
            QuizData("exam", "Exam quiz", "exam", exam_count, [], 30),
        ],
    )
    return import_bank(data).bank


@pytest.fixture
def bank(db) -> Bank:
    return make_bank()


@pytest.fixture
def practice_quiz(bank) -> Quiz:
    return bank.quizzes.get(slug="practice")


@pytest.fixture
def exam_quiz(bank) -> Quiz:
    return bank.quizzes.get(slug="exam")


@pytest.fixture
def practice(learner, practice_quiz) -> Attempt:
    """The learner's practice attempt, just started."""
    return attempts.start_attempt(learner, practice_quiz)


@pytest.fixture
def exam(learner, exam_quiz) -> Attempt:
    """The learner's timed exam attempt, just started."""
    return attempts.start_attempt(learner, exam_quiz)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _an_empty_cache():
    """Throttles count in the cache (sign-ups per address), and every test client comes from 127.0.0.1."""
    from django.core.cache import cache

    yield
    cache.clear()


def make_finished_attempts(user, quiz: Quiz, count: int, *, percent: float = 50.0, start=None) -> list:
    """`count` finished attempts, one answered slot each, written in bulk (for lists and statistics)."""
    from datetime import timedelta

    from django.utils import timezone

    from quizzes.models import Attempt, Response, Slot

    start = start or timezone.now() - timedelta(days=count)
    version = quiz.bank.questions.select_related("current_version").first().current_version
    attempts = Attempt.objects.bulk_create(
        Attempt(
            user=user,
            quiz=quiz,
            mode=quiz.mode,
            seed=n,
            slot_count=1,
            started_at=start + timedelta(hours=n),
            finished_at=start + timedelta(hours=n, minutes=5),
            points=percent / 100 * version.max_points,
            max_points=version.max_points,
        )
        for n in range(count)
    )
    slots = Slot.objects.bulk_create(Slot(attempt=a, number=1, version=version) for a in attempts)
    Response.objects.bulk_create(
        Response(
            slot=s,
            answer=[],
            points=percent / 100 * version.max_points,
            max_points=version.max_points,
            answered_at=s.attempt.finished_at,
        )
        for s in slots
    )
    return attempts


@pytest.fixture
def other_educator(db) -> User:
    return make_user("mary", "Educator")


@pytest.fixture
def educator_client(client, educator):
    client.force_login(educator)
    return client


def make_owned_bank(owner: User, questions: int = 12, *, slug: str = "owned") -> Bank:
    """make_bank's bank, owned by an educator."""
    bank = make_bank(questions, slug=slug)
    bank.owner = owner
    bank.save(update_fields=["owner"])
    return bank


@pytest.fixture
def educator_bank(educator) -> Bank:
    return make_owned_bank(educator)


def make_scored_attempt(user, quiz: Quiz, marks: list, *, finished_at=None, answers=None):
    """A finished attempt whose slot n holds the nth question of the quiz's bank and scores marks[n].

    A mark of None leaves that slot unanswered. `answers` (optional) gives each slot's stored answer.
    """
    from django.utils import timezone

    from quizzes.models import Attempt, Response, Slot

    finished_at = finished_at or timezone.now()
    versions = [
        q.current_version for q in quiz.bank.questions.select_related("current_version").order_by("pk")
    ][: len(marks)]
    attempt = Attempt.objects.create(
        user=user,
        quiz=quiz,
        mode=quiz.mode,
        seed=1,
        slot_count=len(marks),
        started_at=finished_at,
        finished_at=finished_at,
        points=sum(m for m in marks if m is not None),
        max_points=sum(v.max_points for v in versions),
    )
    for number, (version, mark) in enumerate(zip(versions, marks, strict=True), start=1):
        slot = Slot.objects.create(attempt=attempt, number=number, version=version)
        if mark is not None:
            answer = answers[number - 1] if answers else []
            Response.objects.create(
                slot=slot, answer=answer, points=mark, max_points=version.max_points, answered_at=finished_at
            )
    return attempt


def make_classroom(owner: User, members=(), quizzes=(), *, name: str = "Cohort A", due_at=None):
    """A class of `owner` with the given learners in it and quizzes assigned."""
    from quizzes.models import Membership
    from quizzes.teaching import classes

    classroom = classes.create_classroom(owner, name)
    Membership.objects.bulk_create(Membership(classroom=classroom, user=m) for m in members)
    for quiz in quizzes:
        classes.assign(classroom, quiz, due_at)
    return classroom


def pytest_collection_modifyitems(items):
    """Browser tests last: their live server flushes every table (the groups from migration 0002 too)
    after each test, which the database tests before them must not see."""
    items.sort(key=lambda item: "/tests/browser/" in str(item.path))


def mmn_without_sources() -> str:
    """The shipped MMN bank as it was before format 3 (format 1): each question's source section named,
    no passages cited, no clinical-judgment tags. For the tests of upgrades and of files written before."""
    data = json.loads(MMN_BANK.read_text(encoding="utf-8"))
    sections = {p["key"]: p["section"] for p in data.pop("sources")[0]["passages"]}
    data["format"] = 1
    data["questions"] = [
        {
            ("source_section" if name == "cites" else name): (
                sections[value[0].partition("#")[2]] if name == "cites" else value
            )
            for name, value in question.items()
            if name not in ("clinical_judgment", "cognitive_level")
        }
        for question in data["questions"]
    ]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


@pytest.fixture(autouse=True, scope="session")
def media_root(tmp_path_factory):
    """The tests store question images in a folder of their own, never in the checkout's media/. One for
    the session: the browser tests' world is built once, and a file's name is its content's hash anyway."""
    from django.test.utils import override_settings

    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")) as overridden:
        yield overridden
