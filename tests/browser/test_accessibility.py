"""Every page, checked for accessibility in Debian's Chromium: axe-core, the Nu HTML Checker, small screens,
the keyboard alone and no JavaScript at all.

For each page of PAGES: axe-core finds no violation of WCAG 2.2 A and AA (light colours, then the dark
scheme's contrast); at 360 px wide and at 200 % zoom (a 1280 px window is 640 CSS px) the page does not
scroll sideways and no control sticks out of the page or is cut off; right and wrong are never shown by
colour alone. The main pages are kept as screenshots in tests/a11y/screenshots/ (ignored by git). Then the
Nu HTML Checker reads every page's HTML in one run. Separate tests take a practice quiz with the keyboard
alone, and a practice quiz and an exam with JavaScript off.

A new page joins every check with one line in PAGES: a name, the persona who opens it, and a function
from the seeded world to its URL (plus, if the page is a state reached by acting on it, such as a form
with its errors, a function that acts). `test_every_page_is_covered` fails for a GET URL of
tests/test_access_walk.py's RULES that has no line here (files and redirects are listed in NOT_PAGES).
A new item type needs nothing: its learner pages and editors are made for every type in
quizzes.items.ITEM_TYPES, from a question of that type in the shipped bank, or else from the type's
example in tests/items/test_item_types.py.

The checkers come from npm (tests/a11y/package.json, installed by `make a11y-tools`); the Nu checker
runs with Java. The module seeds one world and serves it from a live server of its own (see `world`),
so it stays fast; the database is put back as the migrations left it when the module ends.
"""

import dataclasses
import json
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import override_settings
from django.urls import resolve, reverse
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from quizzes.authoring import editing
from quizzes.authoring.media import store
from quizzes.demo import EDUCATORS, LEARNERS, ensure_demo_accounts, load_mmn_bank
from quizzes.items import ITEM_TYPES
from quizzes.live import sessions as live_sessions
from quizzes.models import (
    Assignment,
    Attempt,
    Bank,
    Classroom,
    Membership,
    Question,
    Quiz,
    Response,
    Review,
    ReviewCard,
    Source,
    Topic,
)
from quizzes.taking import attempts
from quizzes.teaching import classes, overrides
from tests.browser.conftest import TIMEOUT_MS
from tests.media.images import SVG, png

# Without a database mark pytest-django would not create the test database for this module alone. Each test
# runs in a transaction that is rolled back; the module's world is written before, outside them.
pytestmark = pytest.mark.django_db

TOOLS = Path(__file__).resolve().parent.parent / "a11y"
AXE = TOOLS / "node_modules" / "axe-core" / "axe.min.js"
VNU = TOOLS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHECKS = TOOLS / "checks.js"  # the checks of our own: layout, colour, focus
SCREENSHOTS = TOOLS / "screenshots"

AXE_WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
# The dark scheme changes colours only, so only the colour rules run again under it.
AXE_COLOURS = {"runOnly": {"type": "rule", "values": ["color-contrast", "link-in-text-block"]}}
DESKTOP = {"width": 1280, "height": 900}
SMALL_SCREENS = {"360px": {"width": 360, "height": 740}, "zoom-200": {"width": 640, "height": 450}}

ANON, LEARNER, NEWCOMER, EDUCATOR = "anonymous", "learner", "newcomer", "educator"
PASSWORD = "a11y-check-2026"


# -- the seeded world ---------------------------------------------------------------------------------


@dataclass
class World:
    """Users, quizzes and attempts in every state a page can show; the URLs of PAGES are built from it."""

    base_url: str
    users: dict[str, object] = field(default_factory=dict)
    sessions: dict[str, dict] = field(default_factory=dict)  # persona -> Playwright storage state
    examples: dict[str, Question] = field(default_factory=dict)  # item type -> its example question
    attempts: dict[str, Attempt] = field(default_factory=dict)
    quizzes: dict[str, Quiz] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    cards: dict[str, ReviewCard] = field(default_factory=dict)
    assignments: dict[str, Assignment] = field(default_factory=dict)
    bank: Bank | None = None
    classroom: Classroom | None = None
    group: object = None  # a group of the class, given accommodations
    live: dict[str, object] = field(default_factory=dict)  # live sessions by state, the learner in each

    def slot(self, attempt: str, item_type: str) -> str:
        """The item page of `attempt` that holds the example of `item_type`."""
        if item_type not in self.examples:
            pytest.fail(
                f"no question of type {item_type!r}: the shipped bank has none, nor tests/test_item_types.py"
            )
        slot = self.attempts[attempt].slots.get(version__question=self.examples[item_type])
        return reverse("quizzes:attempt-item", args=[self.attempts[attempt].code, slot.number])


def item_examples() -> dict[str, object]:
    """The item-type tests' example of each type: a spec, and a form that answers it less than right."""
    try:
        from tests.items.test_item_types import EXAMPLES
    except ImportError:
        return {}
    examples: dict[str, object] = {}
    for example in EXAMPLES.values():
        examples.setdefault(example.type, example)
    return examples


def as_form(fields: dict) -> QueryDict:
    form = QueryDict(mutable=True)
    for name, value in fields.items():
        form.setlist(name, value if isinstance(value, list) else [value])
    return form


def example_questions(bank, educator) -> tuple[dict[str, Question], dict[int, object]]:
    """One active question of each item type: the shipped bank's first, else one made from the type's
    example; and for the latter, the example's wrong answer (question id -> answer)."""
    questions, wrong, examples = {}, {}, None
    topic = bank.topics.order_by("position", "id").first()
    for name, item in ITEM_TYPES.items():
        question = (
            bank.questions.filter(status=Question.Status.ACTIVE, current_version__item_type=name)
            .order_by("id")
            .first()
        )
        if question is None:
            examples = item_examples() if examples is None else examples
            if name not in examples:
                continue
            example = examples[name]
            stem = f"Test item: {item.label}"  # test data, and it says so
            draft = editing.QuestionDraft(
                name, topic, "medium", stem, "Test data.", "Treatment", example.spec
            )
            question = editing.create_question(bank, draft, author=educator)
            spec = question.current_version.spec
            form = example.wrong(spec) if callable(example.wrong) else example.wrong
            wrong[question.pk] = item.parse_answer(spec, as_form(form))
        questions[name] = question
    return questions, wrong


def answers_for(version, wrong=None) -> dict[str, object]:
    """Answers to a version: "right" for every type; "wrong" and "partial" where it is known how."""
    item, spec = version.item, version.spec
    answers = {"right": item.key_answer(spec)}
    if wrong is not None:
        answers["wrong"] = wrong
    options = spec.get("options") if isinstance(spec, dict) else None
    if options and all(isinstance(o, dict) and "correct" in o for o in options):
        keys = [o["id"] for o in options if o["correct"]]
        answers["wrong"] = [next(o["id"] for o in options if not o["correct"])]
        if len(keys) > 1:
            answers["partial"] = keys[:1]
    return answers


def answer_slots(attempt: Attempt, plan: Callable[[int, dict], object | None], wrong: dict) -> None:
    """Store an answer for each slot as the learner would have given it; `plan` picks it (None: skip)."""
    for slot in attempt.slots.select_related("version").order_by("number"):
        answer = plan(slot.number, answers_for(slot.version, wrong.get(slot.version.question_id)))
        if answer is None:
            continue
        grade = slot.version.item.grade(slot.version.spec, answer)
        Response.objects.create(slot=slot, answer=answer, points=grade.points, max_points=grade.max_points)


def mark_exam_room(attempt: Attempt) -> Attempt:
    """Mark an exam of the example items (single answer, select all, true/false first) as a learner does:
    item 1 wrong but sure, the option chosen ruled out, flagged; item 2 a guess changed from wrong to
    right; item 3 right and sure; item 4 flagged, not answered; the rest not answered."""
    slots = {s.number: s for s in attempt.slots.select_related("version")}

    def send(number: int, options: list[str], confidence: str, **when) -> None:
        form = as_form({"option": options, "confidence": confidence})
        attempts.record_answer(attempt, number, form, seconds=40, **when)

    first, second = answers_for(slots[1].version), answers_for(slots[2].version)
    send(1, first["wrong"], "sure")
    attempts.strike_option(attempt, 1, first["wrong"][0], True)
    attempts.set_flag(attempt, 1, True)
    send(2, second["wrong"], "guessing", now=timezone.now() - timedelta(minutes=2))
    send(2, second["right"], "guessing")
    send(3, answers_for(slots[3].version)["right"], "sure")
    attempts.set_flag(attempt, 4, True)
    return attempt


def mistaken(number: int, answers: dict) -> object:
    """Every item answered wrongly where a wrong answer is known (the feedback has the most to show)."""
    return answers.get("wrong", answers["right"])


def varied(number: int, answers: dict) -> object:
    """The first item wrong, the second partly right where it can be, the rest right."""
    if number == 1 and "wrong" in answers:
        return answers["wrong"]
    if number == 2:
        return answers.get("partial", answers.get("wrong", answers["right"]))
    return answers["right"]


def fixed_quiz(bank, slug: str, title: str, mode: str, questions, *, minutes: int | None = None) -> Quiz:
    quiz = Quiz.objects.create(
        bank=bank,
        slug=slug,
        title=title,
        mode=mode,
        selection=Quiz.Selection.FIXED,
        audience=Quiz.Audience.EVERYONE,
        question_count=len(questions),
        time_limit_minutes=minutes,
        shuffle_questions=False,
        shuffle_options=False,
    )
    quiz.questions.set(questions)
    return quiz


def seed(world: World) -> None:
    User = get_user_model()
    for name in (LEARNERS, EDUCATORS):
        Group.objects.get_or_create(name=name)
    ensure_demo_accounts()
    bank = load_mmn_bank().bank
    learner, educator = User.objects.get(username="learner"), User.objects.get(username="educator")
    for user in (learner, educator):
        user.set_password(PASSWORD)
        user.save()
    world.users = {LEARNER: learner, EDUCATOR: educator}
    for persona in (NEWCOMER, "classmate", "keyboard", "no-js"):
        world.users[persona] = User.objects.create_user(username=persona, password=PASSWORD)
        world.users[persona].groups.add(Group.objects.get(name=LEARNERS))

    world.examples, wrong = example_questions(bank, educator)
    examples = list(world.examples.values())
    for mode in (Quiz.Mode.PRACTICE, Quiz.Mode.EXAM):
        minutes = 30 if mode == Quiz.Mode.EXAM else None
        for copy in ("a", "b"):
            world.quizzes[f"{mode}-{copy}"] = fixed_quiz(
                bank,
                f"types-{mode}-{copy}",
                f"Every item type ({mode} {copy})",
                mode,
                examples,
                minutes=minutes,
            )

    # Finished attempts (results, history, mastery, mistakes to review), then unfinished ones.
    for mode in (Quiz.Mode.PRACTICE, Quiz.Mode.EXAM):
        done = attempts.start_attempt(learner, world.quizzes[f"{mode}-a"])
        last = done.slot_count  # left unanswered: "Not answered" in the results
        answer_slots(done, lambda n, a, last=last: None if n == last else varied(n, a), wrong)
        world.attempts[f"{mode}-done"] = attempts.finish_attempt(done)
        world.attempts[f"{mode}-answered"] = answered = attempts.start_attempt(
            learner, world.quizzes[f"{mode}-a"]
        )
        answer_slots(answered, mistaken if mode == Quiz.Mode.PRACTICE else varied, wrong)
        world.attempts[f"{mode}-fresh"] = attempts.start_attempt(learner, world.quizzes[f"{mode}-b"])

    # Every mistake is due now; one has just been reviewed (its feedback page), the rest wait.
    ReviewCard.objects.filter(user=learner).update(due=timezone.now() - timedelta(minutes=1))
    cards = list(ReviewCard.objects.filter(user=learner).select_related("question__current_version"))
    assert len(cards) >= 2, "the world needs two mistakes to review"
    reviewed = cards[0]
    version = reviewed.question.current_version
    answer = answers_for(version)["right"]
    grade = version.item.grade(version.spec, answer)
    Review.objects.create(
        card=reviewed,
        version=version,
        source=Review.Source.REVIEW,
        answer=answer,
        points=grade.points,
        max_points=grade.max_points,
        rating=3,
        reviewed_at=timezone.now(),
    )
    ReviewCard.objects.filter(pk=reviewed.pk).update(
        review_count=reviewed.review_count + 1, due=timezone.now() + timedelta(days=3)
    )
    world.cards["reviewed"] = reviewed

    # Authoring: an empty topic (deletable), a question with two versions that no learner was given.
    world.topics["first"] = bank.topics.order_by("position", "id").first()
    world.topics["empty"] = editing.create_topic(bank, "Topic without questions")
    spare = bank.questions.exclude(pk__in=[q.pk for q in examples]).order_by("-id").first()
    first = spare.current_version
    reworded = dataclasses.replace(
        editing.QuestionDraft.from_version(first, spare.topic), stem=first.stem + " (reworded)"
    )
    editing.edit_question(spare, reworded, author=educator)
    world.questions["spare"] = spare
    world.bank = bank
    store(bank, png("teal", (320, 180)), alt="A teal rectangle standing in for an ECG strip", user=educator)

    # Short quizzes of choice items for the keyboard and no-JavaScript tests.
    choice = [
        bank.questions.filter(status=Question.Status.ACTIVE, current_version__item_type=name)
        .exclude(pk=spare.pk)
        .order_by("-id")
        .first()
        for name in ("single", "multiple", "truefalse")
    ]
    world.quizzes["short-practice"] = fixed_quiz(bank, "short-practice", "Short practice", "practice", choice)
    world.quizzes["short-exam"] = fixed_quiz(bank, "short-exam", "Short exam", "exam", choice, minutes=30)

    # The exam room: an exam submitted with the learner's marks (flags, a struck option, how sure they
    # were, a changed answer), and the same exam under way with the same marks.
    room = fixed_quiz(bank, "exam-room", "Exam room", Quiz.Mode.EXAM, examples, minutes=30)
    world.quizzes["exam-room"] = room
    done = mark_exam_room(attempts.start_attempt(learner, room))
    world.attempts["room-done"] = attempts.finish_attempt(done)
    world.attempts["room-open"] = mark_exam_room(attempts.start_attempt(learner, room))

    # A class with the learner and a classmate: one quiz done, one overdue (in progress), one to do.
    classroom = classes.create_classroom(educator, "Cohort A")
    Membership.objects.bulk_create(
        Membership(classroom=classroom, user=u) for u in (learner, world.users["classmate"])
    )
    now = timezone.now()
    classes.assign(classroom, world.quizzes["practice-a"], None)
    classes.assign(classroom, world.quizzes["exam-b"], now - timedelta(days=1))
    world.assignments["to do"] = classes.assign(
        classroom, world.quizzes["short-practice"], now + timedelta(days=7)
    )
    overrides.set_override(world.assignments["to do"], learner, extra_time_percent=50, extra_attempts=1)
    # A group of both learners with more time: the learner has their own and the group's.
    world.group = overrides.save_group(
        classroom, "Extra time 50 %", [learner.pk, world.users["classmate"].pk]
    )
    overrides.set_group_override(world.assignments["to do"], world.group, extra_minutes=10)
    world.classroom = classroom

    # Live sessions of the short practice quiz for the class, one in each state, the learner and the
    # classmate in each; once answered, the learner is right and the classmate wrong.
    for state in ("lobby", "open", "answered", "revealed", "ended"):
        live = live_sessions.start_session(educator, world.quizzes["short-practice"], classroom=classroom)
        seats = [
            live_sessions.join(live, user, nickname=f"N{n}")
            for n, user in enumerate((learner, world.users["classmate"]))
        ]
        if state != "lobby":
            live_sessions.move(live, educator, "next")
        if state != "lobby" and state != "open":
            answers = answers_for(seats[0].attempt.slots.select_related("version").get(number=1).version)
            for seat, answer in zip(seats, (answers["right"], answers["wrong"]), strict=True):
                live_sessions.answer(live, seat, 1, as_form({"option": answer}))
        if state in ("revealed", "ended"):
            live_sessions.move(live, educator, "reveal")
        if state == "ended":
            live_sessions.move(live, educator, "end")
        world.live[state] = live


def session_for(user) -> dict:
    """A Playwright storage state with a session of `user` (the log-in page has tests of its own)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    return {
        "cookies": [
            {
                "name": cookie.key,
                "value": cookie.value,
                "domain": "localhost",
                "path": "/",
                "expires": -1,
                "httpOnly": True,
                "secure": False,
                "sameSite": "Lax",
            }
        ],
        "origins": [],
    }


@pytest.fixture(autouse=True)
def _short_timeouts():
    """The conftest's version opens a browser context for every test; these tests bring their own."""


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One seeded world for the module, served by a live server of its own.

    pytest-django's `live_server` makes each test transactional, flushing the database after it; these
    pages only read (the few that act change nothing another page shows), so the world is seeded once,
    outside the tests' transactions, and the database is put back as the migrations left it at the end.
    """
    for tool in (AXE, VNU):
        if not tool.exists():
            pytest.fail(f"{tool} is missing: run `make a11y-tools` (npm ci in tests/a11y)", pytrace=False)
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        name = str(connection.settings_dict["NAME"])
        # The module's `django_db` mark makes pytest-django create the test database; never seed another.
        assert "memory" in name or "test" in name, f"not a test database: {name}"
        as_migrated = connection.creation.serialize_db_to_string()
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            world = World(base_url=server.url)
            seed(world)
            for persona, user in world.users.items():
                world.sessions[persona] = session_for(user)
            yield world
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(as_migrated)
            if connection.vendor == "postgresql":
                # Django keeps a connection per context, and Playwright's greenlets switch contexts, so the
                # main thread may hold several; one left open keeps pytest-django from dropping the test
                # database at the end. End the others, then this one.
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                connection.close()


def new_context(browser: Browser, world: World, persona: str, **options) -> BrowserContext:
    state = world.sessions.get(persona)
    context = browser.new_context(storage_state=state, viewport=DESKTOP, **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


# -- the pages ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class A11yPage:
    name: str
    persona: str
    url: Callable[[World], str]
    act: Callable[[Page], None] | None = None  # reaches a state of the page: a form with errors, ...

    def __str__(self) -> str:
        return self.name


def fill_log_in(page: Page, username: str, password: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


def wrong_password(page: Page) -> None:
    fill_log_in(page, "learner", "not-the-password")
    expect(page.get_by_role("alert")).to_be_visible()


def locked_out(page: Page) -> None:
    heading = page.get_by_role("heading", level=1, name="Too many failed log-ins")
    for _ in range(10):
        fill_log_in(page, "somebody-else", "not-the-password")
        page.wait_for_load_state()
        if heading.is_visible():
            return
    expect(heading).to_be_visible()


def stale_csrf_token(page: Page) -> None:
    page.locator("main input[name=csrfmiddlewaretoken]").evaluate(
        "input => { input.value = 'x'.repeat(64); }"
    )
    fill_log_in(page, "learner", PASSWORD)
    expect(page.get_by_role("heading", level=1, name="Please try again")).to_be_visible()


def form_errors(button: str, fields: dict[str, str] | None = None) -> Callable[[Page], None]:
    """An act: fill the labelled fields, press the button, and see the form come back with its errors."""

    def act(page: Page) -> None:
        for label, value in (fields or {}).items():
            page.get_by_label(label, exact=True).fill(value)
        page.get_by_role("button", name=button, exact=True).click()
        expect(page.locator("main [role=alert], main .error, main .errorlist").first).to_be_visible()

    return act


# What the import page reads (nothing is imported: the checks stop at the preview).
GIFT = "::ivig:: Which treatment works in MMN? {=IVIG ~Corticosteroids ~Plasma exchange}\n"
BROKEN_GIFT = "::ivig:: Which treatment works in MMN? {=IVIG ~Corticosteroids\n"


def upload(text: str, *, expect_heading: str = "", leave_out_errors: bool = False) -> Callable[[Page], None]:
    """An act: send a GIFT file to the import form; see its preview, or its errors."""

    def act(page: Page) -> None:
        page.get_by_label("File", exact=True).set_input_files(
            files=[{"name": "bank.gift", "mimeType": "text/plain", "buffer": text.encode()}]
        )
        if leave_out_errors:
            page.get_by_label("Import the questions that read, and leave out the ones with errors").check()
        page.get_by_role("button", name="Preview the import").click()
        if expect_heading:
            expect(page.get_by_role("heading", name=expect_heading)).to_be_visible()
        else:
            expect(page.locator("main .error").first).to_be_visible()

    return act


def upload_svg(page: Page) -> None:
    """An act: send an SVG to the bank's Images page; see it refused."""
    page.get_by_label("Image", exact=True).set_input_files(
        files=[{"name": "figure.svg", "mimeType": "image/svg+xml", "buffer": SVG}]
    )
    page.get_by_role("button", name="Add the image").click()
    expect(page.locator("main .error").first).to_be_visible()


def answer_nothing(page: Page) -> None:
    page.locator("#question-card").get_by_role("button", name="Check answer").click()
    expect(page.locator("#question-card").get_by_role("alert")).to_be_visible()


def tampered_answer(page: Page) -> None:
    """A slot that is not part of the attempt, posted as a plain form (htmx would not swap a 400)."""
    with page.expect_navigation():
        page.locator("#question-card form").evaluate(
            "form => { form.elements.slot.value = '999'; HTMLFormElement.prototype.submit.call(form); }"
        )
    expect(page.get_by_role("heading", level=1, name="Bad request")).to_be_visible()


def flag_off_and_on(page: Page) -> None:
    """Two htmx steps that leave the item as it was: the navigator's entry and the card swapped twice."""
    card = page.locator("#question-card")
    for pressed in ("false", "true"):
        card.get_by_role("button", name="Flag for review").click()
        expect(card.get_by_role("button", name="Flag for review")).to_have_attribute("aria-pressed", pressed)
    expect(card.get_by_role("button", name="Flag for review")).to_be_focused()


def submit_with_unanswered(page: Page) -> None:
    """Submit with questions not answered: the confirmation is swapped in (nothing is submitted yet)."""
    page.get_by_role("button", name="Submit exam").click()
    expect(
        page.get_by_role("heading", name=re.compile(r"^Submit with \d+ questions not answered\?$"))
    ).to_be_focused()


def url(name: str, *args: Callable[[World], object], query: str = "") -> Callable[[World], str]:
    """A URL builder: the URL name, and one function of the world for each argument."""
    return lambda w: reverse(name, args=[arg(w) for arg in args]) + query


def attempt(key: str, part: str = "attempt-item", number: int | None = None) -> Callable[[World], str]:
    def build(w: World) -> str:
        args = [w.attempts[key].code] + ([number] if number else [])
        return reverse(f"quizzes:{part}", args=args)

    return build


def sheet(w: World) -> Source:
    return Source.objects.get(bank=w.bank, key="mmn-factsheet")


def sheet_version(w: World) -> int:
    return sheet(w).current_version_id


def sheet_passage(w: World) -> int:
    return sheet(w).current_version.passages.get(key="treatment-07").pk


SOURCE_TEXT = (
    "# Caring for MMN\n\nMMN is a rare neuropathy. IVIG is the first-line therapy.\n\n"
    "# Watch for\n\n- Weakness in the hands\n- Foot drop\n"
)


def paste_source(button: str, then: str, title: str = "") -> Callable[[Page], None]:
    """An act: paste a short source (with a title, when the form asks for one) and see what comes back."""

    def act(page: Page) -> None:
        if title:
            page.get_by_label("Title", exact=True).fill(title)
        page.get_by_label("Paste the text (plain text or Markdown)").fill(SOURCE_TEXT)
        page.get_by_role("button", name=button, exact=True).click()
        expect(page.get_by_role("button", name=then, exact=True)).to_be_visible()

    return act


def item_type_pages() -> list[A11yPage]:
    """Each item type as learners meet it, unanswered and answered, and in its editor (new and saved).

    An unanswered exam item differs from a practice one only around the item (the timer, the
    question links), so that page is checked once, with the first type.
    """
    first = next(iter(ITEM_TYPES))
    pages = [A11yPage(f"{first} item, exam, unanswered", LEARNER, lambda w: w.slot("exam-fresh", first))]
    for name in ITEM_TYPES:
        for key, state in (
            ("practice-fresh", "practice, unanswered"),
            ("practice-answered", "practice, feedback"),
            ("exam-answered", "exam, answered"),
        ):
            pages.append(A11yPage(f"{name} item, {state}", LEARNER, lambda w, k=key, n=name: w.slot(k, n)))
        pages.append(
            A11yPage(
                f"{name} editor, new",
                EDUCATOR,
                url("quizzes:question-create", bank_slug, lambda w, n=name: n),
            )
        )
        pages.append(
            A11yPage(
                f"{name} editor, saved",
                EDUCATOR,
                lambda w, n=name: reverse("quizzes:question-edit", args=[w.examples[n].pk]),
            )
        )
    return pages


def live_code(state: str) -> Callable[[World], object]:
    return lambda w: w.live[state].code


def bank_slug(w: World) -> str:
    return w.bank.slug


PAGES: list[A11yPage] = [
    # accounts
    A11yPage("log-in", ANON, url("login")),
    A11yPage("log-in, wrong password", ANON, url("login"), wrong_password),
    A11yPage("log-in, locked out", ANON, url("login"), locked_out),
    A11yPage("form with a stale security token", ANON, url("login"), stale_csrf_token),
    A11yPage("sign-up", ANON, url("signup")),
    A11yPage(
        "sign-up, with errors",
        ANON,
        url("signup"),
        form_errors(
            "Sign up", {"Username": "learner", "Password": "one-2026", "Password confirmation": "two-2026"}
        ),
    ),
    A11yPage("password change", LEARNER, url("password_change")),
    A11yPage(
        "password change, with errors",
        LEARNER,
        url("password_change"),
        form_errors(
            "Change password",
            {"Old password": "wrong", "New password": "x", "New password confirmation": "x"},
        ),
    ),
    A11yPage("password changed", LEARNER, url("password_change_done")),
    A11yPage("forgotten password", ANON, url("password_reset")),
    A11yPage("forgotten password, sent", ANON, url("password_reset_done")),
    A11yPage(
        "reset link that no longer works", ANON, lambda w: reverse("password_reset_confirm", args=["MQ", "x"])
    ),
    A11yPage("new password set", ANON, url("password_reset_complete")),
    A11yPage("profile", LEARNER, url("profile")),
    # learners
    A11yPage("home", LEARNER, url("quizzes:home")),
    A11yPage("home, newcomer", NEWCOMER, url("quizzes:home")),
    A11yPage("quiz list", LEARNER, url("quizzes:quiz-list")),
    *item_type_pages(),
    A11yPage("item, nothing chosen", LEARNER, attempt("practice-fresh", number=1), answer_nothing),
    A11yPage("finish, with unanswered questions", LEARNER, attempt("exam-fresh", "attempt-finish")),
    A11yPage("finish, all answered", LEARNER, attempt("practice-answered", "attempt-finish")),
    A11yPage("results, practice", LEARNER, attempt("practice-done", "attempt-result")),
    A11yPage("results, exam", LEARNER, attempt("exam-done", "attempt-result")),
    # the exam room: the navigator, flags, a struck option, confidence, a changed answer
    A11yPage("exam item, marked", LEARNER, attempt("room-open", number=1)),
    A11yPage("exam item, flag off and on again", LEARNER, attempt("room-open", number=1), flag_off_and_on),
    A11yPage("review and submit, unanswered and flagged", LEARNER, attempt("room-open", "attempt-finish")),
    A11yPage(
        "review and submit, confirming",
        LEARNER,
        attempt("room-open", "attempt-finish"),
        submit_with_unanswered,
    ),
    A11yPage(
        "results, exam with marks and a changed answer", LEARNER, attempt("room-done", "attempt-result")
    ),
    # the exam's front door and leaving it (issue 19)
    A11yPage("exam start page", LEARNER, url("quizzes:quiz-start", lambda w: w.quizzes["short-exam"].pk)),
    A11yPage("leave the exam", LEARNER, attempt("room-open", "attempt-leave")),
    A11yPage("my attempts", LEARNER, url("quizzes:attempt-list")),
    A11yPage(
        "my attempts, filtered to nothing",
        LEARNER,
        url("quizzes:attempt-list", query="?mode=practice&quiz=0"),
    ),
    A11yPage("my attempts, newcomer", NEWCOMER, url("quizzes:attempt-list")),
    A11yPage("mastery", LEARNER, url("quizzes:mastery")),
    A11yPage("mastery, newcomer", NEWCOMER, url("quizzes:mastery")),
    A11yPage("review queue, question", LEARNER, url("quizzes:review-next")),
    A11yPage(
        "review queue, feedback", LEARNER, url("quizzes:review-result", lambda w: w.cards["reviewed"].pk)
    ),
    A11yPage("review queue, empty", NEWCOMER, url("quizzes:review-next")),
    # error pages
    A11yPage("bad request (400)", LEARNER, attempt("practice-fresh", number=1), tampered_answer),
    A11yPage("not allowed (403)", LEARNER, url("quizzes:bank-list")),
    A11yPage("not found (404)", LEARNER, lambda w: "/attempts/00000000-0000-4000-8000-000000000000/"),
    # authoring
    A11yPage("my banks", EDUCATOR, url("quizzes:bank-list")),
    A11yPage("new bank", EDUCATOR, url("quizzes:bank-create")),
    A11yPage("new bank, with errors", EDUCATOR, url("quizzes:bank-create"), form_errors("Create bank")),
    A11yPage("bank", EDUCATOR, url("quizzes:bank-detail", bank_slug)),
    A11yPage("bank, edit", EDUCATOR, url("quizzes:bank-edit", bank_slug)),
    A11yPage("new topic", EDUCATOR, url("quizzes:topic-create", bank_slug)),
    A11yPage("rename topic", EDUCATOR, url("quizzes:topic-edit", lambda w: w.topics["first"].pk)),
    A11yPage("delete topic", EDUCATOR, url("quizzes:topic-delete", lambda w: w.topics["empty"].pk)),
    A11yPage("questions", EDUCATOR, url("quizzes:question-list", bank_slug)),
    A11yPage(
        "questions, filtered",
        EDUCATOR,
        url("quizzes:question-list", bank_slug, query="?q=IVIG&status=active"),
    ),
    A11yPage(
        "questions, none match",
        EDUCATOR,
        url("quizzes:question-list", bank_slug, query="?q=zzzz-no-such-words"),
    ),
    A11yPage(
        "question editor, with errors",
        EDUCATOR,
        url("quizzes:question-create", bank_slug, lambda w: "single"),
        form_errors("Save question"),
    ),
    A11yPage(
        "question history", EDUCATOR, url("quizzes:question-history", lambda w: w.questions["spare"].pk)
    ),
    A11yPage("delete question", EDUCATOR, url("quizzes:question-delete", lambda w: w.questions["spare"].pk)),
    A11yPage(
        "delete question, in use",
        EDUCATOR,
        url("quizzes:question-delete", lambda w: next(iter(w.examples.values())).pk),
    ),
    A11yPage("new quiz", EDUCATOR, url("quizzes:quiz-create", bank_slug)),
    A11yPage(
        "new quiz, with errors", EDUCATOR, url("quizzes:quiz-create", bank_slug), form_errors("Create quiz")
    ),
    A11yPage("edit quiz", EDUCATOR, url("quizzes:quiz-edit", lambda w: w.quizzes["practice-a"].pk)),
    A11yPage(
        "delete quiz, in use", EDUCATOR, url("quizzes:quiz-delete", lambda w: w.quizzes["practice-a"].pk)
    ),
    A11yPage("delete quiz", EDUCATOR, url("quizzes:quiz-delete", lambda w: w.quizzes["exam-room"].pk)),
    A11yPage("quiz preview", EDUCATOR, url("quizzes:quiz-preview", lambda w: w.quizzes["exam-room"].pk)),
    A11yPage(
        "quiz preview, answer checked",
        EDUCATOR,
        url("quizzes:quiz-preview", lambda w: w.quizzes["short-practice"].pk, query="?seed=7&n=1&check=1"),
    ),
    A11yPage("educators", EDUCATOR, url("quizzes:educator-list", query="?q=e")),
    A11yPage("bank images", EDUCATOR, url("quizzes:bank-media", bank_slug)),
    A11yPage("bank images, an SVG refused", EDUCATOR, url("quizzes:bank-media", bank_slug), upload_svg),
    A11yPage("import into a bank", EDUCATOR, url("quizzes:bank-import", bank_slug)),
    A11yPage(
        "import, a file with errors", EDUCATOR, url("quizzes:bank-import", bank_slug), upload(BROKEN_GIFT)
    ),
    A11yPage(
        "import, preview",
        EDUCATOR,
        url("quizzes:bank-import", bank_slug),
        upload(GIFT, expect_heading="What will"),
    ),
    A11yPage(
        "import, preview leaving out a question with errors, with warnings",
        EDUCATOR,
        url("quizzes:bank-import", bank_slug),
        upload(
            GIFT + "\nDescribe MMN. {}\n\n" + BROKEN_GIFT, expect_heading="What will", leave_out_errors=True
        ),
    ),
    A11yPage(
        "import, a file with errors and warnings",
        EDUCATOR,
        url("quizzes:bank-import", bank_slug),
        upload("Describe MMN. {}\n\n" + BROKEN_GIFT),
    ),
    # classes
    A11yPage("my classes", LEARNER, url("quizzes:membership-list")),
    A11yPage("my classes, none", NEWCOMER, url("quizzes:membership-list")),
    A11yPage("join a class", NEWCOMER, url("quizzes:class-join")),
    A11yPage(
        "join a class, wrong code",
        NEWCOMER,
        url("quizzes:class-join"),
        form_errors("Join", {"Join code": "NOPE0000"}),
    ),
    A11yPage(
        "join link", NEWCOMER, lambda w: reverse("quizzes:class-join") + f"?code={w.classroom.join_code}"
    ),
    A11yPage("educator home", EDUCATOR, url("quizzes:home")),
    A11yPage("classes", EDUCATOR, url("quizzes:class-list")),
    A11yPage("new class", EDUCATOR, url("quizzes:class-create")),
    A11yPage("class", EDUCATOR, url("quizzes:class-detail", lambda w: w.classroom.pk)),
    A11yPage(
        "edit assignment", EDUCATOR, url("quizzes:assignment-edit", lambda w: w.assignments["to do"].pk)
    ),
    A11yPage(
        "accommodations",
        EDUCATOR,
        url("quizzes:assignment-overrides", lambda w: w.assignments["to do"].pk),
    ),
    A11yPage("groups", EDUCATOR, url("quizzes:class-groups", lambda w: w.classroom.pk)),
    A11yPage(
        "groups, with errors",
        EDUCATOR,
        url("quizzes:class-groups", lambda w: w.classroom.pk),
        form_errors("Save group"),
    ),
    A11yPage("edit group", EDUCATOR, url("quizzes:group-edit", lambda w: w.group.pk)),
    A11yPage("gradebook", EDUCATOR, url("quizzes:class-gradebook", lambda w: w.classroom.pk)),
    # live sessions: the educator's start form and projector, the learner's join and play pages
    A11yPage("live start", EDUCATOR, url("quizzes:live-start", query="?quiz=0")),
    A11yPage("live start, with errors", EDUCATOR, url("quizzes:live-start"), form_errors("Open the lobby")),
    *(
        A11yPage(f"live projector, {state}", EDUCATOR, url("quizzes:live-projector", live_code(state)))
        for state in ("lobby", "open", "revealed", "ended")
    ),
    A11yPage("live join", LEARNER, url("quizzes:live-join")),
    A11yPage("live join, as a visitor", ANON, url("quizzes:live-join")),
    A11yPage(
        "live join, with errors",
        LEARNER,
        url("quizzes:live-join"),
        form_errors("Join", {"Session code": "ZZ"}),
    ),
    *(
        A11yPage(f"live play, {state}", LEARNER, url("quizzes:live-play", live_code(state)))
        for state in ("lobby", "open", "answered", "revealed", "ended")
    ),
    A11yPage(
        "item analysis, quiz", EDUCATOR, url("quizzes:quiz-analysis", lambda w: w.quizzes["practice-a"].pk)
    ),
    A11yPage("item analysis, bank", EDUCATOR, url("quizzes:bank-analysis", bank_slug)),
    # sources
    A11yPage(
        "source, a passage highlighted",
        LEARNER,
        url("quizzes:source-read", sheet_version, query="?passage=symptoms-03#passage-symptoms-03"),
    ),
    A11yPage("source coverage", EDUCATOR, url("quizzes:source-coverage", sheet_version)),
    A11yPage(
        "passage and its questions",
        EDUCATOR,
        url("quizzes:passage-questions", sheet_version, lambda w: "what-is-mmn-07"),
    ),
    A11yPage(
        "question editor, from a passage",
        EDUCATOR,
        lambda w: (
            reverse("quizzes:question-create", args=[w.bank.slug, "single"]) + f"?passage={sheet_passage(w)}"
        ),
    ),
    A11yPage("add a source", EDUCATOR, url("quizzes:source-create", bank_slug)),
    A11yPage(
        "add a source, with errors",
        EDUCATOR,
        url("quizzes:source-create", bank_slug),
        form_errors("Preview the split"),
    ),
    A11yPage(
        "add a source, its split",
        EDUCATOR,
        url("quizzes:source-create", bank_slug),
        paste_source("Preview the split", "Save the source", title="Care notes"),
    ),
    A11yPage("revise a source", EDUCATOR, url("quizzes:source-revise", lambda w: sheet(w).pk)),
    A11yPage(
        "revise a source, the changes",
        EDUCATOR,
        url("quizzes:source-revise", lambda w: sheet(w).pk),
        paste_source("Compare with the current version", "Save as version 2"),
    ),
]

# The main pages, kept as screenshots at 360 px and at 200 % zoom (every page is measured; a picture of each
# would double the module's time).
SCREENSHOTS_OF = {
    "log-in",
    "home",
    "quiz list",
    *(
        f"{name} item, {state}"
        for name in ITEM_TYPES
        for state in ("practice, unanswered", "practice, feedback")
    ),
    "finish, with unanswered questions",
    "exam item, marked",
    "results, practice",
    "my attempts",
    "mastery",
    "review queue, question",
    "bank",
    "questions",
    "single editor, new",
    "my classes",
    "gradebook",
    "item analysis, quiz",
}

# URLs that answer a GET with something other than a page of their own.
NOT_PAGES = {
    "quizzes:attempt-history-csv",  # a CSV file
    "quizzes:class-gradebook-csv",  # a CSV file
    "quizzes:bank-export",  # a bank file
    "quizzes:attempt-detail",  # redirects to where the attempt stands
    "quizzes:style-guide",  # a 404 without DEBUG: tests/browser/test_widths.py checks it with DEBUG on
    "quizzes:live-summary-csv",  # a CSV file
    "quizzes:live-stream",  # a stream of server-sent events
    "quizzes:media-file",  # an image
}


def test_every_page_is_covered(world: World):
    """Every URL that shows a page (a GET in the access walk, bar NOT_PAGES) has a line in PAGES."""
    from tests.test_access_walk import RULES

    pages = {name for name, (method, _) in RULES.items() if method == "get"}
    covered = {resolve(urlsplit(spec.url(world)).path).view_name for spec in PAGES}
    missing = pages - NOT_PAGES - covered
    assert {spec.name for spec in PAGES} >= SCREENSHOTS_OF, "SCREENSHOTS_OF names a page PAGES does not have"
    assert not missing, f"add a line to PAGES in tests/browser/test_accessibility.py for: {sorted(missing)}"


# -- checks -------------------------------------------------------------------------------------------


def open_page(page: Page, world: World, spec: A11yPage) -> str:
    """Open the page (and act on it); return its HTML as the server sent it.

    A state that an htmx swap brings has no document of its own: its HTML is the page as it now stands.
    """
    documents = []

    def keep(response) -> None:
        if response.request.resource_type == "document" and response.frame == page.main_frame:
            documents.append(response)

    page.on("response", keep)
    try:
        page.goto(world.base_url + spec.url(world))
        before = len(documents)
        if spec.act:
            spec.act(page)
            page.wait_for_load_state()
    finally:
        page.remove_listener("response", keep)
    if spec.act and len(documents) == before:
        return page.content()
    final = [r for r in documents if not 300 <= r.status < 400][-1]
    return final.text()


def axe_problems(page: Page, options: dict, label: str) -> list[str]:
    problems = []
    for violation in page.evaluate("options => mmnA11y.axe(options)", options):
        problems.append(f"axe {violation['id']} ({violation['impact']}, {label}): {violation['help']}")
        for node in violation["nodes"][:5]:
            summary = " ".join(node["summary"].split())
            problems.append(f"    {node['target']}: {node['html'][:160]}\n      {summary[:400]}")
        if len(violation["nodes"]) > 5:
            problems.append(f"    ... and {len(violation['nodes']) - 5} more")
    return problems


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@pytest.fixture(scope="module")
def documents() -> dict[str, str]:
    """Each page's HTML, kept by the page checks for the Nu HTML Checker's single run."""
    return {}


@pytest.fixture(scope="module")
def tabs(browser: Browser, world: World):
    """One browser tab per persona, shared by the page checks (a context per page would double their time)."""
    contexts: dict[str, BrowserContext] = {}

    def tab(persona: str) -> Page:
        if persona not in contexts:
            contexts[persona] = new_context(browser, world, persona)
            # An init script is not subject to the page's Content Security Policy, unlike add_script_tag.
            contexts[persona].add_init_script(path=str(AXE))
            contexts[persona].add_init_script(path=str(CHECKS))
            contexts[persona].new_page()
        page = contexts[persona].pages[0]
        page.set_viewport_size(DESKTOP)
        page.emulate_media(color_scheme="light")
        return page

    for old in SCREENSHOTS.glob("*.*"):  # pictures of this run only
        old.unlink()
    yield tab
    for context in contexts.values():
        context.close()


@pytest.mark.parametrize("spec", PAGES, ids=str)
def test_page_is_accessible(tabs, world: World, documents: dict[str, str], spec: A11yPage):
    page = tabs(spec.persona)
    documents[spec.name] = open_page(page, world, spec)
    problems = axe_problems(page, AXE_WCAG, "light")
    problems += page.evaluate("mmnA11y.colourOnly()")
    for label, viewport in SMALL_SCREENS.items():
        page.set_viewport_size(viewport)
        problems += [f"{label}: {problem}" for problem in page.evaluate("mmnA11y.layout()")]
        if spec.name in SCREENSHOTS_OF:
            SCREENSHOTS.mkdir(exist_ok=True)
            shot = SCREENSHOTS / f"{slug(spec.name)}-{label}.jpg"
            page.screenshot(path=shot, full_page=True, type="jpeg", quality=70)
    page.emulate_media(color_scheme="dark")
    problems += axe_problems(page, AXE_COLOURS, "dark")
    assert not problems, f"{spec.name} ({spec.url(world)}):\n" + "\n".join(problems)


def test_every_page_is_valid_html(tabs, world: World, documents: dict[str, str], tmp_path: Path):
    """The Nu HTML Checker finds no error in any page: one Java run over every page's HTML."""
    for spec in PAGES:
        if spec.name not in documents:  # this test alone, or with some page checks deselected
            documents[spec.name] = open_page(tabs(spec.persona), world, spec)
    pages = {"500.html": "server error (500)"}
    # 500.html is served when Django itself has failed, so it is plain HTML with no template logic to run.
    (tmp_path / "500.html").write_text(
        (settings.BASE_DIR / "templates" / "500.html").read_text("utf-8"), "utf-8"
    )
    for number, (name, html) in enumerate(sorted(documents.items())):
        pages[f"{number:03d}-{slug(name)}.html"] = name
        (tmp_path / f"{number:03d}-{slug(name)}.html").write_text(html, encoding="utf-8")
    # A page with a known error, to prove the checker ran and reads what it is given.
    (tmp_path / "canary.html").write_text("<!doctype html><html lang=en><title>x</title><p></div>", "utf-8")
    result = subprocess.run(
        [
            *("java", "-jar", str(VNU), "--errors-only", "--format", "json", "--exit-zero-always"),
            # htmx's attributes are not in the HTML standard; every other error counts.
            *("--filterpattern", r".*Attribute .hx-[^ ]+ not allowed.*"),
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    errors: dict[str, list[str]] = {}
    for message in json.loads(result.stderr)["messages"]:
        if message["type"] == "error" or message.get("subType") == "fatal":
            name = message.get("url", "").rsplit("/", 1)[-1]
            extract = " ".join(message.get("extract", "").split())
            errors.setdefault(pages.get(name, name), []).append(
                f"line {message.get('lastLine', '?')}: {message['message']}\n      {extract[:160]}"
            )
    assert errors.pop("canary.html", None), "the Nu HTML Checker did not report the canary's error"
    assert len(pages) == len(PAGES) + 1
    assert not errors, "HTML errors:\n" + "\n".join(
        f"{page}:\n    " + "\n    ".join(found) for page, found in errors.items()
    )


# -- the keyboard alone, and no JavaScript ----------------------------------------------------------------

VERDICT_LINE = re.compile(
    r"^(Correct|Incorrect|Partly correct) — \d+(\.\d+)? of \d+(\.\d+)? points?( \(.+\))?$"
)


def assert_focus_visible(page: Page) -> str:
    """The focused element shows its focus, 3:1 against the page behind it; returns what it is."""
    focus = page.evaluate("mmnA11y.focus()")
    assert focus, "nothing has the keyboard focus"
    assert focus["outline"] or focus["shadow"], f"{focus['element']} has the focus but does not show it"
    assert focus["ratio"] is None or focus["ratio"] >= 3, (
        f"{focus['element']}'s focus ring: {focus['ratio']}:1"
    )
    return focus["element"]


def tab_to(page: Page, target, *, limit: int = 40) -> list[str]:
    """Press Tab until `target` has the focus, checking the focus is visible at every step."""
    steps = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        steps.append(assert_focus_visible(page))
        if target.evaluate("element => element === document.activeElement"):
            return steps
    raise AssertionError(f"{target} not reached in {limit} presses of Tab: {steps}")


def tab_into_options(page: Page, card) -> None:
    """Tab to the first option of the question (a radio group is one stop, each tick box is one)."""
    tab_to(page, card.locator(".options input").first)


@pytest.mark.django_db
def test_keyboard_alone_takes_a_practice_quiz(browser: Browser, world: World):
    """Tab, arrows, Space, Enter and the 1-9 shortcuts, with the focus visible at every step; after each
    htmx swap the focus is on the card and the live region says what happened."""
    quiz = world.quizzes["short-practice"]
    context = new_context(browser, world, "keyboard")
    context.add_init_script(path=str(CHECKS))
    try:
        page = context.new_page()
        page.goto(world.base_url + reverse("quizzes:quiz-list"))
        tab_to(page, page.get_by_role("button", name=f"Start {quiz.title}", exact=True))
        page.keyboard.press("Enter")
        card, announcer = page.locator("#question-card"), page.locator("#announcer")
        expect(announcer).to_have_attribute("aria-live", "polite")
        heading = card.get_by_role("heading", level=2)
        expect(heading).to_have_text("Question 1 of 3")
        page.evaluate("window.__marker = 1")  # gone if a full page load replaces the document

        for number in (1, 2, 3):
            options = card.locator(".options input")
            multiple = options.first.get_attribute("type") == "checkbox"
            expect(card.locator(".shortcut-hint")).to_be_visible()
            expect(card.locator(".shortcut-hint")).to_contain_text(f"press 1 to {options.count()} to choose")
            expect(options.first).to_have_attribute("aria-keyshortcuts", "1")
            if (
                number == 1
            ):  # Tab into the options, pick with the arrows (radios) or Space (tick boxes), Enter
                tab_into_options(page, card)
                page.keyboard.press("Space" if multiple else "ArrowDown")
                assert_focus_visible(page)
                expect(card.locator(".options input:checked")).to_have_count(1)
                page.keyboard.press("Enter")
            elif number == 2:  # the shortcuts: a digit picks (and focuses) that option, Enter submits
                page.keyboard.press("2")
                expect(options.nth(1)).to_be_checked()
                expect(options.nth(1)).to_be_focused()
                assert_focus_visible(page)
                if multiple:
                    page.keyboard.press("1")
                    expect(options.first).to_be_checked()
                page.keyboard.press("Enter")
            else:  # Space on an option, then Tab to the button and press Enter on it
                tab_into_options(page, card)
                page.keyboard.press("Space")
                expect(card.locator(".options input:checked")).to_have_count(1)
                tab_to(page, card.get_by_role("button", name="Check answer"))
                page.keyboard.press("Enter")

            # The feedback is swapped in, the focus on the card's heading, the live region gives the verdict.
            expect(card.locator(".verdict")).to_be_visible()
            expect(heading).to_be_focused()
            assert_focus_visible(page)
            expect(announcer).to_have_text(VERDICT_LINE)
            assert page.evaluate("window.__marker") == 1, "the answer reloaded the page"
            if number < 3:
                tab_to(page, card.get_by_role("link", name="Next question"))
                page.keyboard.press("Enter")
                expect(heading).to_have_text(f"Question {number + 1} of 3")
                expect(heading).to_be_focused()
                expect(announcer).to_have_text(f"Question {number + 1} of 3")

        tab_to(page, card.get_by_role("button", name="Finish and see my score"))
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1, name=f"Results: {quiz.title}")).to_be_visible()
    finally:
        context.close()
    attempt = Attempt.objects.get(user=world.users["keyboard"], quiz=quiz)
    assert attempt.is_finished and Response.objects.filter(slot__attempt=attempt).count() == 3


@pytest.mark.django_db
def test_shortcuts_leave_typing_alone(tabs, world: World):
    """Digits typed into a text box are text, not option shortcuts (typed-answer item types have boxes)."""
    page = tabs(LEARNER)
    page.goto(world.base_url + world.slot("practice-fresh", "single"))
    card = page.locator("#question-card")
    card.locator("form").evaluate(
        "form => form.append(Object.assign(document.createElement('input'), {type: 'text', id: 'typed'}))"
    )
    page.locator("#typed").focus()
    page.keyboard.type("21")
    expect(page.locator("#typed")).to_have_value("21")
    expect(card.locator(".options input:checked")).to_have_count(0)


@pytest.mark.django_db
def test_without_javascript_a_practice_quiz_and_an_exam_go_to_the_end(browser: Browser, world: World):
    context = new_context(browser, world, "no-js", java_script_enabled=False)
    try:
        page = context.new_page()
        card = page.locator("#question-card")
        for key, button in (("short-practice", "Check answer"), ("short-exam", "Save and")):
            quiz = world.quizzes[key]
            page.goto(world.base_url + reverse("quizzes:quiz-list"))
            if quiz.mode == Quiz.Mode.EXAM:  # the exam's rules first; its button starts the clock
                page.get_by_role("link", name=f"Start {quiz.title}", exact=True).click()
                page.get_by_role("button", name=f"Start the clock {quiz.title}", exact=True).click()
            else:
                page.get_by_role("button", name=f"Start {quiz.title}", exact=True).click()
            for number in (1, 2, 3):
                expect(card.get_by_role("heading", level=2)).to_have_text(f"Question {number} of 3")
                expect(card.locator(".shortcut-hint")).to_be_hidden()  # the keys need JavaScript
                card.locator(".options input").first.check()
                card.get_by_role("button", name=re.compile(f"^{button}")).click()
                if quiz.mode == Quiz.Mode.PRACTICE:  # the feedback, on a page of its own
                    expect(card.locator(".verdict strong")).to_have_text(
                        re.compile("Correct|Incorrect|Partly")
                    )
                    if number < 3:
                        card.get_by_role("link", name="Next question").click()
            if quiz.mode == Quiz.Mode.PRACTICE:
                card.get_by_role("button", name="Finish and see my score").click()
            else:
                expect(page.get_by_text("You have answered 3 of 3 questions.")).to_be_visible()
                page.get_by_role("button", name="Submit exam").click()
            expect(page.get_by_role("heading", level=1, name=f"Results: {quiz.title}")).to_be_visible()
            expect(page.locator(".review-list > li")).to_have_count(3)
    finally:
        context.close()
    for key in ("short-practice", "short-exam"):
        attempt = Attempt.objects.get(user=world.users["no-js"], quiz=world.quizzes[key])
        assert attempt.is_finished and Response.objects.filter(slot__attempt=attempt).count() == 3


# -- respectful defaults, and the checkers themselves -----------------------------------------------------


@pytest.mark.django_db
def test_pages_follow_the_readers_settings(browser: Browser, world: World):
    """Reduced motion stops transitions; the dark scheme darkens the page (its contrast: the page checks)."""
    probe = """() => {
        const el = Object.assign(document.createElement("span"), {className: "htmx-request htmx-indicator"});
        document.body.append(el);
        return [getComputedStyle(el).transitionDuration, getComputedStyle(document.body).backgroundColor];
    }"""
    seen = {}
    for motion, scheme in (("no-preference", "light"), ("reduce", "dark")):
        context = new_context(browser, world, LEARNER, reduced_motion=motion, color_scheme=scheme)
        page = context.new_page()
        page.goto(world.base_url + reverse("quizzes:home"))
        seen[motion] = page.evaluate(probe)
        context.close()
    assert seen["no-preference"] == ["0.2s", "rgb(243, 245, 248)"]  # --bg, light
    assert seen["reduce"] == ["0s", "rgb(14, 18, 23)"]  # --bg, dark


@pytest.mark.django_db
def test_the_checkers_catch_what_they_look_for(tabs, world: World):
    """Each check fails a page that breaks its rule, so a pass means something."""
    page = tabs(LEARNER)
    page.goto(world.base_url + reverse("quizzes:quiz-list"))
    page.evaluate("""() => {
        const main = document.querySelector("main");
        main.append(Object.assign(document.createElement("img"), {src: "data:,"}));  // no alt
        const wide = document.createElement("div");
        wide.style.width = "2000px";
        wide.style.height = "1rem";
        main.append(wide);
        const mark = document.createElement("span");  // a wrong-coloured border round nothing
        mark.style.border = "2px solid var(--wrong)";
        mark.style.display = "inline-block";
        mark.style.width = mark.style.height = "1rem";
        main.append(mark);
    }""")
    assert any("image-alt" in line for line in axe_problems(page, AXE_WCAG, "light"))
    assert any("scrolls sideways" in line for line in page.evaluate("mmnA11y.layout()"))
    assert any("colour alone" in line for line in page.evaluate("mmnA11y.colourOnly()"))
