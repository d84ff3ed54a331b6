"""Every URL, walked as each persona: a URL cannot ship without an access rule.

ANON is an anonymous visitor, OWNER the learner who owns the objects in the URL, OTHER another learner,
EDU an educator who owns nothing in the URL. An expected value is a status code, or LOGIN for a redirect
to the log-in page.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from quizzes.authoring.media import store
from quizzes.learning import review_queue
from quizzes.live import sessions, stream
from quizzes.models import ReviewCard, Source
from quizzes.sources.revisions import add_version
from quizzes.taking import attempts
from quizzes.teaching import overrides
from tests.conftest import chosen, make_classroom, make_user
from tests.media.images import png

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
    "quizzes:quiz-start": rule("get", LOGIN, 200, 200, 200),  # the rules, before the clock starts
    "quizzes:attempt-start": rule("post", LOGIN, 302, 302, 302),
    "quizzes:attempt-list": rule("get", LOGIN, 200, 200, 200),
    "quizzes:attempt-history-csv": rule("get", LOGIN, 200, 200, 200),
    "quizzes:review-next": rule("get", LOGIN, 200, 200, 200),
    # a question image of a bank whose practice quiz is open to everyone: every signed-in user may take it;
    # a visitor gets 404, not a log-in page (it is an <img>); class-only banks: tests/media
    "quizzes:media-file": rule("get", 404, 200, 200, 200),
    # the owner's attempt: everyone else gets a 404, which does not confirm it exists
    "quizzes:attempt-detail": rule("get", LOGIN, 302, 404, 404),
    "quizzes:attempt-item": rule("get", LOGIN, 200, 404, 404),
    "quizzes:attempt-answer": rule("post", LOGIN, 400, 404, 404),  # the owner gets as far as the empty form
    "quizzes:attempt-finish": rule("get", LOGIN, 200, 404, 404),
    "quizzes:attempt-leave": rule("get", LOGIN, 200, 404, 404),
    "quizzes:attempt-result": rule("get", LOGIN, 302, 404, 404),  # unfinished: back to the attempt
    "quizzes:attempt-practice": rule("post", LOGIN, 404, 404, 404),  # a finished attempt's only
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
    "quizzes:question-edit-preview": rule("post", LOGIN, 403, 403, 404),
    "quizzes:question-dismiss": rule("post", LOGIN, 403, 403, 404),
    "quizzes:question-history": rule("get", LOGIN, 403, 403, 404),
    "quizzes:question-restore": rule("post", LOGIN, 403, 403, 404),
    "quizzes:question-archive": rule("post", LOGIN, 403, 403, 404),
    "quizzes:question-unarchive": rule("post", LOGIN, 403, 403, 404),
    "quizzes:question-delete": rule("get", LOGIN, 403, 403, 404),
    "quizzes:quiz-create": rule("get", LOGIN, 403, 403, 404),
    "quizzes:quiz-edit": rule("get", LOGIN, 403, 403, 404),
    "quizzes:quiz-delete": rule("get", LOGIN, 403, 403, 404),
    "quizzes:quiz-preview": rule("get", LOGIN, 403, 403, 404),
    "quizzes:quiz-archive": rule("post", LOGIN, 403, 403, 404),
    "quizzes:quiz-unarchive": rule("post", LOGIN, 403, 403, 404),
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
    "quizzes:class-groups": rule("get", LOGIN, 403, 403, 404),
    "quizzes:group-edit": rule("get", LOGIN, 403, 403, 404),
    "quizzes:group-delete": rule("post", LOGIN, 403, 403, 404),
    "quizzes:assignment-create": rule("post", LOGIN, 403, 403, 404),
    "quizzes:assignment-edit": rule("get", LOGIN, 403, 403, 404),
    "quizzes:assignment-delete": rule("post", LOGIN, 403, 403, 404),
    "quizzes:assignment-overrides": rule("get", LOGIN, 403, 403, 404),
    "quizzes:class-gradebook": rule("get", LOGIN, 403, 403, 404),
    "quizzes:class-gradebook-csv": rule("get", LOGIN, 403, 403, 404),
    "quizzes:quiz-analysis": rule("get", LOGIN, 403, 403, 404),
    "quizzes:bank-analysis": rule("get", LOGIN, 403, 403, 404),
    "quizzes:bank-import": rule("get", LOGIN, 403, 403, 404),
    "quizzes:bank-export": rule("get", LOGIN, 403, 403, 404),
    "quizzes:bank-media": rule("get", LOGIN, 403, 403, 404),
    # sources: a published bank's source is for every reader; adding, revising and coverage are its
    # educator's only (the bank is not EDU's, so its source is a 404)
    "quizzes:source-read": rule("get", LOGIN, 200, 200, 200),
    "quizzes:source-create": rule("get", LOGIN, 403, 403, 404),
    "quizzes:source-revise": rule("get", LOGIN, 403, 403, 404),
    "quizzes:source-coverage": rule("get", LOGIN, 403, 403, 404),
    "quizzes:passage-questions": rule("get", LOGIN, 403, 403, 404),
    "quizzes:question-confirm": rule("post", LOGIN, 403, 403, 404),
    # the style guide: DEBUG only, and tests run with DEBUG off (tests/test_style_guide.py turns it on)
    "quizzes:style-guide": rule("get", 404, 404, 404, 404),
    # live sessions: the projector and its moves are the session owner's (another educator's here, 404); the
    # join page is open to visitors (guests may join); the learner's page is the seated learner's; the
    # stream needs only its signed token, which the pages of the seated hand out
    "quizzes:live-start": rule("get", LOGIN, 403, 403, 200),
    "quizzes:live-projector": rule("get", LOGIN, 403, 403, 404),
    "quizzes:live-move": rule("post", LOGIN, 403, 403, 404),
    "quizzes:live-summary-csv": rule("get", LOGIN, 403, 403, 404),
    "quizzes:live-join": rule("get", 200, 200, 200, 200),
    "quizzes:live-play": rule("get", 404, 200, 404, 404),
    "quizzes:live-answer": rule("post", 404, 400, 404, 404),  # the owner gets as far as the empty form
    "quizzes:live-stream": rule("get", 200, 200, 200, 200),
    # accounts
    "login": rule("get", 200, 302, 302, 302),
    "logout": rule("post", 302, 302, 302, 302),
    "signup": rule("get", 200, 302, 302, 302),
    "password_change": rule("get", LOGIN, 200, 200, 200),
    "password_change_done": rule("get", LOGIN, 200, 200, 200),
    # a forgotten password: open to anyone, signed in or not (Django's views)
    "password_reset": rule("get", 200, 200, 200, 200),
    "password_reset_done": rule("get", 200, 200, 200, 200),
    "password_reset_confirm": rule("get", 200, 200, 200, 200),  # a made-up link: "no longer works"
    "password_reset_complete": rule("get", 200, 200, 200, 200),
    "profile": rule("get", LOGIN, 200, 200, 200),
}


# Screens whose one view also takes a POST: that is walked too.
ALSO_POSTED = {
    "quizzes:attempt-finish": rule("post", LOGIN, 200, 404, 404),  # the owner is asked to confirm
    "quizzes:source-create": rule("post", LOGIN, 403, 403, 404),
    "quizzes:bank-media": rule("post", LOGIN, 403, 403, 404),
    "quizzes:source-revise": rule("post", LOGIN, 403, 403, 404),
    "quizzes:live-join": rule("post", 200, 200, 200, 200),  # the empty form comes back with its errors
    "quizzes:class-groups": rule("post", LOGIN, 403, 403, 404),
    "quizzes:group-edit": rule("post", LOGIN, 403, 403, 404),
    "quizzes:assignment-overrides": rule("post", LOGIN, 403, 403, 404),
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
    review_queue.review_answer(card, chosen([wrong]), card.review_count, now=card.due)  # only a due card
    attempt = attempts.start_attempt(learner, practice_quiz)
    bank, question = practice_quiz.bank, practice_quiz.bank.questions.first()
    source = Source.objects.create(bank=bank, key="sheet", title="Sheet")
    version = add_version(source, [("intro-01", "Intro", "A fact."), ("intro-02", "Intro", "Another.")])
    teacher = make_user("teacher", "Educator")
    classroom = make_classroom(teacher, [learner], [practice_quiz])
    live = sessions.start_session(teacher, practice_quiz, classroom=classroom)
    image = store(bank, png(), alt="A red square")
    sessions.join(live, learner)
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
        "group": [overrides.save_group(classroom, "Extra time 50 %", [learner.pk]).pk],
        "source": [source.pk],
        "source version": [version.pk],
        "passage": [version.pk, "intro-01"],
        "live": [live.code],
        "stream": [stream.stream_token(live.pk, "learner")],
        "media": [image.name],
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
    "quizzes:question-edit-preview": "question",
    "quizzes:question-dismiss": "question",
    "quizzes:question-history": "question",
    "quizzes:question-archive": "question",
    "quizzes:question-unarchive": "question",
    "quizzes:question-delete": "question",
    "quizzes:question-restore": "version",
    "quizzes:quiz-edit": "quiz",
    "quizzes:quiz-delete": "quiz",
    "quizzes:quiz-preview": "quiz",
    "quizzes:quiz-archive": "quiz",
    "quizzes:quiz-unarchive": "quiz",
    "quizzes:educator-promote": "user",
    "quizzes:class-detail": "class",
    "quizzes:class-code": "class",
    "quizzes:assignment-create": "class",
    "quizzes:class-gradebook": "class",
    "quizzes:class-gradebook-csv": "class",
    "quizzes:class-member-remove": "member",
    "quizzes:assignment-edit": "assignment",
    "quizzes:assignment-delete": "assignment",
    "quizzes:assignment-overrides": "assignment",
    "quizzes:class-groups": "class",
    "quizzes:group-edit": "group",
    "quizzes:group-delete": "group",
    "quizzes:quiz-analysis": "quiz",
    "quizzes:bank-analysis": "bank",
    "quizzes:bank-import": "bank",
    "quizzes:bank-export": "bank export",
    "quizzes:bank-media": "bank",
    "quizzes:source-read": "source version",
    "quizzes:source-create": "bank",
    "quizzes:source-revise": "source",
    "quizzes:source-coverage": "source version",
    "quizzes:passage-questions": "passage",
    "quizzes:question-confirm": "question",
    "quizzes:live-projector": "live",
    "quizzes:live-move": "live",
    "quizzes:live-summary-csv": "live",
    "quizzes:live-play": "live",
    "quizzes:live-answer": "live",
    "quizzes:live-stream": "stream",
    "quizzes:media-file": "media",
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
    if name in {"quizzes:attempt-start", "quizzes:quiz-start"}:
        return reverse(name, args=args["quiz"])
    if name == "password_reset_confirm":
        return reverse(name, args=["MQ", "made-up-token"])
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
    if name == "quizzes:media-file" and response.status_code == 200:
        # named by its content hash and checked per request: the browser alone may keep it (tests/media)
        assert cache_directives(response) == {"private", "max-age", "immutable"}
    elif persona != "ANON":  # a signed-in user's pages show their answers and keys: no cache may keep them
        assert {"private", "no-store"} <= cache_directives(response), (name, persona)


def cache_directives(response) -> set[str]:
    return {
        part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",") if part.strip()
    }


# -- a quiz for its classes only (issue 19) ---------------------------------------------------------------

# url name -> expected for a MEMBER of the quiz's class and for a LEAVER, who started an attempt while in the
# class and was then taken out of it: 404 on the quiz and on the attempt they can no longer take.
CLASS_ONLY = {
    "quizzes:quiz-start": ("get", 200, 404),
    "quizzes:attempt-start": ("post", 302, 404),
    "quizzes:attempt-leave": ("get", 200, 404),
    "quizzes:attempt-detail": ("get", 302, 404),
    "quizzes:attempt-item": ("get", 200, 404),
    "quizzes:attempt-answer": ("post", 400, 404),
    "quizzes:attempt-finish": ("get", 200, 404),
}


@pytest.fixture
def class_world(learner, other_learner, educator):
    from quizzes.authoring import editing
    from quizzes.models import Quiz
    from quizzes.teaching import classes
    from tests.conftest import make_owned_bank

    quiz = editing.save_quiz(Quiz(bank=make_owned_bank(educator), title="Week 3"), topics=[], questions=[])
    assert quiz.audience == Quiz.Audience.CLASSES
    classroom = make_classroom(educator, [learner, other_learner], [quiz])
    member_attempt = attempts.start_attempt(learner, quiz)
    leaver_attempt = attempts.start_attempt(other_learner, quiz)
    classes.remove_member(classroom, other_learner.pk)
    return {"quiz": quiz, "MEMBER": (learner, member_attempt), "LEAVER": (other_learner, leaver_attempt)}


@pytest.mark.parametrize("name", sorted(CLASS_ONLY))
@pytest.mark.parametrize("persona", ("MEMBER", "LEAVER"))
def test_a_class_only_quiz_and_its_attempts_are_404_outside_the_class(client, class_world, name, persona):
    method, *expected = CLASS_ONLY[name]
    user, attempt = class_world[persona]
    client.force_login(user)
    if name in {"quizzes:attempt-start", "quizzes:quiz-start"}:
        url = reverse(name, args=[class_world["quiz"].pk])
    elif name == "quizzes:attempt-item":
        url = reverse(name, args=[attempt.code, 1])
    else:
        url = reverse(name, args=[attempt.code])
    response = getattr(client, method)(url)
    assert response.status_code == expected[persona == "LEAVER"], (name, persona, response.status_code)
