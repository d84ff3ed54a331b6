"""Every URL, walked as each persona: a URL cannot ship without an access rule.

ANON is an anonymous visitor, OWNER the learner who owns the objects in the URL, OTHER another learner,
EDU an educator who owns nothing in the URL. An expected value is a status code, or LOGIN for a redirect
to the log-in page.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from quizzes import attempts, review_queue
from quizzes.models import ReviewCard
from tests.conftest import chosen, make_classroom, make_user

pytestmark = pytest.mark.django_db

LOGIN = "login"
PERSONAS = ("ANON", "OWNER", "OTHER", "EDU")


def rule(method: str, anon, owner, other, edu) -> tuple[str, dict]:
    return method, dict(zip(PERSONAS, (anon, owner, other, edu), strict=True))


# url name -> (method, expected per persona)
RULES = {
    # learner pages open to every signed-in user
    "quizzes:home": rule("get", LOGIN, 200, 200, 200),
    "quizzes:mastery": rule("get", LOGIN, 200, 200, 200),
    "quizzes:quiz-list": rule("get", LOGIN, 200, 200, 200),
    "quizzes:attempt-start": rule("post", LOGIN, 302, 302, 302),
    "quizzes:attempt-list": rule("get", LOGIN, 200, 200, 200),
    "quizzes:attempt-history-csv": rule("get", LOGIN, 200, 200, 200),
    "quizzes:review-next": rule("get", LOGIN, 200, 200, 200),
    # the owner's attempt: everyone else gets a 404, which does not confirm it exists
    "quizzes:attempt-detail": rule("get", LOGIN, 302, 404, 404),
    "quizzes:attempt-item": rule("get", LOGIN, 200, 404, 404),
    "quizzes:attempt-answer": rule("post", LOGIN, 400, 404, 404),  # the owner gets as far as the empty form
    "quizzes:attempt-finish": rule("get", LOGIN, 200, 404, 404),
    "quizzes:attempt-result": rule("get", LOGIN, 302, 404, 404),  # unfinished: back to the attempt
    # the owner's review card
    "quizzes:review-result": rule("get", LOGIN, 200, 404, 404),
    "quizzes:review-answer": rule("post", LOGIN, 400, 404, 404),
    # authoring, for educators only: learners get 403; the bank is not this educator's, so its objects are 404
    "quizzes:bank-list": rule("get", LOGIN, 403, 403, 200),
    "quizzes:bank-create": rule("get", LOGIN, 403, 403, 200),
    "quizzes:bank-detail": rule("get", LOGIN, 403, 403, 404),
    "quizzes:bank-edit": rule("get", LOGIN, 403, 403, 404),
    "quizzes:topic-create": rule("get", LOGIN, 403, 403, 404),
    "quizzes:topic-edit": rule("get", LOGIN, 403, 403, 404),
    "quizzes:topic-delete": rule("get", LOGIN, 403, 403, 404),
    "quizzes:topic-move": rule("post", LOGIN, 403, 403, 404),
    "quizzes:question-list": rule("get", LOGIN, 403, 403, 404),
    "quizzes:question-move": rule("post", LOGIN, 403, 403, 404),
    "quizzes:question-create": rule("get", LOGIN, 403, 403, 404),
    "quizzes:question-preview": rule("post", LOGIN, 403, 403, 404),
    "quizzes:question-edit": rule("get", LOGIN, 403, 403, 404),
    "quizzes:question-history": rule("get", LOGIN, 403, 403, 404),
    "quizzes:question-restore": rule("post", LOGIN, 403, 403, 404),
    "quizzes:question-archive": rule("post", LOGIN, 403, 403, 404),
    "quizzes:question-unarchive": rule("post", LOGIN, 403, 403, 404),
    "quizzes:question-delete": rule("get", LOGIN, 403, 403, 404),
    "quizzes:quiz-create": rule("get", LOGIN, 403, 403, 404),
    "quizzes:quiz-edit": rule("get", LOGIN, 403, 403, 404),
    "quizzes:educator-list": rule("get", LOGIN, 403, 403, 200),
    "quizzes:educator-promote": rule("post", LOGIN, 403, 403, 302),
    # classes: a learner's own classes and joining are open to every signed-in user
    "quizzes:membership-list": rule("get", LOGIN, 200, 200, 200),
    "quizzes:class-join": rule("get", LOGIN, 200, 200, 200),
    # an educator's classes and item analysis: learners get 403; the class (another educator's, with OWNER in
    # it) and the quiz and bank are not this educator's, so they are 404
    "quizzes:class-list": rule("get", LOGIN, 403, 403, 200),
    "quizzes:class-create": rule("get", LOGIN, 403, 403, 200),
    "quizzes:class-detail": rule("get", LOGIN, 403, 403, 404),
    "quizzes:class-code": rule("post", LOGIN, 403, 403, 404),
    "quizzes:class-member-remove": rule("post", LOGIN, 403, 403, 404),
    "quizzes:assignment-create": rule("post", LOGIN, 403, 403, 404),
    "quizzes:assignment-edit": rule("get", LOGIN, 403, 403, 404),
    "quizzes:assignment-delete": rule("post", LOGIN, 403, 403, 404),
    "quizzes:class-gradebook": rule("get", LOGIN, 403, 403, 404),
    "quizzes:class-gradebook-csv": rule("get", LOGIN, 403, 403, 404),
    "quizzes:quiz-analysis": rule("get", LOGIN, 403, 403, 404),
    "quizzes:bank-analysis": rule("get", LOGIN, 403, 403, 404),
    "quizzes:bank-import": rule("get", LOGIN, 403, 403, 404),
    "quizzes:bank-export": rule("get", LOGIN, 403, 403, 404),
    # accounts
    "login": rule("get", 200, 302, 302, 302),
    "logout": rule("post", 302, 302, 302, 302),
    "signup": rule("get", 200, 302, 302, 302),
    "password_change": rule("get", LOGIN, 200, 200, 200),
    "password_change_done": rule("get", LOGIN, 200, 200, 200),
}


# Screens whose one view also takes a POST: that is walked too.
ALSO_POSTED = {
    "quizzes:attempt-finish": rule("post", LOGIN, 200, 404, 404),  # the owner is asked to confirm
}
WALK = [(name, RULES[name]) for name in sorted(RULES)] + sorted(ALSO_POSTED.items())


def url_names(resolver=None, namespace: str = "") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":  # Django's own admin has its own staff checks
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return names


def test_every_url_has_an_access_rule():
    missing = url_names() - set(RULES)
    assert not missing, f"add an access rule to tests/test_access_walk.py for: {sorted(missing)}"
    assert not set(RULES) - url_names(), "rules for URLs that no longer exist"


@pytest.fixture
def world(learner, other_learner, educator, practice_quiz):
    """An unfinished attempt and a reviewed card (from a finished attempt's mistake), all the learner's."""
    finished = attempts.start_attempt(learner, practice_quiz)
    slot = finished.slots.select_related("version").get(number=1)
    wrong = next(o["id"] for o in slot.version.spec["options"] if not o["correct"])
    attempts.record_answer(finished, slot.number, chosen([wrong]))
    attempts.finish_attempt(finished)
    card = ReviewCard.objects.get(user=learner)
    review_queue.review_answer(card, chosen([wrong]), card.review_count)
    attempt = attempts.start_attempt(learner, practice_quiz)
    bank, question = practice_quiz.bank, practice_quiz.bank.questions.first()
    classroom = make_classroom(make_user("teacher", "Educator"), [learner], [practice_quiz])
    args = {
        "attempt": [attempt.code],
        "card": [card.pk],
        "quiz": [practice_quiz.pk],
        # authoring
        "bank": [bank.slug],
        "bank export": [bank.slug, "gift"],
        "topic": [bank.topics.first().pk],
        "question": [question.pk],
        "version": [question.pk, 1],
        "item type": [bank.slug, "single"],
        "user": [other_learner.pk],
        # classes: another educator's class, with the learner in it and the quiz assigned
        "class": [classroom.pk],
        "member": [classroom.pk, learner.pk],
        "assignment": [classroom.assignments.get().pk],
    }
    return {"OWNER": learner, "OTHER": other_learner, "EDU": educator, "attempt": attempt, "args": args}


# authoring url name -> the key of its arguments in world["args"]
AUTHORING_ARGS = {
    "quizzes:bank-detail": "bank",
    "quizzes:bank-edit": "bank",
    "quizzes:topic-create": "bank",
    "quizzes:question-list": "bank",
    "quizzes:question-move": "bank",
    "quizzes:quiz-create": "bank",
    "quizzes:topic-edit": "topic",
    "quizzes:topic-delete": "topic",
    "quizzes:topic-move": "topic",
    "quizzes:question-create": "item type",
    "quizzes:question-preview": "item type",
    "quizzes:question-edit": "question",
    "quizzes:question-history": "question",
    "quizzes:question-archive": "question",
    "quizzes:question-unarchive": "question",
    "quizzes:question-delete": "question",
    "quizzes:question-restore": "version",
    "quizzes:quiz-edit": "quiz",
    "quizzes:educator-promote": "user",
    "quizzes:class-detail": "class",
    "quizzes:class-code": "class",
    "quizzes:assignment-create": "class",
    "quizzes:class-gradebook": "class",
    "quizzes:class-gradebook-csv": "class",
    "quizzes:class-member-remove": "member",
    "quizzes:assignment-edit": "assignment",
    "quizzes:assignment-delete": "assignment",
    "quizzes:quiz-analysis": "quiz",
    "quizzes:bank-analysis": "bank",
    "quizzes:bank-import": "bank",
    "quizzes:bank-export": "bank export",
}


def reverse_for(name: str, world) -> str:
    args = world["args"]
    if name in AUTHORING_ARGS:
        return reverse(name, args=args[AUTHORING_ARGS[name]])
    if name == "quizzes:attempt-item":
        return reverse(name, args=[*args["attempt"], 2])
    if name.startswith("quizzes:attempt-") and name not in {
        "quizzes:attempt-start",
        "quizzes:attempt-list",
        "quizzes:attempt-history-csv",
    }:
        return reverse(name, args=args["attempt"])
    if name in {"quizzes:review-result", "quizzes:review-answer"}:
        return reverse(name, args=args["card"])
    if name == "quizzes:attempt-start":
        return reverse(name, args=args["quiz"])
    return reverse(name)


@pytest.mark.parametrize(("name", "access"), WALK, ids=[f"{name}-{method}" for name, (method, _) in WALK])
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_what_the_rule_says(client, world, name, access, persona):
    method, expected = access
    if persona != "ANON":
        client.force_login(world[persona])
    response = getattr(client, method)(reverse_for(name, world))
    want = expected[persona]
    if want == LOGIN:
        assert response.status_code == 302 and response.url.startswith(reverse("login")), response
    else:
        assert response.status_code == want, (name, persona, response.status_code)
