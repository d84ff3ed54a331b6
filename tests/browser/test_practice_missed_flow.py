"""“Practice these” on the results: a practice quiz of exactly the questions missed, the learner's own,
started by a plain form post (so without JavaScript too)."""

import pytest
from playwright.sync_api import Browser, expect

from quizzes.models import Attempt
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_practice_these_starts_a_practice_of_the_questions_missed(browser: Browser, live_server, javascript):
    from django.contrib.auth.models import Group

    from quizzes.demo import EDUCATORS, LEARNERS
    from quizzes.models import Quiz
    from tests.conftest import PASSWORD, make_owned_bank, make_user
    from tests.taking.test_results_course import answered

    for name in (LEARNERS, EDUCATORS):
        Group.objects.get_or_create(name=name)
    teacher, ada = make_user("teacher", EDUCATORS), make_user("ada")
    practice = make_owned_bank(teacher).quizzes.get(slug="practice")
    Quiz.objects.filter(pk=practice.pk).update(audience=Quiz.Audience.EVERYONE)
    done = answered(ada, practice, ["right", "wrong", "right", "wrong"])  # 2 and 4 missed

    context = browser.new_context(java_script_enabled=javascript)
    try:
        page = context.new_page()
        page.set_default_timeout(5_000)
        sign_in(page, live_server.url, "ada", PASSWORD)
        page.goto(f"{live_server.url}/attempts/{done.code}/results/")
        page.get_by_role("button", name="Practice these 2 questions you missed").click()
        expect(page.locator("#question-card").get_by_role("heading", level=2)).to_have_text("Question 1 of 2")
        expect(page.locator("main")).to_contain_text("Practice what you missed: Practice quiz")
    finally:
        context.close()
    started = Attempt.objects.get(quiz__practice_of=done)
    missed = {s.version.question_id for s in done.slots.select_related("version") if s.number in (2, 4)}
    assert {s.version.question_id for s in started.slots.select_related("version")} == missed
